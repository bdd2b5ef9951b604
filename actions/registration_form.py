"""The registration form: account (name, email, code) then ticket and questions.

One Rasa form, ``registration_form``, whose required slots depend on the
conversation: an attendee whose email is not yet verified in this conversation
is asked for name, email and code first. Every slot has a custom mapping, filled
by the ``extract_<slot>`` methods below from the latest message, so several
values in one message fill several slots.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import (
    event_for,
    is_new_user_turn,
    language,
    latest_entity,
    latest_intent,
    latest_text,
    pressed,
)
from actions.form_digressions import STOP_YES, FormDigressions, kept_value_message, stop_events
from actions.form_turns import FIELD_WORDS, TurnKind, new_value_in, read_turn, wants_to_stop
from bot.accounts import CodeCheck
from bot.db import session_scope
from bot.events import detect_event, find_ticket_type, get_event, open_events, seats_left
from bot.mail import MailError
from bot.registrations import active_registration
from bot.replies import reply
from bot.validation import (
    MAX_FREE_TEXT_LENGTH,
    InvalidValue,
    clean_free_text,
    clean_name,
    find_code,
    find_email,
    find_introduced_name,
    is_skip_answer,
    normalise_email,
    normalise_phone,
)
from bot.verification import CODE_MINUTES, send_verification_code, verify_code

ACCOUNT_SLOTS = ["account_name", "account_email", "verification_code"]
REGISTRATION_SLOTS = ["ticket_type", "full_name", "phone", "organisation", "dietary", "confirmation"]
OPTIONAL_SLOTS = {"phone", "organisation", "dietary"}
# Value of an optional slot the attendee chose to leave empty ("no", "skip").
SKIPPED = ""
VERIFIED = "verified"
CONFIRMED = "confirmed"

RESEND_WORDS = re.compile(r"(reenv|otro c[oó]digo|nuevo c[oó]digo|new code|resend|another code)", re.I)
TICKET_WORDS = re.compile(r"\b(entrada|boleto|ticket|pase|pass)", re.I)
CONFIRM_WORDS = re.compile(r"^\s*(s[ií]|confirm[oa]?r?|correcto|ok|yes|confirm|todo bien|de acuerdo)\b", re.I)


class ValidateRegistrationForm(FormDigressions, FormValidationAction):
    def name(self) -> str:
        return "validate_registration_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        requested = tracker.get_slot("requested_slot")
        if not (requested and is_new_user_turn(tracker)):
            return await super().run(dispatcher, tracker, domain)
        if requested == "verification_code" and self._asks_new_code(tracker):
            # A request for a new code is an answer to the code question.
            return await super().run(dispatcher, tracker, domain)
        turn = read_turn(tracker)
        if turn.kind is TurnKind.HANDOFF:
            # Rejected on purpose: the hand-off rule takes over, and the values stay.
            return []
        turn_events = await self.handle_turn(turn, dispatcher, tracker, domain)
        if turn_events is not None:
            tracker.add_slots(turn_events)
            next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
            return turn_events + ([next_slot] if next_slot else [])
        events = await super().run(dispatcher, tracker, domain)
        return events + self.count_failures(requested, events, dispatcher, tracker)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("stop_requested") and tracker.get_slot("stop_confirmed") == STOP_YES:
            # Filled, so the form ends and the submit action drops the answers. The slot
            # stays listed because the SDK validates only listed slots.
            return ["stop_confirmed"]
        first = ["stop_confirmed"] if tracker.get_slot("stop_requested") else []
        account_id = tracker.get_slot("account_id")
        with session_scope() as session:
            if len(open_events(session)) > 1:
                # Listed even once filled: the SDK validates only required slots.
                first.append("event_slug")
            if account_id is None:
                # The registration slots stay listed so that a ticket type named in the
                # first message is kept. None is asked before the code is verified,
                # because verification_code comes first and stays empty until then.
                return first + ACCOUNT_SLOTS + REGISTRATION_SLOTS
            event = event_for(session, tracker)
            if not first and event is not None and active_registration(session, int(account_id), event.id):
                # Nothing to ask: the submit action reports the existing registration.
                return []
        return first + REGISTRATION_SLOTS

    @staticmethod
    def _given_now(tracker: Tracker, value: str) -> bool:
        """True when ``value`` is in the latest message, not carried over from before.

        Rasa checks every value again when the form starts after a hand-off,
        and a code must not go out again then.
        """
        return value.casefold() in latest_text(tracker).casefold()

    def _asks_new_code(self, tracker: Tracker) -> bool:
        return latest_intent(tracker) == "request_new_code" or bool(RESEND_WORDS.search(latest_text(tracker)))

    # Extraction: what the latest message says, for each slot.

    def _requested(self, tracker: Tracker, slot: str) -> bool:
        return tracker.get_slot("requested_slot") == slot

    def _fresh(self, tracker: Tracker) -> bool:
        """True when the latest message is an answer for the form to read.

        Questions, stop requests and corrections are read before extraction (see
        ``run``), so they never reach these methods as answers.
        """
        return is_new_user_turn(tracker) and not wants_to_stop(tracker)

    async def extract_stop_confirmed(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if not self._requested(tracker, "stop_confirmed") or not is_new_user_turn(tracker):
            return {}
        return {"stop_confirmed": latest_text(tracker)}

    async def validate_stop_confirmed(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if latest_intent(tracker) == "affirm" or wants_to_stop(tracker) or CONFIRM_WORDS.search(value):
            return {"stop_confirmed": STOP_YES}
        dispatcher.utter_message(text=reply("stop_declined", language(tracker)))
        return {event["name"]: None for event in stop_events()}

    async def extract_event_slug(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if not is_new_user_turn(tracker) or tracker.get_slot("event_slug"):
            return {}
        slug = latest_entity(tracker, "event")
        if slug:
            return {"event_slug": slug}
        with session_scope() as session:
            candidates = open_events(session)
            found = detect_event(latest_text(tracker), candidates) if len(candidates) > 1 else None
            if found is not None:
                return {"event_slug": found.slug}
        return {"event_slug": latest_text(tracker)} if self._requested(tracker, "event_slug") else {}

    async def validate_event_slug(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        with session_scope() as session:
            event = get_event(session, value)
            if event is not None and event in open_events(session):
                return {"event_slug": event.slug}
        return {"event_slug": None}

    async def extract_account_name(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if not self._fresh(tracker) or tracker.get_slot("account_name"):
            return {}
        text = latest_text(tracker)
        entity = latest_entity(tracker, "person")
        if self._requested(tracker, "account_name"):
            # The whole answer is the name, emoji included; the NLU's person entity
            # only helps when an email shares the message.
            candidate = find_introduced_name(text) or (entity if find_email(text) else None)
            return {"account_name": candidate or text}
        introduced = find_introduced_name(text) or entity
        return {"account_name": introduced} if introduced else {}

    async def extract_account_email(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if not self._fresh(tracker):
            return {}
        text = latest_text(tracker)
        email = find_email(text)
        if self._requested(tracker, "account_email"):
            return {"account_email": email or text}
        # A new address while the code is awaited means the first one was mistyped.
        return {"account_email": email} if email else {}

    async def extract_verification_code(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if not self._fresh(tracker) or not self._requested(tracker, "verification_code"):
            return {}
        if find_email(latest_text(tracker)):
            return {}
        return {"verification_code": latest_text(tracker)}

    async def extract_ticket_type(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if not self._fresh(tracker):
            return {}
        text = latest_text(tracker)
        entity = latest_entity(tracker, "ticket_type")
        if self._requested(tracker, "ticket_type"):
            return {"ticket_type": entity or text}
        if tracker.get_slot("ticket_type"):
            return {}
        # Only a request for a ticket names one: "Lucía Prensa" answering the name
        # question is a name, even where the NLU tags "Prensa" as a ticket type,
        # so while another question waits the message must say "entrada" or "ticket".
        if latest_intent(tracker) != "register":
            return {}
        waiting_for_answer = tracker.get_slot("requested_slot") is not None
        if (entity and not waiting_for_answer) or TICKET_WORDS.search(text):
            with session_scope() as session:
                event = event_for(session, tracker)
                ticket = find_ticket_type(event, entity or text) if event else None
                return {"ticket_type": ticket.code} if ticket else {}
        return {}

    async def _extract_requested_text(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        if self._fresh(tracker) and self._requested(tracker, slot):
            return {slot: latest_text(tracker)}
        return {}

    async def extract_full_name(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        return await self._extract_requested_text("full_name", tracker)

    async def extract_phone(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        return await self._extract_requested_text("phone", tracker)

    async def extract_organisation(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        return await self._extract_requested_text("organisation", tracker)

    async def extract_dietary(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        return await self._extract_requested_text("dietary", tracker)

    async def extract_confirmation(self, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        return await self._extract_requested_text("confirmation", tracker)

    # Validation: one method per slot; a rejected value is set to None and re-asked.

    async def validate_account_name(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        lang = language(tracker)
        try:
            name = clean_name(find_introduced_name(value) or value)
        except InvalidValue:
            dispatcher.utter_message(text=reply("invalid_name", lang))
            return {"account_name": None}
        email = tracker.get_slot("account_email")
        if email and tracker.get_slot("verification_code") is None and self._given_now(tracker, name):
            # The email came first, in the same message; the code goes out now.
            return {"account_name": name, **self._send_code(dispatcher, tracker, name, email)}
        return {"account_name": name}

    async def validate_account_email(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        lang = language(tracker)
        candidate = find_email(value) or value
        try:
            email = normalise_email(candidate)
        except InvalidValue:
            dispatcher.utter_message(text=reply("invalid_email", lang, value=candidate[:80]))
            return {"account_email": None}
        name = tracker.get_slot("account_name")
        if not name or not self._given_now(tracker, candidate):
            # Given before the form was left: the code sent then is still asked
            # for, and a new one is a button away.
            return {"account_email": email}
        return self._send_code(dispatcher, tracker, name, email)

    def _send_code(self, dispatcher, tracker: Tracker, name: str, email: str, resend: bool = False) -> dict[str, Any]:
        lang = language(tracker)
        with session_scope() as session:
            event = event_for(session, tracker)
            event_name = event.text("name", lang) if event else ""
        try:
            delivery = send_verification_code(email=email, name=name, language=lang, event_name=event_name)
        except MailError:
            dispatcher.utter_message(text=reply("email_failed", lang))
            return {"account_email": None, "verification_code": None}
        if resend:
            key = "code_resent"
        elif delivery.existing_account:
            key = "code_sent_existing_account"
        else:
            key = "code_sent"
        dispatcher.utter_message(text=reply(key, lang, email=email, minutes=CODE_MINUTES))
        return {"account_email": email, "verification_code": None}

    async def validate_verification_code(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        lang = language(tracker)
        email = tracker.get_slot("account_email")
        name = tracker.get_slot("account_name")
        if latest_intent(tracker) == "request_new_code" or RESEND_WORDS.search(value):
            return self._send_code(dispatcher, tracker, name, email, resend=True)

        code = find_code(value)
        if code is None:
            dispatcher.utter_message(text=reply("code_not_understood", lang))
            return {"verification_code": None}

        verification = verify_code(email=email, code=code)
        outcome = verification.result.outcome
        if outcome is CodeCheck.VERIFIED:
            dispatcher.utter_message(text=reply("account_verified", lang))
            return {
                "verification_code": VERIFIED,
                "account_id": str(verification.account_id),
                "full_name": tracker.get_slot("full_name") or name,
            }
        if outcome is CodeCheck.WRONG:
            dispatcher.utter_message(text=reply("code_wrong", lang, attempts=verification.result.attempts_left))
        elif outcome is CodeCheck.EXPIRED:
            dispatcher.utter_message(text=reply("code_expired", lang))
        elif outcome is CodeCheck.LOCKED:
            dispatcher.utter_message(text=reply("code_locked", lang))
        else:
            return self._send_code(dispatcher, tracker, name, email)
        return {"verification_code": None}

    async def validate_ticket_type(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        lang = language(tracker)
        with session_scope() as session:
            event = event_for(session, tracker)
            ticket = next((t for t in event.ticket_types if t.code == value), None) or find_ticket_type(event, value)
            available = [t for t in event.ticket_types if seats_left(session, t) > 0]
            choices = ", ".join(t.display_name(lang) for t in available)
            if not available:
                dispatcher.utter_message(text=reply("all_sold_out", lang, event=event.text("name", lang)))
                return {"ticket_type": None}
            if ticket is None:
                dispatcher.utter_message(text=reply("invalid_ticket_type", lang, choices=choices))
                return {"ticket_type": None}
            if ticket not in available:
                message = reply("ticket_type_sold_out", lang, ticket=ticket.display_name(lang), choices=choices)
                dispatcher.utter_message(text=message)
                return {"ticket_type": None}
            return {"ticket_type": ticket.code}

    async def validate_full_name(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        try:
            return {"full_name": clean_name(find_introduced_name(value) or value)}
        except InvalidValue:
            dispatcher.utter_message(text=reply("invalid_name", language(tracker)))
            return {"full_name": None}

    async def validate_phone(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        if value == SKIPPED or pressed(tracker, "deny") or is_skip_answer(value):
            return {"phone": SKIPPED}
        with session_scope() as session:
            region = event_for(session, tracker).country
        try:
            return {"phone": normalise_phone(value, region)}
        except InvalidValue:
            dispatcher.utter_message(text=reply("invalid_phone", language(tracker), value=value[:40]))
            return {"phone": None}

    def _validate_optional_text(self, slot: str, value: str, dispatcher, tracker: Tracker) -> dict[str, Any]:
        if value == SKIPPED or pressed(tracker, "deny") or is_skip_answer(value):
            return {slot: SKIPPED}
        try:
            return {slot: clean_free_text(value)}
        except InvalidValue:
            dispatcher.utter_message(text=reply("invalid_free_text", language(tracker), limit=MAX_FREE_TEXT_LENGTH))
            return {slot: None}

    async def validate_organisation(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        return self._validate_optional_text("organisation", value, dispatcher, tracker)

    async def validate_dietary(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        return self._validate_optional_text("dietary", value, dispatcher, tracker)

    async def validate_confirmation(self, value, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        lang = language(tracker)
        intent = latest_intent(tracker)
        if intent == "affirm" or CONFIRM_WORDS.search(value):
            return {"confirmation": CONFIRMED}

        field = latest_entity(tracker, "field")
        if field is None:
            field = next((name for name, pattern in FIELD_WORDS.items() if pattern.search(value)), None)
        if field == "email":
            # A new email needs a new verification, so the account part is asked again.
            return {"confirmation": None, "account_id": None, "account_email": None, "verification_code": None}
        if field in REGISTRATION_SLOTS:
            return await self._change(field, value, dispatcher, tracker, domain)

        dispatcher.utter_message(text=reply("confirmation_not_understood", lang))
        return {"confirmation": None}

    async def _change(self, field: str, text: str, dispatcher, tracker: Tracker, domain) -> dict[str, Any]:
        """Take the new value when the message gives one; otherwise ask the field again."""
        new_value = new_value_in(text, field)
        if field == "ticket_type":
            new_value = latest_entity(tracker, "ticket_type") or new_value
        if new_value:
            validate = getattr(self, f"validate_{field}")
            changed = await validate(new_value, dispatcher, tracker, domain)
            if changed.get(field) is not None:
                return {"confirmation": None, **changed}
            # An invalid correction keeps the earlier value, and the summary shows it again.
            dispatcher.utter_message(text=kept_value_message(field, tracker.get_slot(field), language(tracker)))
            return {"confirmation": None}
        return {"confirmation": None, field: None}
