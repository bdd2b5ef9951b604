"""Questions about the event by topic: finding the topics in a message, answering from the stored event.

Answers read the event from the database on every call, so an organiser who
edits the event file and loads it again changes the answers at once, with no
retraining of the NLU model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy.orm import Session

from bot.event_info import format_dates, format_local_datetime, ticket_line
from bot.events import TicketAvailability, is_registration_open, ticket_availability
from bot.models import Event, SeatsDisplay
from bot.replies import reply
from bot.text import fold

TOPICS = ("dates", "venue", "prices", "seats", "included", "refund", "deadline", "accessibility", "contact")

# Words and phrases per topic, written folded (lower case, no accents). A word
# ending in "*" matches any word it starts. Phrases are matched before single
# words, and the words a phrase uses count for no other topic, so "hasta cuándo"
# is the deadline and not the dates.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "dates": (
        "cuando", "fecha", "fechas", "horario*", "hora", "horas", "dia", "dias", "empieza",
        "comienza", "termina", "a que hora", "que dia", "que dias", "zona horaria",
        "when", "date", "dates", "schedule", "hours", "timezone", "what time", "what day",
        "which days", "time zone", "start time",
    ),
    "venue": (
        "donde", "lugar", "sede", "ubicacion", "ubicad*", "direccion", "recinto", "mapa",
        "llegar", "como llego", "como llegar", "como se llega", "donde queda",
        "where", "venue", "address", "location", "directions", "get there", "how to get",
        "how do i get",
    ),
    "prices": (
        "precio*", "costo*", "coste", "cuesta", "cuestan", "valen", "tarifa*",
        "cuanto cuesta", "cuanto cuestan", "cuanto es", "cuanto sale", "cuanto vale", "cuanto valen",
        "cuanto cobran", "cuanto pago", "cuanto hay que pagar",
        "price*", "cost", "costs", "fee", "fees", "how much",
    ),
    "seats": (
        "lugares", "cupo*", "agotad*", "quedan", "disponib*", "quedan lugares", "hay lugar",
        "cuantos lugares", "quedan entradas", "quedan boletos",
        "seats", "seat", "spots", "availab*", "seats left", "sold out", "tickets left",
    ),
    "included": (
        "inclu*", "comida*", "almuerzo", "desayuno", "cafe", "bebida*", "que trae",
        "coffee", "lunch", "food", "meal*", "breakfast", "drinks",
    ),
    "refund": (
        "reembols*", "devoluci*", "devolver", "transferi*", "ceder",
        "transferir mi entrada", "transferir mi boleto", "ceder mi entrada",
        "politica de cancelacion", "devolver el dinero",
        "refund*", "transfer", "transferable", "money back", "cancellation policy",
    ),
    "deadline": (
        "plazo", "limite", "hasta cuando", "fecha limite", "cierra el registro",
        "cierran el registro", "cierre del registro", "cierre de registro", "ultimo dia",
        "cuando cierra", "cuando cierran", "cuando cierra el registro",
        "when does registration close",
        "deadline", "until when", "last day", "registration close*", "registration deadline",
    ),
    "accessibility": (
        "accesib*", "rampa*", "elevador*", "ascensor*", "discapacidad", "silla de ruedas",
        "movilidad reducida", "lengua de senas",
        "accessib*", "wheelchair*", "ramp*", "elevator*", "disability", "disabled",
        "sign language",
    ),
    "contact": (
        "contacto", "contactar", "organizador*", "correo de los organizadores",
        "hablar con los organizadores", "contact*", "organiser*", "organizer*",
    ),
}

# Single words that name the place rather than ask about it: in "is the venue
# wheelchair accessible?" the question is accessibility. A topic matched only by
# these words is dropped when the message names another topic. "vale" (Spain's
# "OK") is left out of the price words for the same reason.
SUBJECT_WORDS = frozenset(("lugar", "sede", "recinto", "venue", "location"))

# Common words never read as a typo of a topic word: "there" is not "where", and
# "transferencia" (a bank transfer, a way to pay) is not "transferir" (a ticket).
COMMON_WORDS = frozenset(
    "que como para pero porque entrada entradas boleto boletos evento quiero puedo tengo "
    "transferencia transferencias there these those their other about would could should "
    "which registro".split()
)

# Minimum difflib ratio for a word to count as a typo of a topic word: one wrong
# letter in five gives 0.8.
TYPO_RATIO = 0.8
MIN_TYPO_LENGTH = 5
LONG_WORD_LENGTH = 6
WORD = re.compile(r"[a-z0-9ñ]+")


def tokenize(text: str) -> list[str]:
    """Split folded text into words, dropping punctuation and emoji."""
    return WORD.findall(fold(text))


@dataclass(frozen=True)
class _Pattern:
    topic: str
    words: tuple[str, ...]


def _build_patterns() -> list[_Pattern]:
    patterns = [
        _Pattern(topic, tuple(entry.split()))
        for topic, entries in VOCABULARY.items()
        for entry in entries
    ]
    # Longest first, so a phrase takes its words before any single word can.
    return sorted(patterns, key=lambda pattern: -len(pattern.words))


PATTERNS = _build_patterns()
KNOWN_WORDS = frozenset(
    word.rstrip("*") for pattern in PATTERNS for word in pattern.words
) | COMMON_WORDS


def _is_typo_of(token: str, word: str) -> bool:
    if len(token) < MIN_TYPO_LENGTH or len(word) < MIN_TYPO_LENGTH:
        return False
    # In five-letter words a different first letter is more often another word
    # ("there", "where") than a typo, so it is accepted only in longer words ("questa").
    if token[0] != word[0] and min(len(token), len(word)) < LONG_WORD_LENGTH:
        return False
    return SequenceMatcher(None, token, word).ratio() >= TYPO_RATIO


def _word_matches(token: str, word: str) -> bool:
    """Match a token to a vocabulary word exactly, by stem, or as a typo of it.

    A token that is itself a vocabulary or common word only matches exactly,
    so "cuando" (when) is never a typo of "cuanto" (how much).
    """
    stem = word.rstrip("*")
    if word.endswith("*") and token.startswith(stem):
        return True
    if token == stem:
        return True
    if token in KNOWN_WORDS:
        return False
    if word.endswith("*"):
        return _is_typo_of(token[: len(stem)], stem)
    return _is_typo_of(token, word)


def _match_at(tokens: list[str], start: int, pattern: _Pattern) -> bool:
    end = start + len(pattern.words)
    if end > len(tokens):
        return False
    return all(_word_matches(token, word) for token, word in zip(tokens[start:end], pattern.words))


def is_topic_word(token: str) -> bool:
    """Tell whether a folded word is a single-word vocabulary entry of any topic, exactly or by stem."""
    return any(
        len(pattern.words) == 1
        and (token == pattern.words[0] or (pattern.words[0].endswith("*") and token.startswith(pattern.words[0][:-1])))
        for pattern in PATTERNS
    )


def find_topics(text: str) -> list[str]:
    """Return the topics ``text`` asks about, most mentioned first, then in order of mention.

    Matching ignores case and accents and accepts a typo in words of five or
    more letters. Text without words (empty, only emoji) returns [].
    """
    tokens = tokenize(text)
    used = [False] * len(tokens)
    scores: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    requested_topics: set[str] = set()

    for pattern in PATTERNS:
        for start in range(len(tokens)):
            span = range(start, start + len(pattern.words))
            if any(used[index] for index in span if index < len(tokens)):
                continue
            if not _match_at(tokens, start, pattern):
                continue
            for index in span:
                used[index] = True
            scores[pattern.topic] = scores.get(pattern.topic, 0) + len(pattern.words)
            first_seen[pattern.topic] = min(first_seen.get(pattern.topic, start), start)
            if pattern.words != (tokens[start],) or tokens[start] not in SUBJECT_WORDS:
                requested_topics.add(pattern.topic)

    topics = [topic for topic in scores if topic in requested_topics] or list(scores)
    return sorted(topics, key=lambda topic: (-scores[topic], first_seen[topic]))


def answer_topic(session: Session, event: Event, topic: str, language: str) -> str:
    """Return a short answer about ``topic`` built from the stored event, in ``language``.

    Raises ``ValueError`` for a topic not in ``TOPICS``.
    """
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; expected one of {', '.join(TOPICS)}")
    return ANSWERS[topic](session, event, language)


def _timezone(event: Event, language: str) -> str:
    return (event.timezone_label or {}).get(language) or event.timezone


def _dates(session: Session, event: Event, language: str) -> str:
    return reply(
        "topic_dates", language,
        dates=format_dates(event, language), start=event.daily_start, end=event.daily_end,
        timezone=_timezone(event, language),
    )


def _venue(session: Session, event: Event, language: str) -> str:
    text = reply("topic_venue", language, venue=event.venue, address=event.address)
    directions = event.optional_text("directions", language)
    if directions:
        text += "\n" + reply("topic_directions", language, directions=directions)
    return text


def _prices(session: Session, event: Event, language: str) -> str:
    lines = [ticket_line(item, language) for item in ticket_availability(session, event)]
    return reply("topic_prices", language, tickets="\n".join(lines))


def seats_status(event: Event, seats_left: int, language: str) -> str:
    """Describe the seats left of one ticket type in the event's ``seats_display`` mode."""
    if seats_left <= 0:
        return reply("ticket_sold_out", language)
    if event.seats_display == SeatsDisplay.EXACT:
        if seats_left == 1:
            return reply("seats_exact_one", language)
        return reply("seats_exact", language, seats=seats_left)
    if event.seats_display == SeatsDisplay.FEW and seats_left < event.few_seats_threshold:
        return reply("seats_few", language)
    return reply("seats_available", language)


