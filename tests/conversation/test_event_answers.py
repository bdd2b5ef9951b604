"""Questions about the event outside the form, answered by topic or from the
organiser's FAQ, read from the stored event on every message."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from sqlalchemy import select

from bot.db import session_scope
from bot.events import DEMO_EVENT_FILE, get_event
from bot.models import TicketType
from tests.conversation.chat import Chat
from tests.conversation.script import fixed_text

pytestmark = pytest.mark.conversation

DEMO_SLUG = "cumbre-2027"
# Texts of the event overview that a topic answer must leave out.
OVERVIEW_ONLY = {
    "es": ("Centro de Convenciones Reforma", "El registro cierra el", "Reembolso completo"),
    "en": ("Centro de Convenciones Reforma", "Registration closes on", "Full refund"),
}


@pytest.fixture
def chat(stack, outbox) -> Chat:
    return Chat(stack.app_url, outbox)


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("¿cuánto cuesta?", "es"),
        ("cuanto cuesta", "es"),
        ("CUANTO CUESTA", "es"),
        ("how much is it?", "en"),
    ],
)
def test_price_question_gets_prices_only(chat: Chat, message: str, language: str):
    chat.send(message)

    assert fixed_text("topic_prices", language) in chat.text
    assert "1,500" in chat.text
    assert "600" in chat.text
    assert "4,200" in chat.text
    for overview_text in OVERVIEW_ONLY[language]:
        assert overview_text not in chat.text


@pytest.mark.parametrize(
    ("message", "language", "expected"),
    [
        ("¿cuándo es el evento?", "es", ["Fechas:", "09:00", "18:00"]),
        ("when is the event?", "en", ["Dates:", "09:00", "18:00"]),
        ("¿cómo llego a la sede?", "es", ["Centro de Convenciones Reforma", "Paseo de la Reforma 500", "Cómo llegar:", "Metrobús"]),
        ("how do I get to the venue?", "en", ["Centro de Convenciones Reforma", "Getting there:", "Sevilla metro station"]),
        ("¿quedan lugares?", "es", ["Lugares por tipo de entrada:", "• VIP: ", "• Estudiante: "]),
        ("are there seats left?", "en", ["Seats by ticket type:", "• VIP: ", "• Student: "]),
        ("¿qué incluye la entrada?", "es", ["café y comida ambos días"]),
        ("what's included in the ticket?", "en", ["coffee and lunch on both days"]),
        ("¿cuál es la política de reembolso?", "es", ["Reembolso completo hasta el 6 de mayo de 2027"]),
        ("what is your refund policy?", "en", ["Full refund until 6 May 2027"]),
        ("¿puedo transferir mi boleto a otra persona?", "es", ["puedes transferir tu entrada"]),
        ("can I transfer my ticket to someone else?", "en", ["you can transfer your ticket"]),
        ("¿cuándo cierran las inscripciones?", "es", ["Puedes registrarte hasta el", "2027"]),
        ("when does registration close?", "en", ["You can register until", "2027"]),
        ("¿la sede es accesible para silla de ruedas?", "es", ["Accesibilidad:", "rampa"]),
        ("is the venue wheelchair accessible?", "en", ["Accessibility:", "ramp"]),
        ("¿tienen un correo de contacto?", "es", ["registro@cumbre-abierta.example"]),
        ("is there a contact email?", "en", ["registro@cumbre-abierta.example"]),
    ],
)
def test_topic_question_answered_from_event(chat: Chat, message: str, language: str, expected: list[str]):
    chat.send(message)

    for fragment in expected:
        assert fragment in chat.text
    # The overview would also list the prices, which a topic answer leaves out.
    if "1,500" not in " ".join(expected):
        assert "1,500" not in chat.text


@pytest.mark.parametrize("language", ["es", "en"])
def test_topic_answer_in_asked_language(chat: Chat, language: str):
    other = "en" if language == "es" else "es"
    chat.send({"es": "¿cuándo es el evento?", "en": "when is the event?"}[language])

    assert fixed_text("topic_dates", language) in chat.text
    assert fixed_text("topic_dates", other) not in chat.text


def test_changed_price_shown_at_once(stack, chat: Chat):
    url = stack.extra_env["DATABASE_URL"]

    def set_general_price(price: Decimal) -> Decimal:
        with session_scope(url) as session:
            event = get_event(session, DEMO_SLUG)
            ticket = session.scalar(
                select(TicketType).where(TicketType.event_id == event.id, TicketType.code == "general")
            )
            previous = ticket.price
            ticket.price = price
            return previous

    original = set_general_price(Decimal("1750.00"))
    try:
        chat.send("¿cuánto cuesta?")
        assert "1,750" in chat.text
        assert "1,500" not in chat.text

        chat.send("how much is it?")
        assert "1,750" in chat.text
    finally:
        set_general_price(original)

    chat.send("¿cuánto cuesta?")
    assert "1,500" in chat.text
    assert "1,750" not in chat.text


def demo_faq() -> list[dict]:
    return yaml.safe_load(DEMO_EVENT_FILE.read_text(encoding="utf-8")).get("faq") or []


def faq_cases() -> list[tuple[str, str, str]]:
    """(question, language, expected answer) for the first two variants of each language of each entry."""
    cases = []
    for entry in demo_faq():
        for language in ("es", "en"):
            answer = (entry["answer"].get(language) or entry["answer"]["es"]).strip()
            for question in entry["questions"].get(language, [])[:2]:
                cases.append((question, language, " ".join(answer.split())))
    return cases


def test_demo_event_has_faq():
    assert len(demo_faq()) >= 2


@pytest.mark.parametrize(("question", "language", "expected"), faq_cases())
def test_faq_question_gets_organiser_answer(chat: Chat, question: str, language: str, expected: str):
    chat.send(question)

    assert expected in " ".join(chat.text.split())


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("habra wifi en el evento", "wifi gratuito"),
        ("IS THERE PARKING AT THE VENUE", "Lieja street"),
    ],
)
def test_faq_matched_without_accents_or_case(chat: Chat, message: str, expected: str):
    chat.send(message)

    assert expected in chat.text
