"""Organiser-written FAQ entries per event: loading from the event file and matching questions.

Matching compares words, not an NLU model, so new or edited entries work as
soon as the event file is loaded again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.models import Event, FaqEntry
from bot.topics import is_topic_word, tokenize

FAQ_LANGUAGES = ("es", "en")

# Entries scoring below this share too few words with the message to be its answer.
MIN_SCORE = 0.55

# Words that name a topic ("sede", "venue", "precio") are shared by many
# questions, so they count half as much as the word that makes an entry
# distinct ("estacionamiento", "parking").
TOPIC_WORD_WEIGHT = 0.5

# Minimum difflib ratio for two words of five or more letters to count as the same word.
TYPO_RATIO = 0.85

# Words that carry no meaning for matching, folded (no accents), Spanish and English.
STOP_WORDS = frozenset(
    """
    a al algo algun alguna alguno como con cual cuales de del el ella ellos en es esa ese eso
    esta estan este esto fue ha han hay la las le les lo los me mi mis muy no nos o para pero
    por puede pueden puedes puedo que se ser si sin son su sus tambien te tengo ti tu tus un una
    uno unos unas y ya yo favor hola gracias saber quiero queria quisiera donde cuando cuanto
    alli ahi aqui hacer tiene tienen hago da dan dar habra evento
    an and are at be can could did do does for from have how i if in is it me my of on or please
    the there to we what when where which who will with would you your any hi hello thanks
    know want like get need event much many
    """.split()
)


class FaqConfigError(ValueError):
    """Raised when the ``faq`` list of an event file is invalid."""


@dataclass(frozen=True)
class FaqItem:
    """One validated ``faq`` item of an event file."""

    questions: dict[str, list[str]]
    answer: dict[str, str]


def parse_faq(items: object) -> list[FaqItem]:
    """Validate the ``faq`` list of an event file. Raises ``FaqConfigError`` naming the item."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise FaqConfigError(f"faq must be a list of entries, got {type(items).__name__}")
    return [_parse_item(number, item) for number, item in enumerate(items, start=1)]


def _parse_item(number: int, item: object) -> FaqItem:
    if not isinstance(item, dict):
        raise FaqConfigError(f"faq entry {number} must have 'questions' and 'answer'")
    questions = item.get("questions")
    answer = item.get("answer")
    if not isinstance(questions, dict) or not isinstance(answer, dict):
        raise FaqConfigError(f"faq entry {number} needs 'questions' and 'answer', 'answer' with 'es' and 'en'")

    for field, values in (("questions", questions), ("answer", answer)):
        unknown = set(values) - set(FAQ_LANGUAGES)
        if unknown:
            raise FaqConfigError(
                f"faq entry {number}: unknown language {', '.join(sorted(map(str, unknown)))} "
                f"in {field}; use es or en"
            )

    parsed_questions: dict[str, list[str]] = {}
    for language, variants in questions.items():
        if isinstance(variants, str):
            variants = [variants]
        if not isinstance(variants, list):
            raise FaqConfigError(f"faq entry {number}: questions.{language} must be a list of questions")
        cleaned = [" ".join(str(variant).split()) for variant in variants if str(variant or "").strip()]
        if cleaned:
            parsed_questions[language] = cleaned
    if "es" not in parsed_questions:
        raise FaqConfigError(f"faq entry {number}: missing a Spanish question (questions: es: [...])")

    parsed_answer = {
        language: str(text).strip() for language, text in answer.items() if text and str(text).strip()
    }
    for language, name in (("es", "Spanish"), ("en", "English")):
        # Every reply exists in both languages, so an English speaker never gets Spanish.
        if language not in parsed_answer:
            raise FaqConfigError(f"faq entry {number}: missing the {name} answer (answer: {language}: ...)")
    return FaqItem(parsed_questions, parsed_answer)


