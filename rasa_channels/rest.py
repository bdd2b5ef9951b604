"""Rasa's REST channel, plus delivery of messages produced between two turns.

When a payment completes, the application appends the confirmation to the
conversation through the engine's HTTP API, marked ``"pushed"`` in its
metadata, and ``"delivered"`` when a live channel (widget, Telegram) showed it
already (bot/engine.py). A REST client only sees replies to its own requests,
so this channel prepends such messages, written since the client's last
message, to the reply of its next one. Request and reply keep Rasa's REST
contract.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted
from sanic import Blueprint, response

from bot.engine_metadata import DELIVERED_METADATA_KEY, PUSHED_METADATA_KEY
from bot.language import language_of_events
from bot.replies import reply
from bot.text import MAX_MESSAGE_LENGTH
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


def undelivered_messages(events: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """Return the pushed bot messages written after the client's last message that
    no live channel delivered."""
    pending: List[Dict[Text, Any]] = []
    for event in events:
        metadata = event.get("metadata") or {}
        if event.get("event") == "user":
            pending = []
        elif event.get("event") == "bot" and metadata.get(PUSHED_METADATA_KEY) and not metadata.get(DELIVERED_METADATA_KEY):
            pending.append(event)
    return pending


def as_rest_message(recipient_id: Text, event: Dict[Text, Any]) -> Dict[Text, Any]:
    message: Dict[Text, Any] = {"recipient_id": recipient_id}
    if event.get("text"):
        message["text"] = event["text"]
    data = event.get("data") or {}
    for key in ("buttons", "image", "attachment", "custom"):
        if data.get(key):
            message[key] = data[key]
    return message


class PushAwareRestInput(RestInput):
    """The ``rest`` channel, serving ``/webhooks/rest/webhook``."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("push_aware_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            if not isinstance(sender_id, str) or not sender_id or not isinstance(text, str):
                return response.json(
                    {"error": "the body must be JSON with string fields 'sender' and 'message'"}, status=400
                )

            events = await self._events(request, sender_id)
            earlier = [as_rest_message(sender_id, event) for event in undelivered_messages(events)]
            if not text.strip():
                # Nothing to understand: a hint instead of a guess, and nothing stored.
                message = reply("empty_message", language_of_events(events))
                return response.json(earlier + [{"recipient_id": sender_id, "text": message}])
            if len(text) > MAX_MESSAGE_LENGTH:
                # Not passed to the engine, so nothing of it is stored.
                language = language_of_events(events + [{"event": "user", "text": text[:200]}])
                message = reply("utter_message_too_long", language, limit=MAX_MESSAGE_LENGTH)
                return response.json(earlier + [{"recipient_id": sender_id, "text": message}])

            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender_id,
                        input_channel=self._extract_input_channel(request),
                        metadata=self.get_metadata(request),
                    )
                )
            except Exception:
                logger.exception("REST message from %s failed", sender_id)
            replies = collector.messages
            # Every normal turn replies, so only an empty reply needs the tracker read again.
            if not replies and await self._end_stuck_turn(request, sender_id):
                replies = [{"recipient_id": sender_id, "text": reply("turn_stuck", language_of_events(events))}]
            return response.json(earlier + replies)

        return webhook

    async def _end_stuck_turn(self, request: Request, sender_id: Text) -> bool:
        """End a turn that stopped before action_listen; return True when there was one.

        Rasa stops a turn after 10 predicted actions (MAX_NUMBER_OF_PREDICTIONS)
        without listening. Rasa 3.6 counts them back to the last action_listen,
        so every later message of that conversation would stop at once too.
        A turn that hit the limit still sent its replies, so the attendee's next
        message is the one that gets the request to send it again.
        """
        agent = request.app.ctx.agent
        if not agent or not agent.tracker_store or not agent.lock_store:
            return False
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.retrieve(sender_id)
            if tracker is None or tracker.latest_action_name in (None, ACTION_LISTEN_NAME):
                return False
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
            await agent.tracker_store.save(tracker)
        logger.warning("conversation %s stopped before action_listen, probably at Rasa's action limit; turn ended", sender_id)
        return True

    async def _events(self, request: Request, sender_id: Text) -> List[Dict[Text, Any]]:
        agent = request.app.ctx.agent
        tracker = await agent.tracker_store.retrieve(sender_id) if agent and agent.tracker_store else None
        return [event.as_dict() for event in tracker.events] if tracker else []
