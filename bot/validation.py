"""Parsing and validation of what attendees type: emails, names, phones, codes."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.text import fold

MAX_NAME_LENGTH = 100
MAX_FREE_TEXT_LENGTH = 200

# Answers that leave an optional question empty.
SKIP_ANSWERS = frozenset(
    fold(word)
    for word in (
        "no", "nop", "nel", "ninguno", "ninguna", "nada", "no tengo", "ninguna en especial",
        "no gracias", "omitir", "saltar", "paso", "sin", "-", "skip", "none", "nothing",
        "no thanks", "n/a", "na", "nope", "no one", "pass",
    )
)

EMAIL_PATTERN = re.compile(r"[^\s@<>,;:()\[\]]+@[^\s@<>,;:()\[\]]+\.[^\s@<>,;:()\[\]]+")
CODE_PATTERN = re.compile(r"(?<!\d)(\d{3})[\s-]?(\d{3})(?!\d)")
NAME_INTRO = re.compile(
    r"(?:\bsoy\b|\bme llamo\b|\bmi nombre es\b|\bmy name is\b|\bi am\b|\bi'm\b|\bi’m\b|\bname is\b)\s+(.+)",
    re.IGNORECASE,
)
# End of a name given in a longer sentence.
NAME_END = re.compile(r"\s*(?:[,;.!?]|\by mi\b|\band my\b|\by quiero\b|\band i\b|\bcon correo\b)", re.IGNORECASE)


class InvalidValue(ValueError):
    """Raised when an answer does not match what the question expects."""


def is_skip_answer(text: str) -> bool:
    return fold(text).strip(" .!¡¿?") in SKIP_ANSWERS


def find_email(text: str) -> str | None:
    match = EMAIL_PATTERN.search(text)
    return match.group(0).rstrip(".") if match else None


def normalise_email(text: str) -> str:
    """Return the email trimmed and lower-cased, or raise ``InvalidValue``."""
    candidate = text.strip()
    if len(candidate) > 254:
        raise InvalidValue("email too long")
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidValue(str(error)) from error
    return result.normalized.lower()


def find_code(text: str) -> str | None:
    match = CODE_PATTERN.search(text)
    return match.group(1) + match.group(2) if match else None


def find_introduced_name(text: str) -> str | None:
    """Return the name after "soy", "me llamo", "my name is"... or None."""
    match = NAME_INTRO.search(text)
    if not match:
        return None
    name = NAME_END.split(match.group(1), maxsplit=1)[0]
    try:
        return clean_name(name)
    except InvalidValue:
        return None


def clean_name(text: str) -> str:
    """Return the name as typed, with outer spaces trimmed, or raise ``InvalidValue``.

    Apostrophes, hyphens, accents and emoji stay as typed; digits, "@" and
    lengths beyond ``MAX_NAME_LENGTH`` are rejected.
    """
    name = " ".join(text.split())
    if not name:
        raise InvalidValue("empty name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidValue("name too long")
    if "@" in name or any(char.isdigit() for char in name):
        raise InvalidValue("a name has no digits or @")
    if not any(char.isalpha() for char in name):
        raise InvalidValue("a name needs letters")
    return name


def normalise_phone(text: str, region: str) -> str:
    """Return the phone number in E.164, or raise ``InvalidValue``.

    Numbers without a country code are read in ``region`` (the event's country).
    """
    if len(text) > 40:
        raise InvalidValue("phone too long")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidValue(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidValue("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """Return a stored E.164 number grouped for reading, e.g. "+52 55 1234 5678"."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def clean_free_text(text: str) -> str:
    """Trim an optional free-text answer (organisation, dietary needs)."""
    value = " ".join(text.split())
    if not value:
        raise InvalidValue("empty answer")
    if len(value) > MAX_FREE_TEXT_LENGTH:
        raise InvalidValue("answer too long")
    return value
