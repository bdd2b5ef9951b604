"""The channel gateway: every attendee channel reaches the dialogue engine here.

Channels (website widget, Telegram, authenticated REST) call ``converse`` with a
conversation id the application chose, never one taken from user input:
``web:<session>``, ``telegram:<chat id>``, ``rest:<JWT subject>``. Messages
produced outside a chat turn (payment captured, seat released) reach a channel
through the pusher it registered with ``register_pusher``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import httpx

from bot.settings import get_settings

logger = logging.getLogger(__name__)

ENGINE_REST_PATH = "/webhooks/rest/webhook"
# The engine answers after running every action of the turn, PayPal calls included.
ENGINE_TIMEOUT = httpx.Timeout(connect=5.0, read=120.0, write=10.0, pool=10.0)

# Sends messages (Rasa REST format: {"text", "buttons"}) to a conversation on its
# channel; returns True when they reached the attendee's client now.
Pusher = Callable[[str, list[dict]], Awaitable[bool]]
_pushers: dict[str, Pusher] = {}


class EngineUnavailable(RuntimeError):
    """Raised when the dialogue engine cannot be reached or fails to answer."""


def conversation_id(channel: str, channel_user_id: str) -> str:
    return f"{channel}:{channel_user_id}"


def channel_of(conversation: str) -> str:
    return conversation.split(":", 1)[0] if ":" in conversation else ""


async def converse(conversation: str, text: str, metadata: dict | None = None) -> list[dict]:
    """Send the attendee's message to the engine and return its replies.

    Raises ``EngineUnavailable`` when the engine does not answer.
    """
    url = f"{get_settings().engine_url}{ENGINE_REST_PATH}"
    body = {"sender": conversation, "message": text, "metadata": metadata or {}}
    try:
        async with httpx.AsyncClient(timeout=ENGINE_TIMEOUT) as client:
            response = await client.post(url, json=body)
            response.raise_for_status()
            replies = response.json()
    except (httpx.HTTPError, ValueError) as error:
        logger.error("engine did not answer for conversation %s: %s", conversation, error)
        raise EngineUnavailable(str(error)) from error
    return [reply for reply in replies if isinstance(reply, dict)]


def register_pusher(channel: str, pusher: Pusher) -> None:
    _pushers[channel] = pusher


async def push_live(conversation: str, messages: list[dict]) -> bool:
    """Deliver ``messages`` now through the conversation's channel, if it can push."""
    pusher = _pushers.get(channel_of(conversation))
    if pusher is None:
        return False
    try:
        return await pusher(conversation, messages)
    except Exception:
        # A channel failing to push must not lose the message: it stays in the
        # conversation history and is delivered with the attendee's next turn.
        logger.exception("pushing to conversation %s failed", conversation)
        return False
