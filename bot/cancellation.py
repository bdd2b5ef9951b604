"""Cancelling a registration by chat, as chat replies."""

from __future__ import annotations

import logging

from bot.checkout import CheckoutReply
from bot.db import session_scope
from bot.events import get_event
from bot.models import Registration, RegistrationStatus
from bot.notices import Notice, NoticeKind
from bot.notifications import deliver, registration_params
from bot.payments import create_paypal_client
from bot.paypal.errors import PayPalError
from bot.refunds import Cancellation, cancel_registration, within_refund_window
from bot.registrations import active_registration
from bot.replies import intent_button, reply
from bot.settings import get_settings

logger = logging.getLogger(__name__)

CANCELLABLE = (RegistrationStatus.PENDING_PAYMENT, RegistrationStatus.CONFIRMED, RegistrationStatus.PAID)


def _registration(session, account_id: int | None, event_slug: str | None) -> Registration | None:
    if account_id is None:
        return None
    event = get_event(session, event_slug or get_settings().default_event_slug)
    registration = active_registration(session, account_id, event.id) if event else None
    return registration if registration is not None and registration.status in CANCELLABLE else None


def needs_confirmation(account_id: int | None, event_slug: str | None) -> bool:
    """True when there is something to cancel that the attendee must confirm first."""
    with session_scope() as session:
        registration = _registration(session, account_id, event_slug)
        if registration is None:
            return False
        return registration.status != RegistrationStatus.PAID or within_refund_window(registration.event)


def confirmation_question(account_id: int, event_slug: str | None, language: str) -> CheckoutReply:
    with session_scope() as session:
        registration = _registration(session, account_id, event_slug)
        params = registration_params(registration)
        key = "ask_cancel_paid" if registration.status == RegistrationStatus.PAID else "ask_cancel_unpaid"
    buttons = [
        intent_button(reply("button_yes_cancel", language), "affirm"),
        intent_button(reply("button_keep", language), "deny"),
    ]
    return CheckoutReply(reply(key, language, **params), buttons)


def cancel_by_chat(account_id: int | None, event_slug: str | None, language: str, confirmed: bool) -> CheckoutReply:
    """Cancel the attendee's registration (after ``confirmed``) and say what happened."""
    notices: list[Notice] = []
    with session_scope() as session:
        registration = _registration(session, account_id, event_slug)
        if registration is None:
            return CheckoutReply(reply("nothing_to_cancel", language))
        params = registration_params(registration)
        if registration.status == RegistrationStatus.PAID and not within_refund_window(registration.event):
            return CheckoutReply(reply("outside_refund_window", language, **params))
        if not confirmed:
            return CheckoutReply(reply("cancel_kept", language))

        client = create_paypal_client()
        try:
            outcome = cancel_registration(session, registration, client)
        except PayPalError as error:
            logger.warning("refund for registration %s failed: %s", registration.id, error)
            return CheckoutReply(reply("refund_failed", language))
        finally:
            client.close()
        if outcome is Cancellation.REFUNDED:
            notices.append(Notice(NoticeKind.REFUNDED, registration.id))
        text = reply("refunded" if outcome is Cancellation.REFUNDED else "cancelled_unpaid", language, **params)

    # The refund email goes out after the commit; the chat reply is this message.
    deliver(notices, push=False)
    return CheckoutReply(text)
