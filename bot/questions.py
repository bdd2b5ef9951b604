"""One entry point for questions about an event: organiser FAQ first, then topics."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.faq import match_faq, same_subject
from bot.models import Event
from bot.replies import reply
from bot.text import fold
from bot.topics import TOPICS, answer_topic, find_topics

# A FAQ entry scoring at least this is answered even when the message also names
# topics: the organiser wrote that answer for this very question.
CONFIDENT_FAQ_SCORE = 0.7

# Most topics answered for one message, because a longer reply is hard to read in a chat.
MAX_TOPICS_PER_ANSWER = 3

# Question words at the start of a message, folded, Spanish and English.
QUESTION_START = re.compile(
    r"^\W*(que|cuanto|cuantos|cuantas|cuando|donde|como|cual|cuales|hay|puedo|se puede|tienen|"
    r"what|when|where|how|which|who|is there|are there|can i|could i|do you|does|is it|are|is)\b"
)


# Questions about the assistant itself, folded, at the end of the message:
# "what do you do with my data?" is about data, not about the assistant.
CAPABILITY_QUESTION = re.compile(
    r"\b(que (puedes|sabes|podes) hacer|en que (me )?(puedes|podes) ayudar|para que sirves|"
    r"que haces|como funcionas|que eres|quien eres|"
    r"what (can|do) you do|what are you|who are you|how can you help( me)?|how do you work|"
    r"what can i ask( you)?)\W*$"
)


@dataclass(frozen=True)
class Answer:
    """The text to send and what it answers: a topic key, several joined by "+", or "faq:<id>"."""

    text: str
    topic: str


def answer_question(session: Session, event: Event, text: str, language: str) -> Answer | None:
    """Answer ``text`` from the event's FAQ or its stored data, or return None when neither matches.

    A question about what the assistant does gets its capabilities. A
    confident FAQ match wins, and so does a weaker one with a variant of the
    same distinct words ("¿cuánto cuesta el estacionamiento?" is the parking
    entry, not the ticket prices). Otherwise each named topic is answered (at
    most ``MAX_TOPICS_PER_ANSWER``), and a weaker FAQ match is the last resort.
    """
    if asks_capabilities(text):
        return Answer(reply("assistant_capabilities", language), "capabilities")

    matches = match_faq(session, event, text)
    if matches and (matches[0][1] >= CONFIDENT_FAQ_SCORE or same_subject(matches[0][0], text)):
        return _faq_answer(matches[0][0], language)

    topics = find_topics(text)[:MAX_TOPICS_PER_ANSWER]
    if topics:
        parts = [answer_topic(session, event, topic, language) for topic in topics]
        return Answer("\n\n".join(parts), "+".join(topics))

    if matches:
        return _faq_answer(matches[0][0], language)
    return None


def _faq_answer(entry, language: str) -> Answer:
    return Answer(entry.answer_text(language), f"faq:{entry.id}")


def asks_capabilities(text: str) -> bool:
    """Tell whether ``text`` is a question about what the assistant can do, as in "¿qué puedes hacer?"."""
    return bool(CAPABILITY_QUESTION.search(fold(text)))


def looks_like_question(text: str) -> bool:
    """Tell whether ``text`` reads as a question: "?" or "¿", or a leading question word."""
    stripped = text.strip()
    if stripped.startswith("¿") or stripped.endswith("?"):
        return True
    return bool(QUESTION_START.match(fold(stripped)))


def topic_label(topic: str, language: str) -> str:
    """Return the button label for ``topic``, e.g. "Precios" or "Prices"."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; expected one of {', '.join(TOPICS)}")
    return reply(f"topic_label_{topic}", language)
