"""Turns inside the registration form that are not answers: questions, stopping,
corrections and help after repeated invalid answers."""

from __future__ import annotations

import pytest

from bot.replies import reply
from bot.validation import display_phone, normalise_phone
from tests.conversation.chat import Chat
from tests.conversation.script import (
    Attendee,
    asks,
    finish_form,
    fixed_text,
    register_until,
    registrations_of,
    summary_line,
)

pytestmark = pytest.mark.conversation

ANA = Attendee(name="Ana Núñez", email="ana.digresion@example.com")
SEAN = Attendee(
    name="Seán O'Brien", email="sean.digression@example.ie", ticket="VIP",
    phone="+1 415 555 2671", organisation="Globex", dietary="vegetarian",
)


@pytest.fixture
def chat(stack, outbox) -> Chat:
    return Chat(stack.app_url, outbox)


def with_email(attendee: Attendee, email: str) -> Attendee:
    return Attendee(attendee.name, email, attendee.ticket, attendee.phone, attendee.organisation, attendee.dietary)


def shown_phone(attendee: Attendee) -> str:
    return display_phone(normalise_phone(attendee.phone, "MX"))


def assert_summary_keeps(chat: Chat, attendee: Attendee, language: str) -> None:
    assert summary_line("field_full_name", attendee.name, language) in chat.text
    assert summary_line("field_account_email", attendee.email, language) in chat.text
    assert summary_line("field_ticket_type", attendee.ticket, language) in chat.text
    assert summary_line("field_phone", shown_phone(attendee), language) in chat.text


# Questions while the form waits for an answer


@pytest.mark.parametrize(
    ("attendee", "language", "question"),
    [
        (with_email(ANA, "ana.pregunta@example.com"), "es", "¿cuánto cuesta la entrada VIP?"),
        (with_email(SEAN, "sean.question@example.ie"), "en", "how much is the VIP ticket?"),
    ],
)
def test_question_at_phone_answered_then_asked_again(chat: Chat, attendee: Attendee, language: str, question: str):
    register_until(chat, attendee, "phone", language)

    chat.send(question)

    assert "4,200" in chat.text
    assert asks(chat, "phone", language)
    assert not asks(chat, "organisation", language)

    finish_form(chat, attendee, language)
    assert_summary_keeps(chat, attendee, language)
    assert question not in chat.text


@pytest.mark.parametrize(
    ("attendee", "language", "question"),
    [
        (with_email(ANA, "ana.sede@example.com"), "es", "¿dónde es el evento?"),
        (with_email(SEAN, "sean.venue@example.ie"), "en", "where is the event?"),
    ],
)
def test_question_at_organisation_not_stored(chat: Chat, attendee: Attendee, language: str, question: str):
    register_until(chat, attendee, "organisation", language)

    chat.send(question)

    assert "Centro de Convenciones Reforma" in chat.text
    assert asks(chat, "organisation", language)

    finish_form(chat, attendee, language)
    assert summary_line("field_organisation", attendee.organisation, language) in chat.text
    assert question not in chat.text
    assert_summary_keeps(chat, attendee, language)


@pytest.mark.parametrize(
    ("attendee", "language", "question"),
    [
        (with_email(ANA, "ana.resumen@example.com"), "es", "¿cuánto cuesta?"),
        (with_email(SEAN, "sean.summary@example.ie"), "en", "how much is it?"),
    ],
)
def test_question_at_summary_shows_summary_again(chat: Chat, attendee: Attendee, language: str, question: str):
    register_until(chat, attendee, "confirmation", language)

    chat.send(question)

    assert fixed_text("topic_prices", language) in chat.text
    assert "1,500" in chat.text
    assert "600" in chat.text
    assert asks(chat, "confirmation", language)
    assert_summary_keeps(chat, attendee, language)


# Stopping, with a confirmation


@pytest.mark.parametrize(
    ("attendee", "language", "stop", "keep_going"),
    [
        (with_email(ANA, "ana.seguir@example.com"), "es", "cancelar", "no"),
        (with_email(SEAN, "sean.carry.on@example.ie"), "en", "stop", "no"),
    ],
)
def test_stop_declined_continues_same_question(
    chat: Chat, stack, attendee: Attendee, language: str, stop: str, keep_going: str
):
    register_until(chat, attendee, "phone", language)

    chat.send(stop)
    assert reply("utter_ask_stop_confirmed", language) in chat.text
    assert [b["title"] for b in chat.buttons] == [reply("button_stop_yes", language), reply("button_stop_no", language)]

    chat.send(keep_going)
    assert reply("stop_declined", language) in chat.text
    assert asks(chat, "phone", language)

    finish_form(chat, attendee, language)
    assert_summary_keeps(chat, attendee, language)
    assert registrations_of(stack, attendee.email) == []


def test_stop_confirmed_stores_nothing_spanish(chat: Chat, stack):
    attendee = with_email(ANA, "ana.dejar@example.com")
    register_until(chat, attendee, "organisation")

    chat.send("ya no quiero")
    assert reply("utter_ask_stop_confirmed", "es") in chat.text

    chat.send("sí")
    assert reply("form_cancelled", "es") in chat.text
    assert registrations_of(stack, attendee.email) == []

    # The email stays verified, so the form starts again at the ticket and
    # asks no account question. The badge name was dropped with the answers.
    chat.send("registrarme")
    assert asks(chat, "ticket_type", "es")
    assert not asks(chat, "account_name", "es")
    chat.click("Estudiante")
    assert asks(chat, "full_name", "es") or asks(chat, "phone", "es")
    assert not asks(chat, "account_email", "es")
    assert not asks(chat, "verification_code", "es")


