"""The hand-off form: the attendee's question and a contact, passed to the organisers."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.types import DomainDict

from actions.conversation import event_for, is_new_user_turn, language, latest_text
from actions.form_turns import wants_to_stop
from bot.db import session_scope
from bot.handoff import create_handoff, parse_contact
from bot.replies import reply
from bot.validation import InvalidValue

# Value of both slots when the attendee stops before sending anything.
DROPPED = "handoff_dropped"
MAX_QUESTION_LENGTH = 1000
HANDOFF_SLOTS = ("handoff_question", "handoff_contact")


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_form"

    async def run(self, dispatcher, tracker: Tracker, domain: DomainDict):
        requested = tracker.get_slot("requested_slot")
        if requested in HANDOFF_SLOTS and is_new_user_turn(tracker) and wants_to_stop(tracker):
            dropped = [SlotSet(slot, DROPPED) for slot in HANDOFF_SLOTS]
            tracker.add_slots(dropped)
            return dropped + [await self.next_requested_slot(dispatcher, tracker, domain)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots, dispatcher, tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("handoff_question") == DROPPED:
            return []
        return list(HANDOFF_SLOTS)

    async def extract_handoff_question(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "handoff_question" or not is_new_user_turn(tracker):
            return {}
        return {"handoff_question": latest_text(tracker)}

    async def extract_handoff_contact(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "handoff_contact" or not is_new_user_turn(tracker):
            return {}
        return {"handoff_contact": latest_text(tracker)}

    async def validate_handoff_question(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        question = " ".join(str(value).split())
        if not question or question.startswith("/") or len(question) > MAX_QUESTION_LENGTH:
            dispatcher.utter_message(text=reply("invalid_handoff_question", language(tracker), limit=MAX_QUESTION_LENGTH))
            return {"handoff_question": None}
        return {"handoff_question": question}

    async def validate_handoff_contact(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        with session_scope() as session:
            region = event_for(session, tracker).country
        try:
            return {"handoff_contact": parse_contact(str(value), region)}
        except InvalidValue:
            dispatcher.utter_message(text=reply("invalid_contact", language(tracker), value=str(value)[:80]))
            return {"handoff_contact": None}


class ActionSubmitHandoff(Action):
    """Store the hand-off request and email the organisers, or drop it when stopped."""

    def name(self) -> str:
        return "action_submit_handoff"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = language(tracker)
        reset = [SlotSet(slot, None) for slot in HANDOFF_SLOTS]
        question, contact = (tracker.get_slot(slot) for slot in HANDOFF_SLOTS)
        if question in (None, DROPPED) or contact in (None, DROPPED):
            dispatcher.utter_message(text=reply("handoff_cancelled", lang))
            return reset
        account_id = tracker.get_slot("account_id")
        request_id = await asyncio.to_thread(
            self._store, tracker, question, contact, lang, int(account_id) if account_id else None
        )
        dispatcher.utter_message(text=reply("handoff_created", lang, request_id=request_id, contact=contact))
        if tracker.get_slot("ticket_type") or tracker.get_slot("account_name"):
            dispatcher.utter_message(text=reply("registration_paused", lang))
        return reset

    @staticmethod
    def _store(tracker: Tracker, question: str, contact: str, lang: str, account_id: int | None) -> int:
        with session_scope() as session:
            request = create_handoff(
                session,
                event=event_for(session, tracker),
                conversation_id=tracker.sender_id,
                question=question,
                contact=contact,
                language=lang,
                account_id=account_id,
            )
            return request.id
