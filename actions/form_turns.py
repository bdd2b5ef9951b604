"""What a message means while the registration form waits for an answer.

Most messages answer the question asked. The others are read here, before any
slot is filled, so that a question, a request to stop or a correction is never
stored as an answer, and never resets a value already given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from rasa_sdk import Tracker

from actions.conversation import latest_entity, latest_intent, latest_text, pressed
from bot.questions import looks_like_question
from bot.text import fold
from bot.topics import find_topics
from bot.validation import EMAIL_PATTERN, find_code, find_email

# Whole messages that stop the form whatever the NLU model read, compared after
# folding case and accents and dropping punctuation.
STOP_MESSAGES = frozenset(
    fold(phrase)
    for phrase in (
        "cancelar", "cancela", "cancelalo", "cancelar registro", "cancela el registro", "para",
        "parale", "alto", "basta", "ya no", "ya no quiero", "ya no quiero seguir",
        "no quiero seguir", "olvidalo", "olvídalo", "mejor no", "dejalo", "déjalo", "salir",
        "stop", "cancel", "quit", "never mind", "nevermind", "forget it", "exit",
        "i don't want to continue", "i dont want to continue", "i changed my mind",
    )
)
# Words that request a stop inside a longer message. "para", "alto" and "salir"
# are left out because "¿para qué quieren mi correo?" is a question, not a stop.
# As a whole message they are in STOP_MESSAGES.
STOP_WORDS = re.compile(
    r"\b(cancel\w*|detente|detener|basta|olv[ií]d\w*|ya no quiero|no quiero seguir|ya no|"
    r"stop|quit|never ?mind|forget it|don'?t want)\b",
    re.IGNORECASE,
)
CHANGE_WORDS = re.compile(
    r"\b(cambi\w*|correg\w*|corrig\w*|modific\w*|actualiz\w*|equivoqu\w*|change|correct|fix|"
    r"update|edit|wrong)\b",
    re.IGNORECASE,
)
HANDOFF_WORDS = re.compile(
    r"\b(persona|humano|humana|agente|alguien|asesor\w*|organizador\w*|equipo|person|human|"
    r"agent|someone|somebody|staff|organi[sz]er\w*|team)\b",
    re.IGNORECASE,
)
# While the form requests a name or an organisation, a hand-off word may be part of
# the value ("Equipo Alfa", "Human Rights Watch"). There a hand-off also needs a
# verb such as "hablar" or "talk", or the word after an article ("con una persona").
FREE_TEXT_FIELDS = frozenset({"full_name", "organisation"})
HANDOFF_REQUEST = re.compile(
    r"\b(habl\w*|contact\w*|comunic\w*|atiend\w*|atend\w*|p[aá]s\w*me|quiero|necesito|"
    r"alguien|talk\w*|speak\w*|reach|connect\w*|transfer\w*|want|need|someone|somebody)\b|"
    r"\b(una?|con|with|an?)\s+(persona|humano|humana|agente|asesor\w*|person|human|agent)\b",
    re.IGNORECASE,
)
# Words that name each field of the form, in both languages.
FIELD_WORDS = {
    "ticket_type": re.compile(r"\b(entrada|boleto|ticket|tipo)\b", re.I),
    "full_name": re.compile(r"\b(nombre|name)\b", re.I),
    "phone": re.compile(r"\b(tel[eé]fono|celular|phone|n[uú]mero)\b", re.I),
    "organisation": re.compile(r"\b(organizaci[oó]n|empresa|organi[sz]ation|company)\b", re.I),
    "dietary": re.compile(r"\b(alimentaci[oó]n|comida|dieta|dietary|diet|food)\b", re.I),
    "email": re.compile(r"\b(correo|email|e-mail|mail)\b", re.I),
}


# The new value after the field, as in "cambia mi nombre a Ana" or "change my phone to +52…".
NEW_VALUE = re.compile(r"^\s*(?:(?:a|por|es|to|is|:)\s+)+(?P<value>\S.*)$", re.IGNORECASE)


def new_value_in(text: str, field: str) -> str | None:
    match = FIELD_WORDS[field].search(text)
    rest = NEW_VALUE.match(text[match.end():]) if match else None
    return rest.group("value").strip() if rest else None


class TurnKind(Enum):
    ANSWER = "answer"
    STOP = "stop"
    HANDOFF = "handoff"
    CHANGE = "change"
    QUESTION = "question"


@dataclass(frozen=True)
class FormTurn:
    kind: TurnKind
    field: str | None = None


def _bare(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", fold(text)).split())


def wants_to_stop(tracker: Tracker) -> bool:
    """Tell whether the attendee asks to stop the form.

    A stop button or a whole message such as "cancelar" is enough. Otherwise the
    NLU model's cancel intent needs stop words too, in a message that is not a question.
    """
    text = latest_text(tracker)
    if pressed(tracker, "cancel"):
        return True
    if _bare(text) in STOP_MESSAGES:
        return True
    asks = "?" in text or "¿" in text
    return latest_intent(tracker) == "cancel" and not asks and bool(STOP_WORDS.search(text))


def named_field(tracker: Tracker, text: str) -> str | None:
    field = latest_entity(tracker, "field")
    if field is None:
        field = next((name for name, pattern in FIELD_WORDS.items() if pattern.search(text)), None)
    return field


def read_turn(tracker: Tracker) -> FormTurn:
    """Classify the latest message; anything not recognised is an answer."""
    text = latest_text(tracker)
    intent = latest_intent(tracker)
    requested = tracker.get_slot("requested_slot")
    if wants_to_stop(tracker):
        return FormTurn(TurnKind.STOP)
    if pressed(tracker, "human_handoff") or (intent == "human_handoff" and asks_for_person(text, requested)):
        return FormTurn(TurnKind.HANDOFF)
    if requested != "confirmation" and (pressed(tracker, "change_field") or CHANGE_WORDS.search(text)):
        field = named_field(tracker, text)
        if field is not None:
            return FormTurn(TurnKind.CHANGE, field)
    if text.startswith("/") or _holds_requested_value(requested, text):
        return FormTurn(TurnKind.ANSWER)
    if is_question(text, intent):
        return FormTurn(TurnKind.QUESTION)
    return FormTurn(TurnKind.ANSWER)


def asks_for_person(text: str, requested: str | None = None) -> bool:
    """Tell whether the message names a person to talk to, outside any email address.

    "marta.persona@example.com" is the email the form requested even when the model
    reads it as human_handoff, and "Equipo Alfa" is the organisation it requested.
    """
    text = EMAIL_PATTERN.sub(" ", text)
    if not HANDOFF_WORDS.search(text):
        return False
    return requested not in FREE_TEXT_FIELDS or bool(HANDOFF_REQUEST.search(text))


def _holds_requested_value(requested: str | None, text: str) -> bool:
    """Tell whether the message contains the email or code the form requested, question mark or not."""
    if requested == "account_email":
        return find_email(text) is not None
    if requested == "verification_code":
        return find_code(text) is not None
    return False


def is_question(text: str, intent: str | None) -> bool:
    """Tell whether the message is a question about the event.

    A question mark is enough. A leading question word or a topic word also needs
    the NLU model's ask_event or out_of_scope intent, because "como de todo" is a dietary answer.
    """
    if "?" in text or "¿" in text:
        return True
    asks = intent in ("ask_event", "out_of_scope")
    topics = bool(find_topics(text))
    return (looks_like_question(text) and (topics or asks)) or (topics and intent == "ask_event")