def replace_faq(session: Session, event: Event, items: Iterable[FaqItem]) -> list[FaqEntry]:
    """Replace every FAQ entry of ``event`` with ``items``, in order."""
    session.execute(delete(FaqEntry).where(FaqEntry.event_id == event.id))
    entries = [
        FaqEntry(event_id=event.id, position=position, questions=item.questions, answer=item.answer)
        for position, item in enumerate(items)
    ]
    session.add_all(entries)
    session.flush()
    return entries


def list_faq(session: Session, event: Event) -> list[FaqEntry]:
    query = select(FaqEntry).where(FaqEntry.event_id == event.id).order_by(FaqEntry.position, FaqEntry.id)
    return list(session.scalars(query))


def _content_words(text: str) -> dict[str, float]:
    """Map each meaningful word of ``text``, singular-ised, to its weight."""
    words: dict[str, float] = {}
    for token in tokenize(text):
        # Single letters are left from contractions ("what's") and initials.
        if token in STOP_WORDS or len(token) < 2:
            continue
        weight = TOPIC_WORD_WEIGHT if is_topic_word(token) else 1.0
        # Dropping a final "s" makes most Spanish and English plurals equal their singular.
        if len(token) > 4 and token.endswith("s"):
            token = token[:-1]
        words[token] = weight
    return words


def _same_word(first: str, second: str) -> bool:
    if first == second:
        return True
    if min(len(first), len(second)) < 5 or first[0] != second[0]:
        return False
    return SequenceMatcher(None, first, second).ratio() >= TYPO_RATIO


def similarity(message: dict[str, float], question: dict[str, float]) -> float:
    """Return the weighted Dice coefficient of two word sets: 1.0 for the same words, 0.0 for none shared."""
    total = sum(message.values()) + sum(question.values())
    if not total:
        return 0.0
    shared = 0.0
    for word, weight in message.items():
        match = next((other for other in question if _same_word(word, other)), None)
        if match is not None:
            shared += min(weight, question[match])
    return 2 * shared / total


def same_subject(entry: FaqEntry, text: str) -> bool:
    """Tell whether a question variant of ``entry`` has the same distinct words as ``text``.

    Distinct words are neither stop words nor topic words. "¿Cuánto cuesta el
    estacionamiento?" and "¿Hay estacionamiento en la sede?" both have only
    "estacionamiento", so the message is about parking, not ticket prices.
    "¿Tienen un correo de contacto?" shares "correo" with "¿Por qué me piden mi
    correo?", but that variant also has "piden", so it is another question.
    """
    message = _distinct_words(text)
    if not message:
        return False
    variants = [variant for language in FAQ_LANGUAGES for variant in entry.questions.get(language, [])]
    return any(_same_words(message, _distinct_words(variant)) for variant in variants)


def _distinct_words(text: str) -> list[str]:
    return [word for word, weight in _content_words(text).items() if weight != TOPIC_WORD_WEIGHT]


def _same_words(first: list[str], second: list[str]) -> bool:
    return bool(second) and _contains_all(first, second) and _contains_all(second, first)


def _contains_all(words: list[str], others: list[str]) -> bool:
    """Tell whether every word of ``others`` is one of ``words``, allowing a typo."""
    return all(any(_same_word(word, other) for word in words) for other in others)


def match_faq(session: Session, event: Event, text: str) -> list[tuple[FaqEntry, float]]:
    """Return the FAQ entries whose questions resemble ``text``, best score first.

    Every question variant of both languages is compared, and an entry scores
    as its best variant. Entries scoring below ``MIN_SCORE`` are left out.
    """
    message = _content_words(text)
    if not message:
        return []

    scored = []
    for entry in list_faq(session, event):
        variants = [variant for language in FAQ_LANGUAGES for variant in entry.questions.get(language, [])]
        score = max((similarity(message, _content_words(variant)) for variant in variants), default=0.0)
        if score >= MIN_SCORE:
            scored.append((entry, round(score, 3)))
    return sorted(scored, key=lambda pair: (-pair[1], pair[0].position))
