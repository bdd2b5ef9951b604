"""Tracker helpers shared by the actions: language, event, latest message."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.events import get_event
from bot.language import language_of_events
from bot.models import Event
from bot.settings import get_settings
from bot.validation import says_cancel

# Actions that may run between the attendee's message and a form's validation in
# the same turn, besides the forms and their validation actions; anything else
# means the form is resuming after a digression.
SAME_TURN_ACTIONS = {"action_listen", "action_extract_slots"}


def _same_turn(action_name: str | None) -> bool:
    name = action_name or ""
    return name in SAME_TURN_ACTIONS or name.endswith("_form") or name.startswith("validate_")


def language(tracker: Tracker) -> str:
    return language_of_events(tracker.events)


def event_for(session, tracker: Tracker) -> Event | None:
    return get_event(session, tracker.get_slot("event_slug") or get_settings().default_event_slug)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    for item in (tracker.latest_message or {}).get("entities") or []:
        if item.get("entity") == entity and item.get("value"):
            return str(item["value"])
    return None


def is_new_user_turn(tracker: Tracker) -> bool:
    """True when the latest user message has not been handled by another action yet."""
    events = tracker.events
    last_user = max((i for i, event in enumerate(events) if event.get("event") == "user"), default=None)
    if last_user is None:
        return False
    for event in events[last_user + 1:]:
        if event.get("event") == "action" and not _same_turn(event.get("name")):
            return False
        if event.get("event") == "bot":
            return False
    return True


def wants_to_cancel(tracker: Tracker) -> bool:
    """True when the NLU model reads "cancel" and the words say so too.

    Both are required because names typed as answers ("Pedro Ruiz") can score
    as "cancel" in the model.
    """
    return latest_intent(tracker) == "cancel" and (
        latest_text(tracker).startswith("/cancel") or says_cancel(latest_text(tracker))
    )


def pressed(tracker: Tracker, intent: str) -> bool:
    """True when the latest message is the payload of a button for ``intent``."""
    return latest_text(tracker).startswith(f"/{intent}")
