"""Messages with buttons built from the catalogue and the stored event data.

Used by the NLG endpoint for ``utter_*`` responses and by the form's
``action_ask_<slot>`` actions, so a question looks the same wherever it is asked.
"""

from __future__ import annotations

from bot.db import session_scope
from bot.event_info import ticket_line
from bot.events import get_event, open_events, ticket_availability
from bot.replies import CATALOGUE, intent_button, reply
from bot.settings import get_settings
from bot.topics import seats_status

SKIPPABLE_QUESTIONS = {"utter_ask_phone", "utter_ask_organisation", "utter_ask_dietary"}


def ticket_buttons(session, event, language: str) -> list[dict]:
    """One button per ticket type with seats left; sold-out types get none."""
    buttons = []
    for availability in ticket_availability(session, event):
        if availability.seats_left == 0:
            continue
        ticket = availability.ticket
        price = reply("ticket_free", language) if ticket.money.is_zero() else ticket.money.display()
        seats = seats_status(event, availability.seats_left, language)
        title = f"{ticket.display_name(language)} · {price} · {seats}"
        buttons.append(intent_button(title, "register", {"ticket_type": ticket.code}))
    return buttons


def build_message(name: str, language: str, slots: dict, arguments: dict | None = None) -> dict:
    """Return ``{"text", "buttons"}`` for catalogue entry ``name``.

    Slot values and ``arguments`` fill the text's placeholders. Raises KeyError
    when ``name`` is not in the catalogue or a placeholder has no value.
    """
    if name not in CATALOGUE:
        raise KeyError(name)
    params = {key: value for key, value in slots.items() if value is not None}
    params.update(arguments or {})

    with session_scope() as session:
        candidates = open_events(session)
        event = get_event(session, slots.get("event_slug") or get_settings().default_event_slug)
        if not slots.get("event_slug") and len(candidates) > 1:
            # No event chosen yet: the texts name every open one.
            params.setdefault("event", reply("events_joiner", language).join(
                item.text("name", language) for item in candidates))
        elif event is not None:
            params.setdefault("event", event.text("name", language))
        text = reply(name, language, **params)
        buttons: list[dict] = []

        if name == "utter_greet":
            buttons = [
                intent_button(reply("button_register", language), "register"),
                intent_button(reply("button_ask_event", language), "ask_event"),
                intent_button(reply("button_check_status", language), "check_status"),
            ]
        elif name == "utter_ask_ticket_type" and event is not None:
            lines = [ticket_line(item, language) for item in ticket_availability(session, event)]
            text = "\n".join([text, *lines])
            buttons = ticket_buttons(session, event, language)
        elif name == "utter_ask_verification_code":
            buttons = [intent_button(reply("button_new_code", language), "request_new_code")]
        elif name == "utter_ask_stop_confirmed":
            buttons = [
                intent_button(reply("button_stop_yes", language), "affirm"),
                intent_button(reply("button_stop_no", language), "deny"),
            ]
        elif name == "utter_ask_event_slug":
            buttons = [
                intent_button(item.text("name", language), "register", {"event": item.slug}) for item in candidates
            ]
        elif name == "utter_ask_handoff_contact" and slots.get("account_email"):
            title = reply("button_use_contact", language, contact=slots["account_email"])
            buttons = [{"title": title, "payload": slots["account_email"]}]
        elif name in SKIPPABLE_QUESTIONS:
            buttons = [intent_button(reply("button_skip", language), "deny")]

    return {"text": text, "buttons": buttons}