def _seats_line(event: Event, item: TicketAvailability, language: str) -> str:
    status = seats_status(event, item.seats_left, language)
    return reply("topic_seats_line", language, name=item.ticket.display_name(language), status=status)


def _seats(session: Session, event: Event, language: str) -> str:
    lines = [_seats_line(event, item, language) for item in ticket_availability(session, event)]
    return reply("topic_seats", language, tickets="\n".join(lines))


def _included(session: Session, event: Event, language: str) -> str:
    return reply("topic_included", language, included=event.text("included", language))


def _refund(session: Session, event: Event, language: str) -> str:
    return reply("topic_refund", language, refund_policy=event.text("refund_policy", language))


def _deadline(session: Session, event: Event, language: str) -> str:
    key = "topic_deadline_open" if is_registration_open(event) else "topic_deadline_closed"
    closes = format_local_datetime(event, event.registration_closes_at, language)
    return reply(key, language, closes=closes, timezone=_timezone(event, language))


def _accessibility(session: Session, event: Event, language: str) -> str:
    accessibility = event.optional_text("accessibility", language)
    if not accessibility:
        return reply("topic_accessibility_unknown", language, contact=event.contact_email)
    return reply("topic_accessibility", language, accessibility=accessibility)


def _contact(session: Session, event: Event, language: str) -> str:
    return reply("topic_contact", language, contact=event.contact_email)


ANSWERS = {
    "dates": _dates,
    "venue": _venue,
    "prices": _prices,
    "seats": _seats,
    "included": _included,
    "refund": _refund,
    "deadline": _deadline,
    "accessibility": _accessibility,
    "contact": _contact,
}
