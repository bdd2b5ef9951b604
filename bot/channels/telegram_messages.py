"""Dialogue replies (Rasa REST format) as Telegram messages: text chunks and inline keyboards.

A reply ``{"text", "buttons"}`` becomes one message, or several when the text is
longer than Telegram allows. The buttons become an inline keyboard under the last
one. A payload button sends its payload back as a callback query, and a link
button (``"url"``) opens the link.
"""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

# Bot API limits: message text 1-4096 characters, callback_data 1-64 bytes.
MAX_TEXT_LENGTH = MessageLimit.MAX_TEXT_LENGTH
MAX_CALLBACK_DATA_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
CALLBACK_KEY_PREFIX = "k:"
CALLBACK_KEY_DIGEST_CHARACTERS = 32
CALLBACK_STORE_CAPACITY = 10_000


class CallbackDataStore:
    """Short keys standing in for button payloads that do not fit in ``callback_data``.

    Payloads of up to 64 bytes travel as they are. A longer one is sent as
    ``k:<digest>`` and kept in this process's memory, for the latest
    ``capacity`` payloads.
    """

    def __init__(self, capacity: int = CALLBACK_STORE_CAPACITY):
        self.capacity = capacity
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def callback_data_for(self, payload: str) -> str:
        """Return the ``callback_data`` that carries ``payload``, storing a key when needed."""
        # A short payload that happens to start with the key prefix goes through the
        # store too, so that every "k:" value a button returns is a key.
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES and not payload.startswith(CALLBACK_KEY_PREFIX):
            return payload

        digest = hashlib.sha256(payload.encode("utf-8")).digest()
        key = CALLBACK_KEY_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")[:CALLBACK_KEY_DIGEST_CHARACTERS]
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self.capacity:
            self._payloads.popitem(last=False)
        return key

    def payload_for(self, callback_data: str) -> str | None:
        """Return the payload a pressed button carries; None for a key this store does not hold.

        NOTE: keys live in one process's memory. A key minted before a restart, or
        by another process (in polling mode the application sends pushes, the
        polling runner receives the presses), is not found.
        """
        if not callback_data.startswith(CALLBACK_KEY_PREFIX):
            return callback_data
        payload = self._payloads.get(callback_data)
        if payload is not None:
            self._payloads.move_to_end(callback_data)
        return payload


def inline_keyboard(buttons: list[dict], store: CallbackDataStore) -> InlineKeyboardMarkup | None:
    """Return one keyboard row per button (titles such as ticket names are long), or None."""
    rows = []
    for button in buttons:
        title = str(button.get("title") or "").strip()
        if not title:
            continue
        if button.get("url"):
            rows.append([InlineKeyboardButton(title, url=str(button["url"]))])
        elif button.get("payload"):
            rows.append([InlineKeyboardButton(title, callback_data=store.callback_data_for(str(button["payload"])))])
    return InlineKeyboardMarkup(rows) if rows else None


def links_as_text(text: str, buttons: list[dict]) -> tuple[str, list[dict]]:
    """Move link buttons into the text, for a Bot API server that rejected their URLs.

    Returns the text with each link the text does not already show on a line of
    its own, and the buttons that are left.
    """
    lines = [text] if text else []
    remaining_buttons = []
    for button in buttons:
        url = button.get("url")
        if not url:
            remaining_buttons.append(button)
        elif url not in text:
            title = str(button.get("title") or "").strip()
            lines.append(f"{title}: {url}" if title else str(url))
    return "\n\n".join(lines), remaining_buttons


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` characters, at line breaks or spaces when possible.

    Lengths are counted in UTF-16 code units, as Telegram counts message entity
    offsets. An emoji outside the Basic Multilingual Plane then counts twice, so
    every chunk is within the limit whether Telegram counts code units or characters.
    """
    chunks = []
    rest = text.strip()
    while utf16_length(rest) > limit:
        cut = max(_longest_prefix_within(rest, limit), 1)
        # Break at the last paragraph, line or word end in the second half of what fits.
        # Without one, as in a long URL, cut where the limit falls.
        for separator in ("\n\n", "\n", " "):
            position = rest.rfind(separator, 0, cut + 1)
            if position > cut // 2:
                cut = position
                break
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def _longest_prefix_within(text: str, limit: int) -> int:
    """Return the number of characters of ``text`` whose UTF-16 length is at most ``limit``."""
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)
