"""Text helpers without dependencies, shared with the Rasa engine's channel code."""

from __future__ import annotations

import unicodedata

# Longest chat message passed to the dialogue engine; longer ones get a reply
# asking for a shorter message and are not stored.
MAX_MESSAGE_LENGTH = 2000


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Estudiante", "ESTUDIÁNTE" and "estudiante" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
