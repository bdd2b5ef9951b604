"""Turns of the registration form that are not answers: questions, stopping,
corrections, event choice, and help after repeated invalid answers.

Each handler returns the slot events of the turn. They always include a slot
event besides ``requested_slot``, so Rasa's form does not reject the turn. The
form then requests the first empty required slot: the same question, unless a
correction emptied an earlier one.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import event_for, language, latest_entity, latest_intent, latest_text
from actions.form_turns import FormTurn, TurnKind, new_value_in
from bot.db import session_scope
from bot.questions import answer_question
from bot.replies import CATALOGUE, intent_button, reply
from bot.validation import MAX_FREE_TEXT_LENGTH, display_phone

STOP_REQUESTED = "requested"
# Not a word an attendee types, so raw text never matches a confirmed stop.
STOP_YES = "stop_confirmed"
INVALID_ANSWERS_BEFORE_HELP = 3
# Slot that counts invalid answers in a row, as "<slot>:<count>".
FAILURES_SLOT = "failed_answers"


def slot_for_field(field: str, verified: bool) -> str:
    """Return the slot behind a field name. Before verification, the name is the account's."""
    if field == "email":
        return "account_email"
    if field == "full_name" and not verified:
        return "account_name"
    return field


def kept_value_message(slot: str, value: str | None, lang: str) -> str:
    """Build the message naming the value kept after an invalid correction."""
    if value in (None, ""):
        displayed = reply("not_given", lang)
    else:
        displayed = display_phone(value) if slot == "phone" else value
    return reply("value_kept", lang, field=reply(f"field_{slot}", lang), value=displayed)


def stop_events() -> list[SlotSet]:
    return [SlotSet("stop_requested", None), SlotSet("stop_confirmed", None)]


class FormDigressions:
    """Mixed into the form's validation action; ``self`` has the validate_ methods."""

    async def handle_turn(
        self, turn: FormTurn, dispatcher: CollectingDispatcher, tracker: Tracker, domain
    ) -> list[SlotSet] | None:
        """Return the slot events of a question, stop or correction, or None for an answer."""
        requested = tracker.get_slot("requested_slot")
        if turn.kind is TurnKind.STOP:
            if requested == "stop_confirmed":
                return None
            return [SlotSet("stop_requested", STOP_REQUESTED), SlotSet(requested, None)]
        if turn.kind is TurnKind.QUESTION:
            self._answer_question(dispatcher, tracker)
            return [SlotSet(requested, None)]
        if turn.kind is TurnKind.CHANGE:
            return await self._change_field(turn.field, dispatcher, tracker, domain)
        return None

    def _answer_question(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        lang = language(tracker)
        with session_scope() as session:
            event = event_for(session, tracker)
            answer = answer_question(session, event, latest_text(tracker), lang) if event else None
            if answer is not None:
                dispatcher.utter_message(text=answer.text)
            elif latest_intent(tracker) == "out_of_scope":
                dispatcher.utter_message(text=reply("utter_out_of_scope", lang, event=event.text("name", lang)))
            else:
                dispatcher.utter_message(text=reply("question_without_answer", lang, contact=event.contact_email))

    async def _change_field(
        self, field: str, dispatcher: CollectingDispatcher, tracker: Tracker, domain
    ) -> list[SlotSet]:
        """Go back to ``field``, or take the new value the message gives.

        An invalid new value leaves the earlier one in place.
        """
        requested = tracker.get_slot("requested_slot")
        verified = tracker.get_slot("account_id") is not None
        if field == "email" and verified:
            # Another address is another account: it is verified again.
            return [SlotSet(slot, None) for slot in ("account_id", "account_email", "verification_code")]
        slot = slot_for_field(field, verified)
        if tracker.get_slot(slot) in (None, ""):
            # Not answered yet: it will be asked in its turn.
            return [SlotSet(requested, None)]
        new_value = new_value_in(latest_text(tracker), field)
        if field == "ticket_type":
            new_value = latest_entity(tracker, "ticket_type") or new_value
        if new_value is None:
            return [SlotSet(slot, None)]
        changed = await getattr(self, f"validate_{slot}")(new_value, dispatcher, tracker, domain)
        if changed.get(slot) is None:
            dispatcher.utter_message(text=kept_value_message(slot, tracker.get_slot(slot), language(tracker)))
            return [SlotSet(requested, None)]
        return [SlotSet(key, value) for key, value in changed.items()]

    def count_failures(
        self, requested: str, events: list[dict[str, Any]], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[SlotSet]:
        """Count invalid answers in a row to ``requested``; the third gets help."""
        if f"format_help_{requested}" not in CATALOGUE:
            return []
        rejected = any(
            event.get("event") == "slot" and event.get("name") == requested and event.get("value") is None
            for event in events
        )
        if not rejected:
            return [SlotSet(FAILURES_SLOT, None)] if tracker.get_slot(FAILURES_SLOT) else []
        previous_slot, _, previous_count = (tracker.get_slot(FAILURES_SLOT) or "").partition(":")
        count = int(previous_count) + 1 if previous_slot == requested and previous_count.isdigit() else 1
        if count < INVALID_ANSWERS_BEFORE_HELP:
            return [SlotSet(FAILURES_SLOT, f"{requested}:{count}")]
        lang = language(tracker)
        help_text = reply(f"format_help_{requested}", lang, limit=MAX_FREE_TEXT_LENGTH)
        dispatcher.utter_message(
            text=f"{help_text}\n{reply('format_help_offer', lang)}",
            buttons=[
                intent_button(reply("button_cancel_registration", lang), "cancel"),
                intent_button(reply("button_handoff", lang), "human_handoff"),
            ],
        )
        return [SlotSet(FAILURES_SLOT, None)]
