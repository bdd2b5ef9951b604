"""A widget conversation's history, read from the engine's tracker so it survives a reload."""

from __future__ import annotations

import logging
import os
from urllib.parse import quote, urlsplit

import httpx

from bot.engine_metadata import DELIVERED_METADATA_KEY, PUSHED_METADATA_KEY
from bot.settings import get_settings

logger = logging.getLogger(__name__)

# The newest messages sent on connect; older ones are not shown again.
HISTORY_LIMIT = 200
TRACKER_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=10.0, pool=10.0)


async def fetch_events(conversation: str) -> list[dict] | None:
    """Return the conversation's tracker events, or None when the engine is unreachable.

    Rasa HTTP API ``GET /conversations/{id}/tracker`` (the engine runs with
    ``--enable-api``); ``include_events=ALL`` keeps messages from before a restart.
    """
    settings = get_settings()
    url = f"{settings.engine_url}/conversations/{quote(conversation, safe=':')}/tracker"
    params = {"include_events": "ALL"}
    token = os.environ.get("ENGINE_TOKEN")
    if token:
        params["token"] = token
    try:
        async with httpx.AsyncClient(timeout=TRACKER_TIMEOUT) as client:
            response = await client.get(url, params=params)
            response.raise_for_status()
            events = response.json().get("events") or []
    except (httpx.HTTPError, ValueError, AttributeError) as error:
        # The URL carries the engine token, so only the error's type and message are logged.
        logger.warning("reading the history of conversation %s failed: %s", conversation, error)
        return None
    return [event for event in events if isinstance(event, dict)]


def history_messages(events: list[dict]) -> list[dict]:
    """Turn tracker events into widget messages: ``{"sender": "user"|"bot", "text", "buttons"}``.

    The tracker stores a pressed button as its payload (``/affirm``). The history
    shows the title of the button that offered it instead, as the widget did.
    Messages the engine triggered itself (``is_external``) are left out.
    """
    messages: list[dict] = []
    offered: dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text")
            if not isinstance(text, str) or (event.get("metadata") or {}).get("is_external"):
                continue
            messages.append({"sender": "user", "text": offered.get(text, text)})
            offered = {}
        elif kind == "bot":
            message = as_widget_message(event.get("text"), (event.get("data") or {}).get("buttons"))
            if message["text"] or message["buttons"]:
                messages.append({"sender": "bot", **message})
                offered.update(
                    {button["payload"]: button["title"] for button in message["buttons"] if "payload" in button}
                )
    return messages


def undelivered_pushes(events: list[dict]) -> list[dict]:
    """Return the pushed bot messages after the last user message that no page received.

    The engine's REST channel puts these in front of the replies to the next
    message (``rasa_channels/rest.py``). A page that just showed them in its
    history drops them from those replies (``drop_shown``), so they appear once.
    """
    pending: list[dict] = []
    for event in events:
        metadata = event.get("metadata") or {}
        if event.get("event") == "user":
            pending = []
        elif event.get("event") == "bot" and metadata.get(PUSHED_METADATA_KEY) and not metadata.get(DELIVERED_METADATA_KEY):
            pending.append(as_widget_message(event.get("text"), (event.get("data") or {}).get("buttons")))
    return pending


def drop_shown(messages: list[dict], shown: list[dict]) -> list[dict]:
    """Remove ``shown`` from the front of ``messages`` where they match, in order."""
    count = 0
    while count < min(len(messages), len(shown)) and messages[count] == shown[count]:
        count += 1
    return messages[count:]


def as_widget_message(text: object, buttons: object) -> dict:
    """Keep a bot message's text and its well-formed buttons: quick replies with a
    payload, and links to http(s) addresses only."""
    clean = []
    for button in buttons if isinstance(buttons, list) else []:
        if not isinstance(button, dict) or not isinstance(button.get("title"), str):
            continue
        url, payload = button.get("url"), button.get("payload")
        if isinstance(url, str) and urlsplit(url).scheme in ("http", "https"):
            clean.append({"title": button["title"], "url": url, "type": "web_url"})
        elif isinstance(payload, str) and payload:
            clean.append({"title": button["title"], "payload": payload})
    return {"text": text if isinstance(text, str) else "", "buttons": clean}


def widget_messages(replies: list[dict]) -> list[dict]:
    """Clean engine replies (Rasa REST format) for the widget."""
    messages = [as_widget_message(reply.get("text"), reply.get("buttons")) for reply in replies]
    return [message for message in messages if message["text"] or message["buttons"]]
