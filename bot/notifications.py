"""Telling attendees what happened to their registration: email and chat."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Email:
    """One message to send once the transaction that composed it has ended."""

    to: str
    subject: str
    body: str
    # Named in the log line when delivery fails; never the address or content.
    purpose: str


@dataclass
class Outgoing:
    """Everything one notice sends: the attendee's chat message and the emails."""

    conversation: str | None
    text: str
    buttons: list[dict]
    emails: list[Email] = field(default_factory=list)


def confirmation_email(registration: Registration) -> Email:
    """Compose the email that gives the attendee their registration code."""
    language = registration.language
    params = registration_params(registration)
    return Email(
        to=registration.account.email,
        subject=reply("confirmation_email_subject", language, **params),
        body=reply("confirmation_email_body", language, **params),
        purpose=f"confirmation for registration {registration.id}",
    )


def deliver_email(email: Email) -> bool:
    """Send one composed email; return False (and log) when delivery fails."""
    try:
        send_email(email.to, email.subject, email.body)
    except MailError as error:
        logger.error("sending email (%s) failed: %s", email.purpose, error)
        return False
    return True


def deliver(notices: Iterable[Notice], *, push: bool = True) -> None:
    """Send each notice to the attendee's conversation (with ``push``) and by email.

    Call after the transaction that produced the notices committed, so the
    attendee never hears of a change that was rolled back. ``push=False`` is for
    changes made during a chat turn, whose reply already tells the attendee.
    """
    for notice in notices:
        with session_scope() as session:
            registration = session.get(Registration, notice.registration_id)
            if registration is None:
                continue
            outgoing = _compose(session, registration, notice)
        # Sent after the session ends, because every SQLite session holds the write
        # lock (BEGIN IMMEDIATE) and the push waits for the engine, whose actions
        # wait for that lock. The push goes first, so once the email is written the
        # notice is in the conversation too, unless the push failed (logged).
        # NOTE: an engine slow to take the push delays the emails by up to 30 s.
        if push and outgoing.conversation:
            push_message(outgoing.conversation, outgoing.text, outgoing.buttons)
        for email in outgoing.emails:
            deliver_email(email)
        logger.info("notice %s delivered for registration %s", notice.kind, notice.registration_id)


def _compose(session, registration: Registration, notice: Notice) -> Outgoing:
    language = registration.language
    params = registration_params(registration) | notice.params
    buttons: list[dict] = []

    if notice.kind == NoticeKind.DECLINED:
        text, buttons = _declined_message(session, registration, params)
    else:
        text = reply(NOTICE_TEXTS[notice.kind], language, **params)

    outgoing = Outgoing(conversation=registration.conversation_id, text=text, buttons=buttons)
    if notice.kind == NoticeKind.PAID:
        outgoing.emails.append(confirmation_email(registration))
    else:
        outgoing.emails.append(Email(
            to=registration.account.email,
            subject=reply("notice_email_subject", language, **params),
            body=reply("notice_email_body", language, message=text, **params),
            purpose=f"notice {notice.kind} for registration {registration.id}",
        ))
    if notice.kind in ORGANISER_NOTICES:
        outgoing.emails.append(_organiser_email(registration, notice))
    return outgoing


def _organiser_email(registration: Registration, notice: Notice) -> Email:
    """Compose the email to the event's contact address; organisers read Spanish first."""
    event = registration.event
    params = registration_params(registration) | notice.params
    body = reply(
        "organiser_notice_body", "es",
        kind=reply(f"organiser_{notice.kind}", "es"), registration_id=registration.id,
        email=registration.account.email, **params,
    )
    subject = reply("organiser_notice_subject", "es", registration_id=registration.id, **params)
    return Email(
        to=event.contact_email, subject=subject, body=body,
        purpose=f"organiser notice for registration {registration.id}",
    )


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
