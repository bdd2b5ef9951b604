"""Scripted steps shared by the conversation tests: registering up to a question,
reading the stack's database, and the fixed text of catalogue replies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import create_engine, text

from bot.replies import CATALOGUE
from tests.conversation.chat import Chat

# The registration form's questions in the order it asks them. The name for the
# badge is taken from the account name, so it is not asked in a plain registration.
QUESTIONS = ("account_name", "account_email", "verification_code", "ticket_type", "phone", "organisation", "dietary")

START_MESSAGE = {"es": "quiero registrarme", "en": "I want to register"}
SUMMARY_KEY = "summary"
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def fixed_text(key: str, language: str) -> str:
    """Return the longest part of a catalogue text that has no placeholder.

    Tests look for it in the replies when the full text depends on data
    (names, prices, request numbers) that the test does not fix.
    """
    template = CATALOGUE[key][language]
    return max(PLACEHOLDER.split(template), key=len).strip()


def asks(chat: Chat, question: str, language: str) -> bool:
    """Tell whether the latest replies ask ``question`` (a form slot, or "confirmation" for the summary)."""
    key = SUMMARY_KEY if question == "confirmation" else f"utter_ask_{question}"
    return fixed_text(key, language) in chat.text


@dataclass(frozen=True)
class Attendee:
    """The answers a scripted attendee gives. ``ticket`` is part of a ticket button's title."""

    name: str
    email: str
    ticket: str = "General"
    phone: str = "55 1234 5678"
    organisation: str = "Cooperativa Café Ñandú"
    dietary: str = "vegetariana"


def answer(chat: Chat, attendee: Attendee, question: str) -> None:
    """Send the attendee's answer to ``question``."""
    if question == "account_name":
        chat.send(attendee.name)
    elif question == "account_email":
        chat.send(attendee.email)
    elif question == "verification_code":
        chat.send(chat.latest_code(attendee.email))
    elif question == "ticket_type":
        chat.click(attendee.ticket)
    else:
        chat.send(getattr(attendee, question))


def register_until(chat: Chat, attendee: Attendee, question: str, language: str = "es", start: str | None = None) -> None:
    """Start the registration form and answer every question before ``question``.

    ``question`` is a name from ``QUESTIONS`` or "confirmation" for the summary.
    Fails when the form does not end up asking it.
    """
    chat.send(start or START_MESSAGE[language])
    for current in QUESTIONS:
        if current == question:
            break
        answer(chat, attendee, current)
    assert asks(chat, question, language), f"expected the {question} question, got {chat.text!r}"


def finish_form(chat: Chat, attendee: Attendee, language: str = "es", after: str | None = None) -> None:
    """Answer the form's questions that come after ``after`` (default: the one asked now) up to the summary."""
    if after is None:
        after = next(question for question in QUESTIONS if asks(chat, question, language))
        answer(chat, attendee, after)
    for current in QUESTIONS[QUESTIONS.index(after) + 1:]:
        if asks(chat, "confirmation", language):
            break
        answer(chat, attendee, current)
    assert asks(chat, "confirmation", language), f"expected the summary, got {chat.text!r}"


def summary_line(field_key: str, value: str, language: str = "es") -> str:
    """Return a line of the summary, e.g. "• Nombre: Ana Núñez"."""
    return f"• {CATALOGUE[field_key][language]}: {value}"


def database_rows(stack, query: str, **params) -> list[tuple]:
    """Run a read query on the stack's database and return its rows."""
    engine = create_engine(stack.extra_env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query), params)]
    finally:
        engine.dispose()


def registrations_of(stack, email: str) -> list[tuple]:
    """Return (status, full_name, phone, organisation) of every registration of the account with ``email``."""
    return database_rows(
        stack,
        "SELECT r.status, r.full_name, r.phone, r.organisation FROM registrations r "
        "JOIN accounts a ON a.id = r.account_id WHERE a.email = :email",
        email=email,
    )


def conversation_id(chat: Chat) -> str:
    """Return the id the REST channel gives the chat's conversation in the engine and the database."""
    return f"rest:{chat.sender}"
