"""Registering and asking questions while two events are open: the demo summit
and a workshop loaded by the ``second_event`` fixture."""

from __future__ import annotations

import pytest

from bot.replies import reply
from tests.conversation.chat import Chat
from tests.conversation.events import WORKSHOP_NAME, WORKSHOP_VENUE, second_event  # noqa: F401 (fixture)
from tests.conversation.script import Attendee, asks, finish_form, fixed_text, summary_line

pytestmark = [pytest.mark.conversation, pytest.mark.usefixtures("second_event")]

SUMMIT_NAME = {"es": "Cumbre de Tecnología Abierta 2027", "en": "Open Technology Summit 2027"}


@pytest.fixture
def chat(stack, outbox) -> Chat:
    return Chat(stack.app_url, outbox)


def asks_which_event(chat: Chat, language: str) -> bool:
    return reply("utter_ask_event_slug", language) in chat.text


@pytest.mark.parametrize(
    ("language", "start", "attendee"),
    [
        ("es", "quiero registrarme", Attendee(name="Paola Ríos", email="paola.taller@example.com", ticket="Profesional")),
        ("en", "I want to register", Attendee(name="Sam Reed", email="sam.workshop@example.com", ticket="Professional",
                                              phone="+1 415 555 2671", organisation="Globex", dietary="none")),
    ],
)
def test_register_asks_which_event(chat: Chat, language: str, start: str, attendee: Attendee):
    chat.send(start)

    assert asks_which_event(chat, language)
    assert [b["title"] for b in chat.buttons] == [SUMMIT_NAME[language], WORKSHOP_NAME[language]]

    chat.click(WORKSHOP_NAME[language])
    assert asks(chat, "account_name", language)

    chat.send(attendee.name)
    chat.send(attendee.email)
    chat.send(chat.latest_code(attendee.email))
    assert asks(chat, "ticket_type", language)
    titles = [b["title"] for b in chat.buttons]
    assert any(title.startswith(attendee.ticket) for title in titles)
    assert not any(title.startswith("VIP") for title in titles)

    finish_form(chat, attendee, language)
    assert WORKSHOP_NAME[language] in chat.text
    assert summary_line("field_ticket_type", f"{attendee.ticket} (800.00 MXN)", language) in chat.text


@pytest.mark.parametrize(
    ("language", "start", "event_name", "attendee"),
    [
        ("es", "quiero registrarme a la cumbre", SUMMIT_NAME["es"],
         Attendee(name="Iker Sosa", email="iker.cumbre@example.com")),
        ("en", "I want to register for the workshop", WORKSHOP_NAME["en"],
         Attendee(name="Dana Holt", email="dana.workshop@example.com", ticket="Scholarship",
                  phone="skip", organisation="skip", dietary="none")),
    ],
)
def test_message_naming_event_needs_no_choice(chat: Chat, language: str, start: str, event_name: str, attendee: Attendee):
    chat.send(start)

    assert not asks_which_event(chat, language)
    assert asks(chat, "account_name", language)

    finish_form(chat, attendee, language)
    assert event_name in chat.text


@pytest.mark.parametrize(("language", "question"), [("es", "¿cuánto cuesta?"), ("en", "how much is it?")])
def test_event_question_asks_which_event(chat: Chat, language: str, question: str):
    chat.send(question)
    assert asks_which_event(chat, language)
    assert [b["title"] for b in chat.buttons] == [SUMMIT_NAME[language], WORKSHOP_NAME[language]]

    chat.click(WORKSHOP_NAME[language])

    assert fixed_text("topic_prices", language) in chat.text
    assert "800.00" in chat.text
    assert "1,500" not in chat.text


def test_question_naming_event_answered_for_it(chat: Chat):
    chat.send("¿dónde es el taller?")

    assert not asks_which_event(chat, "es")
    assert WORKSHOP_VENUE in chat.text
    assert "Centro de Convenciones Reforma" not in chat.text


def test_question_in_form_answered_for_chosen_event(chat: Chat):
    chat.send("quiero registrarme")
    chat.click(WORKSHOP_NAME["es"])
    assert asks(chat, "account_name", "es")

    chat.send("¿cuánto cuesta?")

    assert "800.00" in chat.text
    assert "1,500" not in chat.text
    assert asks(chat, "account_name", "es")


def test_chosen_event_used_for_later_questions(chat: Chat):
    chat.send("quiero registrarme")
    chat.click(SUMMIT_NAME["es"])
    chat.send("¿dónde es?")

    assert not asks_which_event(chat, "es")
    assert "Centro de Convenciones Reforma" in chat.text
