"""Text helpers without dependencies, shared with the Rasa engine's channel code."""

from __future__ import annotations

import re
import unicodedata

# Longest chat message passed to the dialogue engine; longer ones get a reply
# asking for a shorter message and are not stored.
MAX_MESSAGE_LENGTH = 2000


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Estudiante", "ESTUDIÁNTE" and "estudiante" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# Letter rows of a QWERTY keyboard, both directions: "asdf" and "lkjh" are a hand run along a row.
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "poiuytrewq", "lkjhgfdsa", "mnbvcxz")
LETTERS = re.compile(r"[^\W\d_]+")
VOWELS = frozenset("aeiouy")


def is_keyboard_mash(text: str) -> bool:
    """Tell whether every word of ``text`` is a run along a keyboard row or a long vowelless string.

    "asdf qwer zxcv" and "jkjkjk hhhh" are mashes. "hola", "bla bla", "ok" and a
    message of only emoji or digits are not.
    """
    words = LETTERS.findall(fold(text))
    return bool(words) and all(_is_mashed_word(word) for word in words)


def _is_mashed_word(word: str) -> bool:
    if len(word) < 3:
        return False
    if any(word in row for row in KEYBOARD_ROWS):
        return True
    return len(word) >= 4 and not VOWELS.intersection(word)
