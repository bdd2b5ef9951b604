"""Detection of the attendee's language: Spanish by default, English when they write English."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.text import fold

SPANISH_WORDS = frozenset(
    fold(word)
    for word in """
    hola buenas buenos dias tardes noches gracias quiero quisiera registrarme registro inscribirme
    entrada entradas boleto boletos cuanto cuesta cuando donde como que cual es el la los las un una
    de del para por con sin mi mis me yo soy llamo nombre correo telefono si no ya esta estoy pagar
    pago pague codigo cambiar cancelar ayuda evento informacion ninguna ninguno nada tengo necesito
    puedo hay mas favor adios claro vale confirmar estudiante prensa omitir español espanol
    """.split()
)
ENGLISH_WORDS = frozenset(
    """
    hi hello hey good morning afternoon evening thanks thank you want would like to register
    registration sign up ticket tickets how much does cost when where what which is the a an of for
    with without my me i i'm am name email phone yes no already pay paid payment code change cancel
    help event information none nothing have need can there more please bye sure confirm
    student press skip english it's is are did go through confirmed status send new
    """.split()
)
# "ok", "vip", "email" and the like are everyday words in Mexican Spanish too, so
# they appear in neither list and never switch the language.
SWITCH_TO_ENGLISH = re.compile(r"\b(in english|english please|speak english)\b", re.IGNORECASE)
SWITCH_TO_SPANISH = re.compile(r"\b(en espa[ñn]ol|in spanish|habla espa[ñn]ol)\b", re.IGNORECASE)
# Accented letters are not counted: names such as "Seán" or "Núñez" appear in both languages.
SPANISH_MARKS = re.compile(r"[¿¡]")
WORD = re.compile(r"[\w'’]+")


def detect_language(text: str | None) -> str | None:
    """Return "es" or "en" when ``text`` clearly reads as one of them, else None.

    Names, emails, numbers and button payloads ("/register") are not decisive,
    so the conversation keeps the language it had.
    """
    if not text or text.startswith("/"):
        return None
    if SWITCH_TO_ENGLISH.search(text):
        return "en"
    if SWITCH_TO_SPANISH.search(text):
        return "es"

    words = [fold(word) for word in WORD.findall(text.lower()) if "@" not in word]
    spanish = sum(word in SPANISH_WORDS for word in words) + (2 if SPANISH_MARKS.search(text) else 0)
    english = sum(word in ENGLISH_WORDS for word in words)
    # Words both lists share ("no", "me") count for both; ask for a clear lead.
    if english >= 1 and english > spanish:
        return "en"
    if spanish >= 1 and spanish > english:
        return "es"
    return None


def conversation_language(user_texts_newest_first: Iterable[str | None], default: str = "es") -> str:
    """Return the language of the newest decisive message, or ``default``."""
    for text in user_texts_newest_first:
        language = detect_language(text)
        if language:
            return language
    return default


def language_of_events(events: list[dict], default: str = "es") -> str:
    """Return the conversation's language from tracker events (dicts with "event" and "text")."""
    texts = (
        event.get("text")
        for event in reversed(events)
        if event.get("event") == "user" and not (event.get("metadata") or {}).get("is_external")
    )
    return conversation_language(texts, default)
