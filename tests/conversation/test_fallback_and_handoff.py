"""Messages the assistant does not understand or cannot serve, and passing a
question on to the organisers (hand-off)."""

from __future__ import annotations

import re

import httpx
import pytest

from bot.replies import reply
from tests.conversation.chat import Chat
from tests.conversation.script import (
    Attendee,
    asks,
    conversation_id,
    database_rows,
    finish_form,
    fixed_text,
    register_until,
    summary_line,
)

pytestmark = pytest.mark.conversation

ORGANISERS = "registro@cumbre-abierta.example"
REQUEST_NUMBER = re.compile(r"#(\d+)")
# A keyboard mash: the NLU model reads it as no intent (nlu_fallback) or as
# out_of_scope, and both get the clarifying options. The language comes from the
# greeting sent before it, because gibberish decides no language.
# NOTE: gibberish made of word-like strings ("mmm eso de la cosa", "bla bla bla")
# can be read as inform or affirm with high confidence, and then it never reaches
# the clarifying options or the hand-off offer.
GIBBERISH = "asdf qwer zxcv"
GREETING = {"es": "hola", "en": "hello"}
EVENT_NAME = {"es": "Cumbre de Tecnología Abierta 2027", "en": "Open Technology Summit 2027"}


@pytest.fixture
def chat(stack, outbox) -> Chat:
    return Chat(stack.app_url, outbox)


def handoff_rows(stack, chat: Chat) -> list[tuple]:
    """Return (id, question, contact, language, account_id) of the chat's hand-off requests."""
    return database_rows(
        stack,
        "SELECT id, question, contact, language, account_id FROM handoff_requests "
        "WHERE conversation_id = :conversation ORDER BY id",
        conversation=conversation_id(chat),
    )


# Fallback and out of scope


@pytest.mark.parametrize("language", ["es", "en"])
def test_gibberish_gets_clarifying_options(chat: Chat, language: str):
    chat.send(GREETING[language])

    chat.send(GIBBERISH)

    assert reply("clarify", language) in chat.text
    assert 1 <= len(chat.buttons) <= 2
    assert reply("clarify_offer_handoff", language) not in chat.text


@pytest.mark.parametrize("language", ["es", "en"])
def test_second_misunderstanding_offers_handoff(chat: Chat, language: str):
    chat.send(GREETING[language])
    chat.send(GIBBERISH)
    assert reply("clarify", language) in chat.text

    chat.send(GIBBERISH)

    assert reply("clarify_offer_handoff", language) in chat.text
    assert [b["title"] for b in chat.buttons] == [reply("button_handoff", language)]
    chat.click(reply("button_handoff", language))
    assert reply("utter_ask_handoff_question", language) in chat.text


@pytest.mark.parametrize("message", ["😀🎉👍", "👍", "sí", "no", "ok"])
def test_reply_without_context_answered_once(chat: Chat, message: str):
    # With no question before it, the dialogue policies are unsure what to do next.
    chat.send(message)
    texts = [sent.get("text") for sent in chat.replies]

    assert texts
    assert len(texts) == len(set(texts))

    chat.send("hola")

    assert reply("utter_greet", "es", event=EVENT_NAME["es"]) in chat.text


def test_turn_stopped_at_action_limit_recovers(stack, chat: Chat):
    # Ten actions without action_listen: what Rasa leaves when a turn hits its action limit.
    chat.send("hola")
    url = f"{stack.engine_url}/conversations/{conversation_id(chat)}/tracker/events"
    events = [{"event": "action", "name": "action_clarify"} for _ in range(10)]
    httpx.post(url, params={"token": stack.engine_token}, json=events, timeout=30).raise_for_status()

    chat.send("¿cuánto cuesta?")

    assert reply("turn_stuck", "es") in chat.text

    chat.send("¿cuánto cuesta?")

    assert fixed_text("topic_prices", "es") in chat.text


def test_understood_message_resets_misunderstandings(chat: Chat):
    chat.send(GIBBERISH)
    chat.send("¿cuánto cuesta?")
    assert fixed_text("topic_prices", "es") in chat.text

    chat.send(GIBBERISH)

    assert reply("clarify", "es") in chat.text
    assert reply("clarify_offer_handoff", "es") not in chat.text


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("¿quién ganó el partido ayer?", "es"),
        ("cuéntame un chiste", "es"),
        ("tell me a joke", "en"),
        ("who won the game last night?", "en"),
    ],
)
def test_out_of_scope_gets_polite_limit(chat: Chat, message: str, language: str):
    chat.send(message)

    assert reply("utter_out_of_scope", language, event=EVENT_NAME[language]) in chat.text
    assert reply("clarify", language) not in chat.text