def test_stop_before_verification_starts_over(chat: Chat, stack):
    attendee = with_email(SEAN, "sean.stop@example.ie")
    register_until(chat, attendee, "account_email", "en")

    chat.send("stop")
    assert reply("utter_ask_stop_confirmed", "en") in chat.text

    chat.send("yes")
    assert reply("form_cancelled", "en") in chat.text
    assert registrations_of(stack, attendee.email) == []

    chat.send("register")
    assert asks(chat, "account_name", "en")


def test_stop_at_summary_stores_nothing(chat: Chat, stack):
    attendee = with_email(ANA, "ana.resumen.dejar@example.com")
    register_until(chat, attendee, "confirmation")

    chat.send("cancelar")
    assert reply("utter_ask_stop_confirmed", "es") in chat.text
    chat.click(reply("button_stop_yes", "es"))

    assert reply("form_cancelled", "es") in chat.text
    assert registrations_of(stack, attendee.email) == []


# Corrections of an earlier answer


def test_change_email_mid_form_verifies_new_one(chat: Chat, outbox):
    attendee = with_email(ANA, "ana.antes@example.com")
    register_until(chat, attendee, "phone")

    chat.send("cambiar mi correo")
    assert asks(chat, "account_email", "es")

    corrected = with_email(attendee, "ana.despues@example.com")
    chat.send(corrected.email)
    assert corrected.email in chat.text
    chat.send(chat.latest_code(corrected.email))
    # The ticket chosen before stays, so the form goes on at the phone.
    assert asks(chat, "phone", "es")

    finish_form(chat, corrected)
    assert_summary_keeps(chat, corrected, "es")
    assert attendee.email not in chat.text


def test_change_phone_with_new_value_english(chat: Chat):
    attendee = with_email(SEAN, "sean.phone@example.ie")
    register_until(chat, attendee, "dietary", "en")

    chat.send("change my phone to +1 415 555 0100")
    assert asks(chat, "dietary", "en")

    chat.send(attendee.dietary)
    assert asks(chat, "confirmation", "en")
    corrected = Attendee(attendee.name, attendee.email, attendee.ticket, "+1 415 555 0100")
    assert summary_line("field_phone", shown_phone(corrected), "en") in chat.text
    assert shown_phone(attendee) not in chat.text


def test_change_name_with_new_value_spanish(chat: Chat):
    attendee = with_email(ANA, "ana.nombre@example.com")
    register_until(chat, attendee, "organisation")

    chat.send("cambia mi nombre a Ana Ruiz")
    assert asks(chat, "organisation", "es")

    finish_form(chat, attendee)
    assert summary_line("field_full_name", "Ana Ruiz", "es") in chat.text
    assert summary_line("field_full_name", attendee.name, "es") not in chat.text


def test_invalid_phone_correction_keeps_old_value(chat: Chat):
    attendee = with_email(ANA, "ana.telefono@example.com")
    register_until(chat, attendee, "organisation")

    chat.send("cambia mi teléfono a abc")
    assert fixed_text("value_kept", "es") in chat.text
    assert reply("field_phone", "es") in chat.text
    assert asks(chat, "organisation", "es")

    finish_form(chat, attendee)
    assert summary_line("field_phone", shown_phone(attendee), "es") in chat.text
    assert "abc" not in chat.text


def test_invalid_phone_correction_at_summary_english(chat: Chat):
    attendee = with_email(SEAN, "sean.keep@example.ie")
    register_until(chat, attendee, "confirmation", "en")

    chat.send("change my phone to abc")

    assert fixed_text("value_kept", "en") in chat.text
    assert asks(chat, "confirmation", "en")
    assert summary_line("field_phone", shown_phone(attendee), "en") in chat.text


# Help after three invalid answers in a row


@pytest.mark.parametrize(
    ("language", "name", "bad_emails"),
    [
        ("es", "Luis Pérez", ["luis-arroba-correo", "luis.correo.com", "luis@correo"]),
        ("en", "Luke Perry", ["luke-at-mail", "luke.mail.com", "luke@mail"]),
    ],
)
def test_three_invalid_emails_offer_help(chat: Chat, language: str, name: str, bad_emails: list[str]):
    help_text = reply("format_help_account_email", language)
    chat.send({"es": "quiero registrarme", "en": "I want to register"}[language])
    chat.send(name)

    for bad_email in bad_emails[:2]:
        chat.send(bad_email)
        assert help_text not in chat.text
        assert asks(chat, "account_email", language)

    chat.send(bad_emails[2])
    assert help_text in chat.text
    assert reply("format_help_offer", language) in chat.text
    titles = [b["title"] for b in chat.buttons]
    assert reply("button_cancel_registration", language) in titles
    assert reply("button_handoff", language) in titles

    chat.click(reply("button_cancel_registration", language))
    assert reply("utter_ask_stop_confirmed", language) in chat.text


def test_invalid_answers_counted_per_question(chat: Chat):
    help_text = reply("format_help_phone", "es")
    attendee = with_email(ANA, "ana.cuenta@example.com")
    register_until(chat, attendee, "phone")

    chat.send("12")
    chat.send("34")
    chat.send(attendee.phone)
    chat.send("x" * 300)
    assert help_text not in chat.text
    assert reply("format_help_organisation", "es", limit=200) not in chat.text
    assert asks(chat, "organisation", "es")
