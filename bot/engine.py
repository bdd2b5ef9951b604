"""Messages that start outside a chat turn: kept in the engine's history, pushed live.

``push_message`` may run in any process (the application, the reconcile
command). It hands the message to the application's ``/internal/push``
endpoint, which owns the live channel connections. When the application is
unreachable, the message is only added to the conversation history, and the
attendee gets it with their next message.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from urllib.parse import quote

import httpx

from bot.engine_metadata import DELIVERED_METADATA_KEY, PUSHED_METADATA_KEY
from bot.settings import get_settings

logger = logging.getLogger(__name__)

INTERNAL_TOKEN_HEADER = "X-Internal-Token"


def internal_token() -> str:
    """Shared by the processes of one installation, derived from SECRET_KEY."""
    secret = get_settings().secret_key.encode()
    return hmac.new(secret, b"internal-push", hashlib.sha256).hexdigest()


def app_internal_url() -> str:
    return os.environ.get("APP_INTERNAL_URL") or f"http://127.0.0.1:{os.environ.get('APP_PORT', '8000')}"


def push_message(conversation: str, text: str, buttons: list[dict] | None = None) -> bool:
    """Tell the attendee now if their channel allows it, and keep it in the history.

    Returns True when the message reached the attendee's client at once.
    """
    message = {"text": text, "buttons": buttons or []}
    try:
        response = httpx.post(
            f"{app_internal_url()}/internal/push",
            json={"conversation_id": conversation, "messages": [message]},
            headers={INTERNAL_TOKEN_HEADER: internal_token()},
            timeout=30,
        )
        response.raise_for_status()
        return bool(response.json().get("delivered"))
    except (httpx.HTTPError, ValueError) as error:
        logger.warning("application unreachable for a push to %s (%s); kept for the next turn", conversation, error)
        append_bot_messages(conversation, [message], delivered=False)
        return False


def append_bot_messages(conversation: str, messages: list[dict], *, delivered: bool) -> bool:
    """Add bot messages to the conversation history in the engine.

    Rasa's ``POST /conversations/{id}/tracker/events`` (HTTP API, ``--enable-api``).
    Returns False, after logging, when the engine is unreachable.
    """
    settings = get_settings()
    url = f"{settings.engine_url}/conversations/{quote(conversation, safe=':')}/tracker/events"
    params = {"include_events": "NONE"}
    token = os.environ.get("ENGINE_TOKEN")
    if token:
        params["token"] = token
    events = [
        {
            "event": "bot",
            "text": message.get("text"),
            "data": {"buttons": message["buttons"]} if message.get("buttons") else {},
            "metadata": {PUSHED_METADATA_KEY: True, DELIVERED_METADATA_KEY: delivered},
        }
        for message in messages
    ]
    try:
        response = httpx.post(url, params=params, json=events, timeout=30)
        response.raise_for_status()
    except httpx.HTTPError as error:
        logger.warning("adding a message to conversation %s failed: %s", conversation, error)
        return False
    return True