# Hand-off to a person


def test_handoff_spanish_stores_request_and_emails(chat: Chat, stack):
    emails_before = len(chat.emails_to(ORGANISERS))
    question = "¿Puedo llevar a mi hijo de 10 años a los talleres?"

    chat.send("quiero hablar con una persona")
    assert reply("utter_ask_handoff_question", "es") in chat.text

    chat.send(question)
    assert reply("utter_ask_handoff_contact", "es") in chat.text

    chat.send("llámenme mañana")
    assert fixed_text("invalid_contact", "es") in chat.text
    assert reply("utter_ask_handoff_contact", "es") in chat.text

    chat.send("Ana.Contacto@Example.com")
    assert fixed_text("handoff_created", "es") in chat.text
    number = int(REQUEST_NUMBER.search(chat.text).group(1))

    rows = handoff_rows(stack, chat)
    assert len(rows) == 1
    request_id, stored_question, contact, language, account_id = rows[0]
    assert request_id == number
    assert stored_question == question
    assert contact == "ana.contacto@example.com"
    assert language == "es"
    assert account_id is None

    emails = chat.emails_to(ORGANISERS)
    assert len(emails) == emails_before + 1
    assert f"#{number}" in emails[-1]["Subject"]
    assert question in emails[-1].get_content()
    assert "ana.contacto@example.com" in emails[-1].get_content()


def test_handoff_english_with_phone_contact(chat: Chat, stack):
    question = "Can I bring my own camera to record the keynote?"

    chat.send("I want to talk to a human")
    assert reply("utter_ask_handoff_question", "en") in chat.text

    chat.send(question)
    assert reply("utter_ask_handoff_contact", "en") in chat.text

    chat.send("you can call me at +1 415 555 0100")
    assert fixed_text("handoff_created", "en") in chat.text
    assert "+14155550100" in chat.text
    number = int(REQUEST_NUMBER.search(chat.text).group(1))

    rows = handoff_rows(stack, chat)
    assert [row[0] for row in rows] == [number]
    assert rows[0][1] == question
    assert rows[0][2] == "+14155550100"
    assert rows[0][3] == "en"
    assert any(f"#{number}" in message["Subject"] for message in chat.emails_to(ORGANISERS))


@pytest.mark.parametrize(
    ("language", "start", "stop", "at"),
    [
        ("es", "quiero hablar con una persona", "cancelar", "question"),
        ("en", "I want to talk to a human", "cancel", "contact"),
    ],
)
def test_handoff_cancelled_sends_nothing(chat: Chat, stack, language: str, start: str, stop: str, at: str):
    emails_before = len(chat.emails_to(ORGANISERS))
    chat.send(start)
    if at == "contact":
        chat.send("Is there a dress code?")
        assert reply("utter_ask_handoff_contact", language) in chat.text

    chat.send(stop)

    assert reply("handoff_cancelled", language) in chat.text
    assert handoff_rows(stack, chat) == []
    assert len(chat.emails_to(ORGANISERS)) == emails_before


def test_handoff_from_form_keeps_answers(chat: Chat, stack):
    attendee = Attendee(name="Marta Gómez", email="marta.persona@example.com")
    register_until(chat, attendee, "phone")

    chat.send("quiero hablar con una persona")
    assert reply("utter_ask_handoff_question", "es") in chat.text

    chat.send("¿Puedo pagar con transferencia bancaria?")
    assert reply("utter_ask_handoff_contact", "es") in chat.text
    use_account_email = reply("button_use_contact", "es", contact=attendee.email)
    assert use_account_email in [b["title"] for b in chat.buttons]

    chat.click(use_account_email)
    assert fixed_text("handoff_created", "es") in chat.text
    assert reply("registration_paused", "es") in chat.text
    rows = handoff_rows(stack, chat)
    assert len(rows) == 1
    assert rows[0][2] == attendee.email
    assert rows[0][4] is not None

    chat.send("registrarme")
    assert asks(chat, "phone", "es")
    assert not asks(chat, "account_name", "es")

    finish_form(chat, attendee)
    assert summary_line("field_full_name", attendee.name) in chat.text
    assert summary_line("field_account_email", attendee.email) in chat.text
    assert summary_line("field_ticket_type", attendee.ticket) in chat.text
