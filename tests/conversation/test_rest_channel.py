"""The REST channel of the application: JWT authentication and one account across senders."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import httpx
import jwt
import pytest

from tests.conversation.chat import REST_JWT_SECRET, Chat

pytestmark = pytest.mark.conversation


def events_of(stack, conversation: str) -> int:
    with sqlite3.connect(stack.var_dir / "tracker.db") as database:
        return database.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (conversation,)).fetchone()[0]


def post(stack, body: dict, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{stack.app_url}/webhooks/rest/webhook", json=body, headers=headers, timeout=60)


def test_valid_token_gets_replies_addressed_to_sender(stack, outbox):
    chat = Chat(stack.app_url, outbox)

    replies = chat.send("hola")

    assert replies[0]["recipient_id"] == chat.sender
    assert "asistente de registro" in replies[0]["text"]


@pytest.mark.parametrize(
    "token",
    [
        None,
        "not-a-jwt",
        jwt.encode({"sub": "victim"}, "another-secret-of-32-bytes-or-more!!", algorithm="HS256"),
        jwt.encode({"sub": "victim", "exp": int(time.time()) - 60}, REST_JWT_SECRET, algorithm="HS256"),
        jwt.encode({"name": "no subject"}, REST_JWT_SECRET, algorithm="HS256"),
    ],
    ids=["missing", "malformed", "wrong-secret", "expired", "no-subject"],
)
def test_bad_token_rejected_and_changes_nothing(stack, outbox, token):
    victim = Chat(stack.app_url, outbox, sender="victim")
    victim.send("hola")
    before = events_of(stack, "rest:victim")

    response = post(stack, {"sender": "victim", "message": "cancelar"}, token)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid or missing bearer token"}
    assert events_of(stack, "rest:victim") == before


def test_sender_other_than_token_subject_forbidden(stack):
    token = jwt.encode({"sub": "mallory"}, REST_JWT_SECRET, algorithm="HS256")

    response = post(stack, {"sender": "victim", "message": "hola"}, token)

    assert response.status_code == 403
    assert events_of(stack, "rest:mallory") == 0


def test_message_must_be_text(stack):
    token = jwt.encode({"sub": "shape"}, REST_JWT_SECRET, algorithm="HS256")

    response = post(stack, {"sender": "shape", "message": ["hola"]}, token)

    assert response.status_code == 400


def listening_addresses(port: int) -> set[str]:
    """Local IPv4 addresses listening on ``port``, read from the kernel's socket table."""
    addresses = set()
    with open("/proc/net/tcp", encoding="ascii") as table:
        for line in list(table)[1:]:
            local, state = line.split()[1], line.split()[3]
            host, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                addresses.add(".".join(str(int(host[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return addresses


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_engine_listens_on_loopback_only(stack):
    assert listening_addresses(stack.ports.engine) == {"127.0.0.1"}
    assert listening_addresses(stack.ports.actions) == {"127.0.0.1"}


def test_same_email_on_second_sender_finds_same_registration(stack, outbox):
    first = Chat(stack.app_url, outbox)
    first.send("quiero registrarme")
    first.send("Inés Mora")
    first.send("ines@example.com")
    first.send(first.latest_code("ines@example.com"))
    first.click("Prensa")
    for answer in ("no", "no", "no"):
        first.send(answer)
    first.click("Confirmar")
    code = first.text.split("Tu código de registro es ")[1].split(".")[0]

    second = Chat(stack.app_url, outbox)
    second.send("quiero registrarme")
    second.send("Inés Mora")
    second.send("ines@example.com")
    assert "Ese correo ya tiene una cuenta" in second.text
    second.send(second.latest_code("ines@example.com"))

    assert "Ya tienes un registro para Cumbre de Tecnología Abierta 2027" in second.text
    assert code in second.text
    second.send("¿ya está mi registro?")
    assert code in second.text
