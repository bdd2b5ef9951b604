"""Whole registrations over the REST channel, against the trained model and running servers."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.conversation.chat import REGISTRATION_CODE, Chat, approve_payment

pytestmark = pytest.mark.conversation


@pytest.fixture
def chat(stack, outbox) -> Chat:
    return Chat(stack.app_url, outbox)


def verify_email(chat: Chat, name: str, address: str) -> None:
    chat.send(name)
    chat.send(address)
    chat.send(chat.latest_code(address))


def test_spanish_registration_paid_through_paypal(chat: Chat):
    chat.send("hola")
    assert "asistente de registro" in chat.text
    assert [b["title"] for b in chat.buttons] == ["Registrarme", "Preguntar por el evento", "Ver mi registro"]

    chat.click("Registrarme")
    assert "¿Cómo te llamas?" in chat.text

    chat.send("Ana Núñez")
    assert "¿a qué correo" in chat.text
    chat.send("Ana.Nunez@Example.com")
    assert "Te envié un código de verificación a ana.nunez@example.com" in chat.text

    chat.send(chat.latest_code("ana.nunez@example.com"))
    assert "¡Correo verificado!" in chat.text
    assert "¿Qué tipo de entrada quieres?" in chat.text
    assert any(b["title"].startswith("General · 1,500.00 MXN") for b in chat.buttons)

    chat.click("General")
    assert "teléfono" in chat.text
    chat.send("55 1234 5678")
    assert "organización" in chat.text
    chat.send("Cooperativa Café Ñandú")
    assert "alimentación" in chat.text
    chat.send("ninguna")
    assert "Revisa tu registro" in chat.text
    assert "• Nombre: Ana Núñez" in chat.text
    assert "• Teléfono: +52 55 1234 5678" in chat.text
    assert "• Alimentación: (sin indicar)" in chat.text

    chat.click("Confirmar")
    assert "Paga 1,500.00 MXN con PayPal" in chat.text
    page = approve_payment(chat.link())
    assert page.status_code == 200
    assert "Pago recibido" in page.text
    code = REGISTRATION_CODE.search(page.text).group(1)
    assert code.startswith("CUMBRE-")

    chat.wait_for_email("ana.nunez@example.com", code)
    chat.send("gracias")
    assert f"¡Recibimos tu pago de 1,500.00 MXN! Tu registro para Cumbre de Tecnología Abierta 2027 está confirmado. Tu código de registro es {code}." in chat.text

    chat.send("¿ya está mi registro?")
    assert "pagado y confirmado" in chat.text
    assert code in chat.text

    confirmation = chat.emails_to("ana.nunez@example.com")[-1]
    assert code in confirmation["Subject"]
    assert code in confirmation.get_content()


def test_english_registration_paid_through_paypal(chat: Chat):
    chat.send("Hi, I want to register")
    assert "What's your name?" in chat.text

    chat.send("Seán O'Brien")
    assert "which email" in chat.text
    chat.send("sean@example.ie")
    assert "I sent a verification code to sean@example.ie" in chat.text
    chat.send(chat.latest_code("sean@example.ie"))
    assert "Email verified!" in chat.text

    chat.click("VIP")
    chat.send("skip")
    chat.send("Globex")
    chat.send("vegetarian")
    assert "Please check your registration" in chat.text
    assert "• Name: Seán O'Brien" in chat.text
    assert "• Phone: (not given)" in chat.text

    chat.click("Confirm")
    assert "Pay 4,200.00 MXN with PayPal" in chat.text
    page = approve_payment(chat.link())
    assert "Payment received" in page.text
    code = REGISTRATION_CODE.search(page.text).group(1)

    chat.wait_for_email("sean@example.ie", code)
    chat.send("is my registration confirmed?")
    assert f"Your registration code is {code}" in chat.text
    assert "paid and confirmed" in chat.text


def test_free_ticket_confirmed_without_payment(chat: Chat):
    chat.send("quiero registrarme")
    verify_email(chat, "Lucía Prensa", "lucia@medio.example")
    chat.click("Prensa")
    chat.send("no")
    chat.send("Diario Abierto")
    chat.send("no")
    chat.click("Confirmar")

    assert "Tu registro para Cumbre de Tecnología Abierta 2027 está confirmado" in chat.text
    code = REGISTRATION_CODE.search(chat.text).group(1)
    assert not [b for b in chat.buttons if b.get("url")]
    assert code in chat.emails_to("lucia@medio.example")[-1]["Subject"]


def test_several_values_in_one_message_are_not_asked_again(chat: Chat):
    chat.send("quiero una entrada de estudiante, soy Ana Núñez")
    assert "¿a qué correo te envío el código de verificación?" in chat.text
    assert "Ana Núñez" in chat.text

    chat.send("ana.estudiante@example.com")
    chat.send(chat.latest_code("ana.estudiante@example.com"))
    assert "¡Correo verificado!" in chat.text
    assert "¿Qué tipo de entrada quieres?" not in chat.text
    assert "teléfono" in chat.text

    chat.send("no")
    chat.send("UNAM")
    chat.send("vegana")
    assert "• Entrada: Estudiante (600.00 MXN)" in chat.text
    assert "• Nombre: Ana Núñez" in chat.text


def test_invalid_email_and_phone_are_asked_again(chat: Chat):
    chat.send("quiero registrarme")
    chat.send("Luis Pérez")
    chat.send("luis-arroba-correo")
    assert "«luis-arroba-correo» no es un correo válido" in chat.text
    assert "¿a qué correo" in chat.text

    chat.send("luis@example.com")
    chat.send("000000" if chat.latest_code("luis@example.com") != "000000" else "111111")
    assert "Ese código no es correcto. Te quedan 4 intentos." in chat.text
    chat.send(chat.latest_code("luis@example.com"))
    chat.click("General")

    chat.send("12")
    assert "«12» no es un teléfono válido" in chat.text
    assert "teléfono" in chat.text
    chat.send("+52 33 1234 5678")
    assert "organización" in chat.text


def test_change_a_field_before_confirming(chat: Chat):
    chat.send("quiero registrarme")
    verify_email(chat, "Marta Gómez", "marta@example.com")
    chat.click("General")
    chat.send("no")
    chat.send("no")
    chat.send("no")
    assert "Revisa tu registro" in chat.text

    chat.click("Teléfono")
    assert "teléfono" in chat.text
    chat.send("55 8765 4321")
    assert "• Teléfono: +52 55 8765 4321" in chat.text
    assert "Revisa tu registro" in chat.text

    chat.send("cambia mi nombre a Marta Gómez Ruiz")
    assert "• Nombre: Marta Gómez Ruiz" in chat.text
    chat.send("mejor cambia la entrada a prensa")
    assert "• Entrada: Prensa (gratis)" in chat.text


def test_status_before_registering_asks_to_verify(chat: Chat):
    chat.send("¿ya está mi registro?")

    assert "primero verifico tu correo" in chat.text
    assert [b["title"] for b in chat.buttons] == ["Registrarme"]


def test_new_code_on_request(chat: Chat):
    chat.send("quiero registrarme")
    chat.send("Pedro Ruiz")
    chat.send("pedro@example.com")
    first = chat.latest_code("pedro@example.com")

    chat.click("Enviar otro código")
    assert "te envié un código nuevo a pedro@example.com" in chat.text
    assert "ya tiene una cuenta" not in chat.text
    assert len(chat.emails_to("pedro@example.com")) == 2
    second = chat.latest_code("pedro@example.com")
    if first != second:
        chat.send(first)
        assert "Ese código no es correcto" in chat.text
    chat.send(second)
    assert "¡Correo verificado!" in chat.text


def test_registered_email_recognised_not_duplicated(stack, outbox):
    first = Chat(stack.app_url, outbox)
    first.send("quiero registrarme")
    verify_email(first, "Rosa Díaz", "rosa@example.com")

    second = Chat(stack.app_url, outbox)
    second.send("quiero registrarme")
    second.send("Rosa Díaz")
    second.send("  ROSA@example.com ")

    assert "Ese correo ya tiene una cuenta" in second.text
    second.send(second.latest_code("rosa@example.com"))
    assert "¡Correo verificado!" in second.text


def test_sold_out_ticket_cannot_be_chosen(stack, outbox):
    database = create_engine(stack.extra_env["DATABASE_URL"])
    with database.begin() as connection:
        connection.execute(text("UPDATE ticket_types SET capacity = 0 WHERE code = 'vip'"))
    try:
        chat = Chat(stack.app_url, outbox)
        chat.send("quiero registrarme")
        verify_email(chat, "Iván Soto", "ivan@example.com")
        assert "• VIP: 4,200.00 MXN (primeras filas y cena de networking el 20 de mayo; agotado)" in chat.text
        assert not [b for b in chat.buttons if b["title"].startswith("VIP")]

        chat.send("quiero la VIP")
        assert "Las entradas VIP están agotadas. Elige otra: General, Estudiante, Prensa." in chat.text
        assert "¿Qué tipo de entrada quieres?" in chat.text
    finally:
        with database.begin() as connection:
            connection.execute(text("UPDATE ticket_types SET capacity = 40 WHERE code = 'vip'"))
        database.dispose()
