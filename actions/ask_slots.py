"""``action_ask_<slot>``: the form's questions, with buttons built from stored data."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker

from actions.conversation import language
from bot.prompts import build_message


class AskSlotAction(Action):
    """Ask for ``slot`` with the catalogue entry ``utter_ask_<slot>``."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        message = await asyncio.to_thread(
            build_message, f"utter_ask_{self.slot}", language(tracker), tracker.current_slot_values()
        )
        dispatcher.utter_message(text=message["text"], buttons=message["buttons"] or None)
        return []


class ActionAskAccountName(AskSlotAction):
    slot = "account_name"


class ActionAskAccountEmail(AskSlotAction):
    slot = "account_email"


class ActionAskVerificationCode(AskSlotAction):
    slot = "verification_code"


class ActionAskTicketType(AskSlotAction):
    slot = "ticket_type"


class ActionAskFullName(AskSlotAction):
    slot = "full_name"


class ActionAskPhone(AskSlotAction):
    slot = "phone"


class ActionAskOrganisation(AskSlotAction):
    slot = "organisation"


class ActionAskDietary(AskSlotAction):
    slot = "dietary"


class ActionAskStopConfirmed(AskSlotAction):
    slot = "stop_confirmed"


class ActionAskEventSlug(AskSlotAction):
    slot = "event_slug"


class ActionAskHandoffQuestion(AskSlotAction):
    slot = "handoff_question"


class ActionAskHandoffContact(AskSlotAction):
    slot = "handoff_contact"
