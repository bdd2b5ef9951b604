"""The cancellation form: confirm, then cancel (and refund) a registration."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.types import DomainDict

from actions.clarify import answer_question_if_any
from actions.conversation import event_for, is_new_user_turn, language, latest_intent, latest_text, pressed
from actions.registration_form import CONFIRM_WORDS
from bot.cancellation import cancel_by_chat, confirmation_question, needs_confirmation
from bot.db import session_scope
from bot.replies import reply
from bot.validation import is_skip_answer

YES, NO = "yes", "no"


def _event_slug(tracker: Tracker) -> str | None:
    with session_scope() as session:
        event = event_for(session, tracker)
        return event.slug if event else None


def _account_id(tracker: Tracker) -> int | None:
    value = tracker.get_slot("account_id")
    return int(value) if value is not None else None


class ValidateCancellationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_cancellation_form"

    async def required_slots(self, domain_slots, dispatcher, tracker: Tracker, domain: DomainDict) -> list[str]:
        # Nothing to confirm (no registration, or outside the refund window): the
        # submit action explains why at once.
        wanted = await asyncio.to_thread(needs_confirmation, _account_id(tracker), _event_slug(tracker))
        return ["cancellation_confirmed"] if wanted else []

    async def extract_cancellation_confirmed(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "cancellation_confirmed" or not is_new_user_turn(tracker):
            return {}
        text = latest_text(tracker)
        if pressed(tracker, "affirm") or latest_intent(tracker) == "affirm" or CONFIRM_WORDS.search(text):
            return {"cancellation_confirmed": YES}
        if pressed(tracker, "deny") or latest_intent(tracker) == "deny" or is_skip_answer(text):
            return {"cancellation_confirmed": NO}
        return {"cancellation_confirmed": text}

    async def validate_cancellation_confirmed(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if value in (YES, NO):
            return {"cancellation_confirmed": value}
        dispatcher.utter_message(text=reply("confirmation_not_understood", language(tracker)))
        return {"cancellation_confirmed": None}


class ActionAskCancellationConfirmed(Action):
    def name(self) -> str:
        return "action_ask_cancellation_confirmed"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        message = await asyncio.to_thread(
            confirmation_question, _account_id(tracker), _event_slug(tracker), language(tracker)
        )
        dispatcher.utter_message(text=message.text, buttons=message.buttons)
        return []


class ActionSubmitCancellation(Action):
    def name(self) -> str:
        return "action_submit_cancellation"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        # Without an account there is nothing to cancel, so a question the model
        # took for a cancellation ("¿para qué quieren mi correo?") gets its answer.
        if _account_id(tracker) is None and answer_question_if_any(dispatcher, tracker, language(tracker)):
            return [SlotSet("cancellation_confirmed", None)]
        message = await asyncio.to_thread(
            cancel_by_chat,
            _account_id(tracker),
            _event_slug(tracker),
            language(tracker),
            tracker.get_slot("cancellation_confirmed") == YES,
        )
        dispatcher.utter_message(text=message.text, buttons=message.buttons or None)
        return [SlotSet("cancellation_confirmed", None)]
