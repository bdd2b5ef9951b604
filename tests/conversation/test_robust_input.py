"""Messages as people really type them: either language, switching between them,
typos, capitals, emoji, empty or very long messages, and names with apostrophes,
hyphens and emoji. Long and empty messages outside the form are covered by
test_bad_input.py."""

from __future__ import annotations

import pytest

from bot.replies import reply
from tests.conversation.chat import Chat
from tests.conversation.script import (
    Attendee,
    asks,
    database_rows,
    finish_form,
    fixed_text,
    register_until,
    registrations_of,
    summary_line,
)

pytestmark = pytest.mark.conversation

SUMMIT_NAME = {"es": "Cumbre de Tecnología Abierta 2027", "en": "Open Technology Summit 2027"}


@pytest.fixture
def chat(stack, outbox) -> Chat:
    return Chat(stack.app_url, outbox)


# Language


def test_language_follows_latest_message(chat: Chat):
    chat.send("hola")
    assert reply("utter_greet", "es", event=SUMMIT_NAME["es"]) in chat.text

    chat.send("what are the dates?")
    assert fixed_text("topic_dates", "en") in chat.text
    assert fixed_text("topic_dates", "es") not in chat.text

    chat.send("how much is it?")
    assert fixed_text("topic_prices", "en") in chat.text
    assert fixed_text("topic_prices", "es") not in chat.text
    assert "• Student: " in chat.text
    assert "Estudiante" not in chat.text
    assert "credencial" not in chat.text

    chat.send("¿dónde es?")
    assert fixed_text("topic_venue", "es") in chat.text
    assert fixed_text("topic_venue", "en") not in chat.text
    assert fixed_text("topic_directions", "es") in chat.text


def test_english_greeting_fully_english(chat: Chat):
    chat.send("hello")

    assert reply("utter_greet", "en", event=SUMMIT_NAME["en"]) in chat.text
    assert SUMMIT_NAME["es"] not in chat.text
    assert [b["title"] for b in chat.buttons] == [
        reply("button_register", "en"), reply("button_ask_event", "en"), reply("button_check_status", "en"),
    ]


def test_language_switch_inside_form(chat: Chat):
    chat.send("I want to register")
    assert asks(chat, "account_name", "en")
    chat.send("Seán O'Brien")
    assert asks(chat, "account_email", "en")

    chat.send("¿cuánto cuesta?")
    assert fixed_text("topic_prices", "es") in chat.text
    assert asks(chat, "account_email", "es")
    assert not asks(chat, "account_email", "en")

    chat.send("how much is it?")
    assert fixed_text("topic_prices", "en") in chat.text
    assert asks(chat, "account_email", "en")
    assert not asks(chat, "account_email", "es")
    assert "¿" not in chat.text


# Typos, capitals and emoji


@pytest.mark.parametrize("message", ["cuanto questa", "💸 precio?", "CUÁNTO CUESTA LA ENTRADA?"])
def test_price_question_with_typo_or_emoji(chat: Chat, message: str):
    chat.send(message)

    assert fixed_text("topic_prices", "es") in chat.text
    assert "1,500" in chat.text
    assert "600" in chat.text


@pytest.mark.parametrize("message", ["registrame", "QUIERO REGISTRARME", "quiero registrarme 🎟️"])
def test_register_with_typo_caps_or_emoji(chat: Chat, message: str):
    chat.send(message)

    assert asks(chat, "account_name", "es")


# Empty and very long answers inside the form


def test_empty_message_at_phone_keeps_form(chat: Chat):
    attendee = Attendee(name="Rita Lara", email="rita.vacio@example.com")
    register_until(chat, attendee, "phone")

    chat.send("")

    assert reply("empty_message", "es") in chat.text
    assert not asks(chat, "organisation", "es")

    chat.send(attendee.phone)
    assert asks(chat, "organisation", "es")
    finish_form(chat, attendee)
    assert summary_line("field_phone", "+52 55 1234 5678") in chat.text


def test_long_message_at_organisation_not_stored(chat: Chat, stack):
    attendee = Attendee(name="Hugo Paz", email="hugo.largo@example.com", ticket="Prensa", organisation="no")
    register_until(chat, attendee, "organisation")

    chat.send("Globex " * 1430)
    assert reply("utter_message_too_long", "es", limit=2000) in chat.text

    # The too-long message reached no form, so nothing asked the question again.
    finish_form(chat, attendee, after="phone")
    assert summary_line("field_organisation", reply("not_given", "es")) in chat.text
    assert "Globex" not in chat.text
    chat.click(reply("button_confirm", "es"))

    rows = registrations_of(stack, attendee.email)
    assert len(rows) == 1
    status, full_name, phone, organisation = rows[0]
    assert organisation is None
    assert full_name == attendee.name


# Names stored and shown exactly as typed


@pytest.mark.parametrize(
    ("name", "email"),
    [
        ("Seán O'Brien", "sean.obrien.nombre@example.ie"),
        ("María-José D’Ávila", "mariajose.nombre@example.com"),
        ("Ana 🌮 Núñez", "ana.emoji.nombre@example.com"),
    ],
)
def test_name_stored_exactly_as_typed(chat: Chat, stack, name: str, email: str):
    attendee = Attendee(name=name, email=email, ticket="Prensa")
    register_until(chat, attendee, "confirmation")
    assert summary_line("field_full_name", name) in chat.text

    chat.click(reply("button_confirm", "es"))
    assert name in chat.text

    accounts = database_rows(stack, "SELECT name FROM accounts WHERE email = :email", email=email)
    assert accounts == [(name,)]
    registrations = registrations_of(stack, email)
    assert len(registrations) == 1
    assert registrations[0][1] == name
