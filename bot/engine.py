"""Client of the dialogue engine's HTTP API, for messages that start outside a chat turn."""

from __future__ import annotations

import logging
import os

import httpx

from bot.settings import get_settings

logger = logging.getLogger(__name__)

# Marks a bot message the application added between two turns; the REST channel
# (rasa_channels/rest.py) delivers such messages with the reply to the next turn.
PUSHED_METADATA_KEY = "pushed"


def push_message(conversation_id: str, text: str, buttons: list[dict] | None = None) -> bool:
    """Append a bot message to the conversation and send it to its latest channel.

    Rasa's ``POST /conversations/{id}/tracker/events`` (HTTP API, ``--enable-api``)
    with ``execute_side_effects`` keeps the message in the conversation history.
    Returns False, after logging, when the engine is unreachable.
    """
    settings = get_settings()
    url = f"{settings.engine_url}/conversations/{conversation_id}/tracker/events"
    params = {"output_channel": "latest", "execute_side_effects": "true", "include_events": "NONE"}
    token = os.environ.get("ENGINE_TOKEN")
    if token:
        params["token"] = token
    event = {
        "event": "bot",
        "text": text,
        "data": {"buttons": buttons} if buttons else {},
        "metadata": {PUSHED_METADATA_KEY: True},
    }
    try:
        response = httpx.post(url, params=params, json=event, timeout=30)
        response.raise_for_status()
    except httpx.HTTPError as error:
        logger.warning("pushing a message to conversation failed: %s", error)
        return False
    return True
