"""Messages with buttons built from the catalogue and the stored event data.

Used by the NLG endpoint for ``utter_*`` responses and by the form's
``action_ask_<slot>`` actions, so a question looks the same wherever it is asked.
"""

from __future__ import annotations

from bot.db import session_scope
from bot.event_info import ticket_line
from bot.events import get_event, ticket_availability
from bot.replies import CATALOGUE, intent_button, reply
from bot.settings import get_settings

SKIPPABLE_QUESTIONS = {"utter_ask_phone", "utter_ask_organisation", "utter_ask_dietary"}


def ticket_buttons(session, event, language: str) -> list[dict]:
    """One button per ticket type with seats left; sold-out types get none."""
    buttons = []
    for availability in ticket_availability(session, event):
        if availability.seats_left == 0:
            continue
        ticket = availability.ticket
        price = reply("ticket_free", language) if ticket.money.is_zero() else ticket.money.display()
        seats = reply("ticket_seats_left", language, seats=availability.seats_left)
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
        event = get_event(session, slots.get("event_slug") or get_settings().default_event_slug)
        if event is not None:
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
        elif name in SKIPPABLE_QUESTIONS:
            buttons = [intent_button(reply("button_skip", language), "deny")]

    return {"text": text, "buttons": buttons}
