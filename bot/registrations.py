"""Registrations: seat holds, free confirmations, payment confirmations and codes."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.events import is_registration_open, seats_left
from bot.models import Account, Event, Registration, RegistrationStatus, TicketType
from bot.money import Money

logger = logging.getLogger(__name__)

# No 0/O or 1/I, so a code read aloud or copied by hand stays unambiguous.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class RegistrationError(Exception):
    """Base class of the reasons a registration cannot be created."""


class RegistrationClosed(RegistrationError):
    """Raised when the event's registration deadline has passed."""


class SoldOut(RegistrationError):
    """Raised when the chosen ticket type has no seat left."""

    def __init__(self, ticket: TicketType):
        super().__init__(f"ticket type {ticket.code!r} is sold out")
        self.ticket = ticket


class AlreadyRegistered(RegistrationError):
    """Raised when the account already has an active registration for the event."""

    def __init__(self, registration: Registration):
        super().__init__(f"account already has registration {registration.id}")
        self.registration = registration


@dataclass(frozen=True)
class RegistrationDraft:
    """What the attendee answered in the registration form."""

    ticket_code: str
    full_name: str
    phone: str | None
    organisation: str | None
    dietary: str | None
    language: str
    conversation_id: str | None


def new_registration_code(prefix: str) -> str:
    suffix = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{prefix}-{suffix}"


def active_registration(session: Session, account_id: int, event_id: int) -> Registration | None:
    return session.scalar(
        select(Registration)
        .where(
            Registration.account_id == account_id,
            Registration.event_id == event_id,
            Registration.status.in_(RegistrationStatus.ACTIVE),
        )
        .order_by(Registration.id.desc())
        .limit(1)
    )


def create_registration(
    session: Session, *, event: Event, account: Account, draft: RegistrationDraft, hold_minutes: int
) -> Registration:
    """Store the registration: confirmed at once for a free ticket, otherwise pending
    payment with one seat held for ``hold_minutes``."""
    if not is_registration_open(event):
        raise RegistrationClosed(f"registration for {event.slug} closed")
    existing = active_registration(session, account.id, event.id)
    if existing is not None:
        raise AlreadyRegistered(existing)

    ticket = next((t for t in event.ticket_types if t.code == draft.ticket_code), None)
    if ticket is None:
        raise ValueError(f"unknown ticket type {draft.ticket_code!r} for event {event.slug}")
    if seats_left(session, ticket) <= 0:
        raise SoldOut(ticket)

    now = utcnow()
    registration = Registration(
        event_id=event.id,
        ticket_type_id=ticket.id,
        account_id=account.id,
        price=ticket.price,
        currency=event.currency,
        full_name=draft.full_name,
        phone=draft.phone,
        organisation=draft.organisation,
        dietary=draft.dietary,
        language=draft.language,
        conversation_id=draft.conversation_id,
    )
    if ticket.money.is_zero():
        registration.status = RegistrationStatus.CONFIRMED
        registration.code = _unique_code(session, event.code_prefix)
    else:
        registration.status = RegistrationStatus.PENDING_PAYMENT
        registration.hold_expires_at = now + timedelta(minutes=hold_minutes)
    session.add(registration)
    session.flush()
    logger.info(
        "registration created id=%s event=%s ticket=%s status=%s",
        registration.id, event.slug, ticket.code, registration.status,
    )
    return registration


def _unique_code(session: Session, prefix: str) -> str:
    while True:
        code = new_registration_code(prefix)
        if session.scalar(select(Registration.id).where(Registration.code == code)) is None:
            return code


def mark_paid(session: Session, registration: Registration, captured: Money) -> bool:
    """Mark the registration paid and give it a code; return False when it already was."""
    if registration.status == RegistrationStatus.PAID:
        return False
    registration.status = RegistrationStatus.PAID
    registration.paid_at = utcnow()
    registration.hold_expires_at = None
    registration.code = registration.code or _unique_code(session, registration.event.code_prefix)
    session.flush()
    logger.info("registration paid id=%s amount=%s", registration.id, captured)
    return True
