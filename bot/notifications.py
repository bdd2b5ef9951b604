"""Telling attendees what happened to their registration: email and chat."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.db import session_scope
from bot.engine import push_message
from bot.event_info import format_date, format_dates
from bot.mail import MailError, send_email
from bot.models import Registration
from bot.notices import Notice, NoticeKind
from bot.payments import create_paypal_client, start_checkout
from bot.paypal.errors import PayPalError
from bot.replies import link_button, reply

logger = logging.getLogger(__name__)

# The catalogue entry that tells the attendee about each kind of notice.
NOTICE_TEXTS = {
    NoticeKind.PAID: "payment_received",
    NoticeKind.PENDING: "capture_pending",
    NoticeKind.REVIEW: "payment_review",
    NoticeKind.REFUNDED_NO_SEAT: "refunded_no_seat",
    NoticeKind.REFUNDED_AFTER_CANCEL: "refunded_after_cancel",
    NoticeKind.REFUNDED: "refunded",
    NoticeKind.REVERSED: "reversed",
    NoticeKind.HOLD_EXPIRED: "hold_expired",
}


# Notices the event's organisers also get by email: money went back, or needs a look.
ORGANISER_NOTICES = {
    NoticeKind.REVIEW, NoticeKind.REFUNDED_NO_SEAT, NoticeKind.REFUNDED_AFTER_CANCEL,
    NoticeKind.REFUNDED, NoticeKind.REVERSED,
}


def registration_params(registration: Registration) -> dict:
    language = registration.language
    event = registration.event
    return dict(
        name=registration.full_name,
        event=event.text("name", language),
        code=registration.code,
        ticket=registration.ticket_type.display_name(language),
        price=registration.money.display(),
        dates=format_dates(event, language),
        venue=event.venue,
        address=event.address,
        contact=event.contact_email,
        refund_policy=event.text("refund_policy", language),
        refund_until=format_date(event.refund_until, language) if event.refund_until else "",
    )


def send_confirmation_email(registration: Registration) -> bool:
    """Email the registration code; return False (and log) when delivery fails."""
    language = registration.language
    params = registration_params(registration)
    return _send(
        registration,
        reply("confirmation_email_subject", language, **params),
        reply("confirmation_email_body", language, **params),
    )


def _send(registration: Registration, subject: str, body: str) -> bool:
    try:
        send_email(registration.account.email, subject, body)
    except MailError as error:
        logger.error("email to registration %s failed: %s", registration.id, error)
        return False
    return True


def deliver(notices: Iterable[Notice], *, push: bool = True) -> None:
    """Email each notice and, with ``push``, send it to the attendee's conversation.

    Call after the transaction that produced the notices committed, so the
    attendee never hears of a change that was rolled back. ``push=False`` is for
    changes made during a chat turn, whose reply already tells the attendee.
    """
    for notice in notices:
        with session_scope() as session:
            registration = session.get(Registration, notice.registration_id)
            if registration is not None:
                _deliver_one(session, registration, notice, push)


def _deliver_one(session, registration: Registration, notice: Notice, push: bool) -> None:
    language = registration.language
    params = registration_params(registration) | notice.params
    buttons: list[dict] = []

    if notice.kind == NoticeKind.DECLINED:
        text, buttons = _declined_message(session, registration, params)
    else:
        text = reply(NOTICE_TEXTS[notice.kind], language, **params)

    if notice.kind == NoticeKind.PAID:
        send_confirmation_email(registration)
    else:
        subject = reply("notice_email_subject", language, **params)
        _send(registration, subject, reply("notice_email_body", language, message=text, **params))
    # NOTE: this push waits for the engine inside deliver()'s transaction, which
    # keeps SQLite's write lock, so an attendee turn needing that lock stalls both for 30 s.
    if push and registration.conversation_id:
        push_message(registration.conversation_id, text, buttons)
    if notice.kind in ORGANISER_NOTICES:
        _tell_organisers(registration, notice)
    logger.info("notice %s delivered for registration %s", notice.kind, registration.id)


def _tell_organisers(registration: Registration, notice: Notice) -> None:
    """Email the event's contact address; organisers read Spanish first."""
    event = registration.event
    params = registration_params(registration) | notice.params
    body = reply(
        "organiser_notice_body", "es",
        kind=reply(f"organiser_{notice.kind}", "es"), registration_id=registration.id,
        email=registration.account.email, **params,
    )
    subject = reply("organiser_notice_subject", "es", registration_id=registration.id, **params)
    try:
        send_email(event.contact_email, subject, body)
    except MailError as error:
        logger.error("organiser email for registration %s failed: %s", registration.id, error)


def _declined_message(session, registration: Registration, params: dict) -> tuple[str, list[dict]]:
    """Offer a new PayPal link; without one, say how to ask for it."""
    language = registration.language
    client = create_paypal_client()
    try:
        order = start_checkout(session, registration, client)
    except PayPalError as error:
        logger.warning("no new order after a decline, registration %s: %s", registration.id, error)
        return reply("payment_declined_no_link", language, **params), []
    finally:
        client.close()
    text = reply("payment_declined", language, url=order.approve_url, **params)
    return text, [link_button(reply("button_pay", language), order.approve_url)]
