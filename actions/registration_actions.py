"""Actions around the registration form: summary, submission and status."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import answer_question_if_any
from actions.conversation import (
    event_for,
    language,
    needs_event_choice,
    remember_event,
)
from actions.form_digressions import FAILURES_SLOT, STOP_YES, stop_events
from actions.registration_form import ACCOUNT_SLOTS, SKIPPED
from bot.checkout import CheckoutReply, registration_status_reply, submit_registration
from bot.db import session_scope
from bot.registrations import RegistrationDraft
from bot.events import open_events
from bot.replies import intent_button, reply
from bot.validation import display_phone

logger = logging.getLogger(__name__)

FORM_VALUE_SLOTS = ("ticket_type", "full_name", "phone", "organisation", "dietary", "confirmation")


def send(dispatcher: CollectingDispatcher, message: CheckoutReply) -> None:
    dispatcher.utter_message(text=message.text, buttons=message.buttons or None)


class ActionAskConfirmation(Action):
    """Show the summary of the answers with confirm, change and cancel buttons."""

    def name(self) -> str:
        return "action_ask_confirmation"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = language(tracker)
        with session_scope() as session:
            event = event_for(session, tracker)
            ticket = next(t for t in event.ticket_types if t.code == tracker.get_slot("ticket_type"))
            price = reply("ticket_free", lang) if ticket.money.is_zero() else ticket.money.display()

            def shown(slot: str) -> str:
                value = tracker.get_slot(slot)
                if value in (None, SKIPPED):
                    return reply("not_given", lang)
                return display_phone(value) if slot == "phone" else value

            text = reply(
                "summary",
                lang,
                event=event.text("name", lang),
                ticket=ticket.display_name(lang),
                price=price,
                full_name=shown("full_name"),
                email=shown("account_email"),
                phone=shown("phone"),
                organisation=shown("organisation"),
                dietary=shown("dietary"),
            )
        buttons = [intent_button(reply("button_confirm", lang), "affirm")]
        for field in ("ticket_type", "full_name", "phone", "organisation", "dietary"):
            title = f"{reply('button_change', lang)}: {reply('field_' + field, lang)}"
            buttons.append(intent_button(title, "change_field", {"field": field}))
        buttons.append(intent_button(reply("button_cancel", lang), "cancel"))
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


class ActionSubmitRegistration(Action):
    """Store the confirmed registration and send the PayPal link, or confirm a free one."""

    def name(self) -> str:
        return "action_submit_registration"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        if tracker.get_slot("stop_confirmed") == STOP_YES:
            dispatcher.utter_message(text=reply("form_cancelled", language(tracker)))
            return drop_answers(tracker)
        reset = [SlotSet(slot, None) for slot in FORM_VALUE_SLOTS]

        def optional(slot: str) -> str | None:
            return tracker.get_slot(slot) or None

        draft = None
        if tracker.get_slot("ticket_type"):
            draft = RegistrationDraft(
                ticket_code=tracker.get_slot("ticket_type"),
                full_name=tracker.get_slot("full_name"),
                phone=optional("phone"),
                organisation=optional("organisation"),
                dietary=optional("dietary"),
                language=language(tracker),
                conversation_id=tracker.sender_id,
            )
        # PayPal calls block, so they run in a worker thread, not on the server's loop.
        with session_scope() as session:
            event_slug = event_for(session, tracker).slug
        message = await asyncio.to_thread(
            submit_registration,
            account_id=int(tracker.get_slot("account_id")),
            event_slug=event_slug,
            draft=draft,
            language=language(tracker),
        )
        send(dispatcher, message)
        return reset


def drop_answers(tracker: Tracker) -> list[dict[str, Any]]:
    """Return the slot events that empty the form's answers. A verified account stays signed in."""
    slots = [*FORM_VALUE_SLOTS, FAILURES_SLOT]
    if tracker.get_slot("account_id") is None:
        slots += ACCOUNT_SLOTS
    return [SlotSet(slot, None) for slot in slots] + stop_events()


def ask_which_event(dispatcher: CollectingDispatcher, session, lang: str, intent: str) -> None:
    """Offer the open events as buttons that repeat ``intent`` for the chosen one."""
    buttons = [intent_button(event.text("name", lang), intent, {"event": event.slug}) for event in open_events(session)]
    dispatcher.utter_message(text=reply("utter_ask_event_slug", lang), buttons=buttons)


class ActionRegistrationStatus(Action):
    """Tell the attendee where their registration stands; a pending one gets its link."""

    def name(self) -> str:
        return "action_registration_status"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = language(tracker)
        account_id = tracker.get_slot("account_id")
        if account_id is None:
            # Without an account there is no status to tell, so a question the
            # model took for a status request ("what do you do with my data?")
            # gets its answer instead.
            if answer_question_if_any(dispatcher, tracker, lang):
                return []
            dispatcher.utter_message(
                text=reply("status_needs_account", lang),
                buttons=[intent_button(reply("button_register", lang), "register")],
            )
            return []
        with session_scope() as session:
            if needs_event_choice(session, tracker):
                ask_which_event(dispatcher, session, lang, "check_status")
                return []
            event = event_for(session, tracker)
            slug = event.slug
            remembered = remember_event(tracker, event)
        message = await asyncio.to_thread(
            registration_status_reply, account_id=int(account_id), event_slug=slug, language=lang
        )
        send(dispatcher, message)
        return remembered
