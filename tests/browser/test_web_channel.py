"""The widget channel over HTTP and WebSocket, without a browser or a dialogue engine.

The event page, session tokens, the origin check and the push path are checked
against the application alone; ``test_widget.py`` drives the whole stack in Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from bot.channels.web_history import drop_shown, history_messages, undelivered_pushes
from bot.channels.web_origins import OriginPolicy, normalise_origin, parse_allowed_origins
from bot.channels.web_sessions import SESSION_MAX_AGE_SECONDS, InvalidSession, issue_session, verify_session
from bot.channels.web_socket import CLOSE_INVALID_SESSION, CLOSE_NOT_HELLO
from bot.cli import load_event, migrate
from bot.engine import INTERNAL_TOKEN_HEADER, internal_token
from bot.events import DEMO_EVENT_FILE
from bot.settings import SettingsError, get_settings

SECRET = "test-secret-key"
EMBEDDING_SITE = "https://eventos.example.org"
# Nothing listens on the discard port, so the engine is unreachable at once.
UNREACHABLE_ENGINE = "http://127.0.0.1:9"


@pytest.fixture
def client(isolated_settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("ENGINE_URL", UNREACHABLE_ENGINE)
    monkeypatch.setenv("APP_INTERNAL_URL", UNREACHABLE_ENGINE)
    monkeypatch.setenv("PUBLIC_URL", "http://testserver")
    monkeypatch.setenv("RECONCILE_INTERVAL_SECONDS", "0")
    monkeypatch.setenv("WIDGET_ALLOWED_ORIGINS", f"{EMBEDDING_SITE}, http://localhost:3000/")
    get_settings.cache_clear()
    migrate()
    load_event(DEMO_EVENT_FILE)

    from bot.web.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


# Session tokens


def test_session_token_verifies():
    token = issue_session(SECRET)

    session_id = verify_session(token, SECRET)

    assert token.startswith(f"{session_id}.")
    assert len(session_id) == 32


def test_session_tokens_differ():
    assert issue_session(SECRET) != issue_session(SECRET)


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "not-a-token",
        "a" * 32 + "." + "b" * 43,
        "a" * 32 + "." + "b" * 42,
    ],
)
def test_session_token_malformed_or_forged(token):
    with pytest.raises(InvalidSession):
        verify_session(token, SECRET)


def test_session_token_from_other_key():
    with pytest.raises(InvalidSession, match="signature"):
        verify_session(issue_session("another-key"), SECRET)


def test_session_token_with_changed_id():
    session_id, issued, signature = issue_session(SECRET).split(".")
    changed = ("b" if session_id[0] == "a" else "a") + session_id[1:]

    with pytest.raises(InvalidSession, match="signature"):
        verify_session(f"{changed}.{issued}.{signature}", SECRET)


def test_session_token_with_changed_issue_time():
    session_id, issued, signature = issue_session(SECRET, now=1_800_000_000).split(".")

    with pytest.raises(InvalidSession, match="signature"):
        verify_session(f"{session_id}.{int(issued) + 86400}.{signature}", SECRET, now=1_800_000_000)


def test_session_token_valid_until_max_age():
    token = issue_session(SECRET, now=1_800_000_000)

    session_id = verify_session(token, SECRET, now=1_800_000_000 + SESSION_MAX_AGE_SECONDS)

    assert token.startswith(f"{session_id}.1800000000.")


def test_session_token_expires_after_max_age():
    token = issue_session(SECRET, now=1_800_000_000)

    with pytest.raises(InvalidSession, match="expired"):
        verify_session(token, SECRET, now=1_800_000_000 + SESSION_MAX_AGE_SECONDS + 1)


def test_session_token_from_future_rejected():
    token = issue_session(SECRET, now=1_800_000_000 + 3600)

    with pytest.raises(InvalidSession, match="future"):
        verify_session(token, SECRET, now=1_800_000_000)


# Origins


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://Example.org", "https://example.org"),
        ("https://example.org:443/", "https://example.org"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("null", None),
        ("ftp://example.org", None),
        ("https://example.org/events", None),
        ("example.org", None),
    ],
)
def test_origin_normalised(value, expected):
    assert normalise_origin(value) == expected


def test_allowed_origins_invalid_entry():
    with pytest.raises(SettingsError, match="WIDGET_ALLOWED_ORIGINS contains 'www.example.org'"):
        parse_allowed_origins("https://ok.example.org, www.example.org")


def test_origin_policy_cases():
    policy = OriginPolicy(allowed=frozenset({EMBEDDING_SITE}), public_origin="https://registro.example.org")

    assert policy.allows(None, "registro.example.org")
    assert policy.allows("https://registro.example.org", "10.0.0.5:8000")
    assert policy.allows("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert policy.allows(EMBEDDING_SITE, "registro.example.org")
    assert not policy.allows("https://other.example.com", "registro.example.org")
    assert not policy.allows("null", "registro.example.org")


# History


def test_history_shows_button_titles():
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "hola", "metadata": {}},
        {
            "event": "bot",
            "text": "¿Qué quieres hacer?",
            "data": {"buttons": [{"title": "Registrarme", "payload": "/register"}]},
        },
        {"event": "user", "text": "/register", "metadata": {}},
        {"event": "user", "text": "/remind", "metadata": {"is_external": True}},
        {
            "event": "bot",
            "text": "Paga aquí",
            "data": {"buttons": [
                {"title": "Pagar con PayPal", "url": "https://paypal.example/approve", "type": "web_url"},
                {"title": "Malo", "url": "javascript:alert(1)", "type": "web_url"},
            ]},
        },
        {"event": "bot", "text": None, "data": {}},
    ]

    assert history_messages(events) == [
        {"sender": "user", "text": "hola"},
        {"sender": "bot", "text": "¿Qué quieres hacer?", "buttons": [{"title": "Registrarme", "payload": "/register"}]},
        {"sender": "user", "text": "Registrarme"},
        {
            "sender": "bot",
            "text": "Paga aquí",
            "buttons": [{"title": "Pagar con PayPal", "url": "https://paypal.example/approve", "type": "web_url"}],
        },
    ]


def test_undelivered_pushes_after_last_user_message():
    paid = {"text": "¡Recibimos tu pago!", "buttons": []}
    events = [
        {"event": "bot", "text": "viejo", "metadata": {"pushed": True, "delivered": False}},
        {"event": "user", "text": "hola"},
        {"event": "bot", "text": "Hola", "metadata": {}},
        {"event": "bot", "text": "entregado", "metadata": {"pushed": True, "delivered": True}},
        {"event": "bot", "text": paid["text"], "data": {}, "metadata": {"pushed": True, "delivered": False}},
    ]

    assert undelivered_pushes(events) == [paid]


def test_drop_shown_only_leading_matches():
    paid = {"text": "¡Recibimos tu pago!", "buttons": []}
    answer = {"text": "De nada", "buttons": []}

    assert drop_shown([paid, answer], [paid]) == [answer]
    assert drop_shown([answer, paid], [paid]) == [answer, paid]
    assert drop_shown([answer], []) == [answer]


# Event page


def test_event_page_in_spanish(client: TestClient):
    response = client.get("/")

    assert response.status_code == 200
    html = response.text
    assert '<html lang="es">' in html
    assert "<h1>Cumbre de Tecnología Abierta 2027</h1>" in html
    assert "20 y 21 de mayo de 2027, de 09:00 a 18:00 (hora de la Ciudad de México)" in html
    assert "Centro de Convenciones Reforma" in html
    assert "Paseo de la Reforma 500, Ciudad de México" in html
    assert "1,500.00 MXN" in html
    assert "Hay lugares disponibles" in html  # seats_display: few, threshold 20
    assert "Gratis" in html
    assert "Café y comida ambos días" in html
    assert "Reembolso completo hasta el 6 de mayo de 2027." in html
    assert "mailto:registro@cumbre-abierta.example" in html
    assert "El registro cierra el 18 de mayo de 2027, 23:59 (hora de la Ciudad de México)." in html
    assert '<script src="/widget.js" data-lang="es" defer></script>' in html
    assert 'href="/?lang=en"' in html


def test_event_page_in_english(client: TestClient):
    response = client.get("/events/cumbre-2027", params={"lang": "en"})

    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html
    assert "<h1>Open Technology Summit 2027</h1>" in html
    assert "20 and 21 May 2027, 09:00 to 18:00 (Mexico City time)" in html
    assert "student ID checked at the door" in html
    assert "Seats available" in html
    assert "Free" in html
    assert '<script src="/widget.js" data-lang="en" defer></script>' in html
    assert 'href="/events/cumbre-2027?lang=es"' in html


def test_event_page_unknown_language_is_spanish(client: TestClient):
    assert '<html lang="es">' in client.get("/", params={"lang": "fr"}).text


def test_event_page_unknown_event(client: TestClient):
    response = client.get("/events/no-such-event")

    assert response.status_code == 404
    assert "No encontramos el evento «no-such-event»." in response.text


def test_widget_assets_served(client: TestClient):
    script = client.get("/widget.js")
    styles = client.get("/widget.css")

    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "window.RegistroChat" in script.text
    assert styles.status_code == 200
    assert styles.headers["content-type"].startswith("text/css")


# Sessions over HTTP


def test_session_issued_same_origin(client: TestClient):
    response = client.post("/chat/session", headers={"Origin": "http://testserver"})

    assert response.status_code == 200
    verify_session(response.json()["session"], SECRET)
    assert "access-control-allow-origin" in response.headers


def test_session_issued_to_allowed_site(client: TestClient):
    response = client.post("/chat/session", headers={"Origin": EMBEDDING_SITE})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == EMBEDDING_SITE
    assert response.headers["vary"] == "Origin"


def test_session_rejected_for_other_site(client: TestClient):
    response = client.post("/chat/session", headers={"Origin": "https://other.example.com"})

    assert response.status_code == 403
    assert response.json() == {"error": "the origin https://other.example.com may not embed this chat"}
    assert "access-control-allow-origin" not in response.headers


def test_session_preflight(client: TestClient):
    allowed = client.options("/chat/session", headers={"Origin": "http://localhost:3000"})
    other = client.options("/chat/session", headers={"Origin": "https://other.example.com"})

    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert allowed.headers["access-control-allow-methods"] == "POST"
    assert other.status_code == 403


# The chat socket


def hello(token: str, pending: list | None = None) -> dict:
    return {"type": "hello", "session": token, "pending": pending or []}


def test_socket_rejects_forged_session(client: TestClient):
    session_id, issued, _signature = issue_session(SECRET).split(".")
    forged = f"{session_id}.{issued}.{'A' * 43}"

    with client.websocket_connect("/chat/ws") as socket:
        socket.send_json(hello(forged))
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()

    assert closed.value.code == CLOSE_INVALID_SESSION


def test_socket_rejects_first_frame_not_hello(client: TestClient):
    with client.websocket_connect("/chat/ws") as socket:
        socket.send_json({"type": "message", "id": "m1", "text": "hola"})
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()

    assert closed.value.code == CLOSE_NOT_HELLO


def test_socket_rejects_other_site(client: TestClient):
    with pytest.raises(WebSocketDisconnect) as rejected:
        with client.websocket_connect("/chat/ws", headers={"Origin": "https://other.example.com"}):
            pass

    assert rejected.value.code == 1008


def test_socket_accepts_allowed_site(client: TestClient):
    token = client.post("/chat/session").json()["session"]

    with client.websocket_connect("/chat/ws", headers={"Origin": EMBEDDING_SITE}) as socket:
        socket.send_json(hello(token))
        socket.send_json({"type": "message", "id": "bad id!", "text": "hola"})

        assert socket.receive_json() == {"type": "error", "in_reply_to": "bad id!", "reason": "invalid_message"}


def test_socket_reports_engine_unavailable(client: TestClient):
    token = client.post("/chat/session").json()["session"]

    with client.websocket_connect("/chat/ws") as socket:
        socket.send_json(hello(token))
        socket.send_json({"type": "message", "id": "m1", "text": "hola"})

        assert socket.receive_json() == {"type": "ack", "id": "m1"}
        assert socket.receive_json() == {"type": "typing"}
        assert socket.receive_json() == {"type": "error", "in_reply_to": "m1", "reason": "engine_unavailable"}


def test_push_reaches_open_socket(client: TestClient):
    token = client.post("/chat/session").json()["session"]
    session_id = token.split(".")[0]
    message = {"text": "¡Recibimos tu pago!", "buttons": []}

    with client.websocket_connect("/chat/ws") as socket:
        socket.send_json(hello(token))
        # The error frame proves the hello was handled and the socket registered.
        socket.send_json({"type": "message", "id": "m1", "text": "hola"})
        while socket.receive_json()["type"] != "error":
            pass
        pushed = client.post(
            "/internal/push",
            json={"conversation_id": f"web:{session_id}", "messages": [message]},
            headers={INTERNAL_TOKEN_HEADER: internal_token()},
        )

        assert pushed.json() == {"delivered": True}
        assert socket.receive_json() == {"type": "push", "messages": [message]}


def test_push_without_open_socket(client: TestClient):
    pushed = client.post(
        "/internal/push",
        json={"conversation_id": "web:nobody", "messages": [{"text": "hola"}]},
        headers={INTERNAL_TOKEN_HEADER: internal_token()},
    )

    assert pushed.json() == {"delivered": False}
