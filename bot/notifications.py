"""What the attendee is told when a registration is confirmed: email and chat."""

from __future__ import annotations

import logging

from bot.engine import push_message
from bot.event_info import format_dates
from bot.mail import MailError, send_email
from bot.models import Registration
from bot.replies import reply

logger = logging.getLogger(__name__)


def send_confirmation_email(registration: Registration) -> bool:
    """Email the registration code; return False (and log) when delivery fails."""
    language = registration.language
    event = registration.event
    params = dict(
        name=registration.full_name,
        event=event.text("name", language),
        code=registration.code,
        ticket=registration.ticket_type.display_name(language),
        price=registration.money.display(),
        dates=format_dates(event, language),
        venue=event.venue,
        address=event.address,
        contact=event.contact_email,
    )
    try:
        send_email(
            registration.account.email,
            reply("confirmation_email_subject", language, **params),
            reply("confirmation_email_body", language, **params),
        )
    except MailError as error:
        logger.error("confirmation email failed registration=%s error=%s", registration.id, error)
        return False
    return True


def announce_payment(registration: Registration) -> None:
    """Email the confirmation and tell the attendee in their conversation."""
    send_confirmation_email(registration)
    if registration.conversation_id:
        language = registration.language
        text = reply(
            "payment_received",
            language,
            price=registration.money.display(),
            event=registration.event.text("name", language),
            code=registration.code,
        )
        push_message(registration.conversation_id, text)
