"""Tracker helpers shared by the actions: language, event, latest message."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.events import detect_event, get_event, open_events
from bot.language import language_of_events
from bot.models import Event
from bot.settings import get_settings

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
    """The event this conversation is about.

    In order: an event button just pressed; outside a form, an open event the
    latest message names ("¿dónde es la cumbre?"); the event chosen earlier;
    the only open event; the configured default. With several open events and
    none chosen, it returns the first open one, so callers that must ask first
    check ``needs_event_choice``.
    """
    pressed_slug = latest_entity(tracker, "event")
    chosen = get_event(session, pressed_slug) if pressed_slug else None
    candidates = open_events(session)
    if chosen is None and len(candidates) > 1 and not (tracker.active_loop or {}).get("name"):
        chosen = detect_event(latest_text(tracker), candidates)
    if chosen is None and tracker.get_slot("event_slug"):
        chosen = get_event(session, tracker.get_slot("event_slug"))
    if chosen is not None:
        return chosen
    if candidates:
        return candidates[0]
    return get_event(session, get_settings().default_event_slug)


def needs_event_choice(session, tracker: Tracker) -> bool:
    """Return True when several events are open and the conversation names none of them."""
    if latest_entity(tracker, "event") or tracker.get_slot("event_slug"):
        return False
    candidates = open_events(session)
    return len(candidates) > 1 and detect_event(latest_text(tracker), candidates) is None


def remember_event(tracker: Tracker, event: Event | None) -> list[dict]:
    """Return the slot event that keeps ``event`` for the rest of the conversation."""
    if event is None or tracker.get_slot("event_slug") == event.slug:
        return []
    return [SlotSet("event_slug", event.slug)]


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


def pressed(tracker: Tracker, intent: str) -> bool:
    """True when the latest message is the payload of a button for ``intent``."""
    return latest_text(tracker).startswith(f"/{intent}")
