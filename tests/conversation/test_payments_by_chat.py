"""Payments that finish outside the chat turn, and cancellations with refunds, by chat."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.conversation.chat import REGISTRATION_CODE, Chat

pytestmark = pytest.mark.conversation


@pytest.fixture
def chat(stack, outbox) -> Chat:
    return Chat(stack.app_url, outbox)


def register_paid_ticket(chat: Chat, name: str, address: str, greeting: str = "quiero registrarme") -> str:
    """Register for a General ticket up to the PayPal link; return the link."""
    chat.send(greeting)
    chat.send(name)
    chat.send(address)
    chat.send(chat.latest_code(address))
    chat.click("General")
    chat.send("no")
    chat.send("no")
    chat.send("no")
    chat.send("/affirm")
    return chat.link()


def approve_without_returning(link: str) -> None:
    response = httpx.post(link, data={"action": "approve"})
    assert response.status_code == 303


def wait_for_confirmation_email(chat: Chat, address: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in chat.emails_to(address):
            match = REGISTRATION_CODE.search(message["Subject"])
            if match:
                return match.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no confirmation email to {address} within {timeout} s")


def test_buyer_who_never_returns_is_confirmed_in_chat(chat: Chat):
    link = register_paid_ticket(chat, "Nora Vidal", "nora@example.com")

    approve_without_returning(link)
    code = wait_for_confirmation_email(chat, "nora@example.com")
    chat.send("hola")

    assert f"¡Recibimos tu pago de 1,500.00 MXN! Tu registro para Cumbre de Tecnología Abierta 2027 está confirmado. Tu código de registro es {code}." in chat.text
    assert "asistente de registro" in chat.text
    chat.send("¿ya está mi registro?")
    assert "pagado y confirmado" in chat.text


def test_cancel_paid_registration_refunds(chat: Chat):
    link = register_paid_ticket(chat, "Olga Ríos", "olga@example.com")
    httpx.get(httpx.post(link, data={"action": "approve"}).headers["location"])
    wait_for_confirmation_email(chat, "olga@example.com")

    chat.send("quiero cancelar mi registro")
    assert "¿Seguro que quieres cancelar tu registro (General)? Te reembolsaremos 1,500.00 MXN" in chat.text
    chat.click("Sí, cancelar")

    assert "Cancelamos tu registro para Cumbre de Tecnología Abierta 2027 y te reembolsamos 1,500.00 MXN." in chat.text
    assert any("te reembolsamos 1,500.00 MXN" in m.get_content() for m in chat.emails_to("olga@example.com"))
    chat.send("¿ya está mi registro?")
    assert "Aún no tienes un registro" in chat.text


def test_cancel_kept_when_attendee_says_no(chat: Chat):
    link = register_paid_ticket(chat, "Sam Taylor", "sam@example.com", greeting="I want to register")
    httpx.get(httpx.post(link, data={"action": "approve"}).headers["location"])
    # The payment notice reaches the chat before its email, so it cannot arrive
    # with the reply to "No, keep it" below.
    wait_for_confirmation_email(chat, "sam@example.com")

    chat.send("I want to cancel my registration")
    assert "Are you sure you want to cancel your registration (General)? We'll refund 4" not in chat.text
    assert "Are you sure you want to cancel your registration (General)?" in chat.text
    chat.click("No, keep it")

    assert chat.text == "OK, your registration stays as it is."
    chat.send("is my registration confirmed?")
    assert "paid and confirmed" in chat.text


def test_cancel_with_nothing_registered(chat: Chat):
    chat.send("cancelar")

    assert chat.text == "No hay ningún registro en curso que cancelar."
