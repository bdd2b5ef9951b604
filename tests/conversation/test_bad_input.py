"""Messages no form expects: too long, empty, emoji, markup. Each gets a clear reply."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conversation.chat import Chat

pytestmark = pytest.mark.conversation


@pytest.fixture
def chat(stack, outbox) -> Chat:
    return Chat(stack.app_url, outbox)


def longest_stored_event(stack, sender: str) -> int:
    with sqlite3.connect(stack.var_dir / "tracker.db") as database:
        rows = database.execute("SELECT data FROM events WHERE sender_id = ?", (f"rest:{sender}",)).fetchall()
    return max((len(data) for (data,) in rows), default=0)


def test_very_long_message_rejected_and_not_stored(chat: Chat, stack):
    chat.send("hola")
    chat.send("Ana " * 2500)

    assert chat.text == "Tu mensaje es demasiado largo; escríbelo en menos de 2000 caracteres, por favor."
    assert longest_stored_event(stack, chat.sender) < 2000


def test_very_long_english_message_answered_in_english(chat: Chat):
    chat.send("hello, " + "please " * 2000)

    assert chat.text == "Your message is too long; please keep it under 2000 characters."


def test_form_keeps_going_after_long_message(chat: Chat):
    chat.send("quiero registrarme")
    chat.send("x" * 5000)
    chat.send("Ana Núñez")

    assert "¿a qué correo te envío el código de verificación?" in chat.text


@pytest.mark.parametrize("message", ["", "   ", "🎉🎉🎉"])
def test_empty_or_emoji_only_message_gets_a_reply(chat: Chat, message: str):
    chat.send(message)

    assert chat.text.strip()


def test_markup_in_email_answer_rejected(chat: Chat):
    chat.send("quiero registrarme")
    chat.send("Ana Núñez")
    chat.send("<script>alert(1)</script>")

    assert "no es un correo válido" in chat.text
    assert "¿a qué correo" in chat.text


def test_name_with_emoji_shown_as_typed(chat: Chat):
    chat.send("quiero registrarme")
    chat.send("María-José D’Ávila 🌮")

    assert "María-José D’Ávila 🌮, ¿a qué correo" in chat.text
