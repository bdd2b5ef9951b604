"""Submitting a registration by chat and reporting its status, as chat replies."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.db import session_scope
from bot.events import get_event
from bot.models import Account, Registration, RegistrationStatus
from bot.notifications import confirmation_email, deliver_email
from bot.payments import create_paypal_client, start_checkout
from bot.paypal.errors import PayPalError
from bot.registrations import (
    AlreadyRegistered,
    RegistrationClosed,
    RegistrationDraft,
    SoldOut,
    active_registration,
    create_registration,
)
from bot.replies import intent_button, link_button, reply
from bot.settings import get_settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckoutReply:
    text: str
    buttons: list[dict] = field(default_factory=list)


def submit_registration(
    *, account_id: int, event_slug: str | None, draft: RegistrationDraft | None, language: str
) -> CheckoutReply:
    """Create the registration from the form's answers and return what to tell the attendee.

    With ``draft`` None (the form found an existing registration) the status of
    that registration is returned.
    """
    settings = get_settings()
    with session_scope() as session:
        event = get_event(session, event_slug or settings.default_event_slug)
        account = session.get(Account, account_id)
        event_name = event.text("name", language)
        if draft is None:
            existing = active_registration(session, account.id, event.id)
            if existing is None:
                return CheckoutReply(reply("status_none", language, event=event_name))
            intro = reply("already_registered", language, event=event_name)
            return _status_reply(session, existing, language, intro=intro)

        try:
            registration = create_registration(
                session, event=event, account=account, draft=draft, hold_minutes=settings.seat_hold_minutes
            )
        except AlreadyRegistered as error:
            intro = reply("already_registered", language, event=event_name)
            return _status_reply(session, error.registration, language, intro=intro)
        except SoldOut as error:
            return CheckoutReply(
                reply("ticket_type_sold_out", language, ticket=error.ticket.display_name(language), choices="-")
            )
        except RegistrationClosed:
            return CheckoutReply(reply("utter_registration_closed", language, event=event_name))

        if registration.status != RegistrationStatus.CONFIRMED:
            # The pending registration and its held seat are kept even if PayPal fails.
            session.commit()
            return _payment_reply(session, registration, language, "pay_with_paypal")
        email = confirmation_email(registration)
        text = reply(
            "free_confirmed", language, name=registration.full_name, event=event_name, code=registration.code
        )
    # Sent after the session ends, so a slow mail server holds no database lock.
    deliver_email(email)
    return CheckoutReply(text)


def registration_status_reply(*, account_id: int, event_slug: str | None, language: str) -> CheckoutReply:
    with session_scope() as session:
        event = get_event(session, event_slug or get_settings().default_event_slug)
        registration = active_registration(session, account_id, event.id)
        if registration is None:
            return CheckoutReply(
                reply("status_none", language, event=event.text("name", language)),
                [intent_button(reply("button_register", language), "register")],
            )
        return _status_reply(session, registration, language)


def _status_reply(session, registration: Registration, language: str, intro: str = "") -> CheckoutReply:
    event_name = registration.event.text("name", language)
    ticket = registration.ticket_type.display_name(language)
    if registration.status == RegistrationStatus.PENDING_PAYMENT:
        message = _payment_reply(session, registration, language, "status_pending")
        return CheckoutReply(_join(intro, message.text), message.buttons)
    key = "status_paid" if registration.status == RegistrationStatus.PAID else "status_confirmed"
    text = reply(key, language, event=event_name, ticket=ticket, code=registration.code)
    return CheckoutReply(_join(intro, text))


def _payment_reply(session, registration: Registration, language: str, key: str) -> CheckoutReply:
    settings = get_settings()
    client = create_paypal_client(settings)
    try:
        order = start_checkout(session, registration, client, settings)
    except PayPalError as error:
        logger.warning("checkout failed registration=%s error=%s", registration.id, error)
        return CheckoutReply(reply("payment_unavailable", language))
    finally:
        client.close()
    text = reply(
        key,
        language,
        minutes=settings.seat_hold_minutes,
        price=registration.money.display(),
        ticket=registration.ticket_type.display_name(language),
        url=order.approve_url,
    )
    return CheckoutReply(text, [link_button(reply("button_pay", language), order.approve_url)])


def _join(intro: str, text: str) -> str:
    return f"{intro} {text}" if intro else text
