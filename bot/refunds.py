"""Refunds of captured payments and cancellations requested by attendees."""

from __future__ import annotations

import enum
import logging
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.models import Event, PayPalOrder, PayPalRefund, RefundReason, Registration, RegistrationStatus
from bot.money import Money
from bot.paypal.client import PayPalClient

logger = logging.getLogger(__name__)


class RefundNotAllowed(Exception):
    """Raised when a refund would exceed what was captured minus what was refunded."""


def refundable(row: PayPalOrder) -> Money:
    """Return what can still be refunded: the captured amount minus earlier refunds."""
    captured = row.captured_amount or Decimal("0")
    return Money(captured - (row.refunded_amount or Decimal("0")), row.captured_currency or row.currency)


def refund_capture(
    session: Session, row: PayPalOrder, client: PayPalClient, *, amount: Money | None, reason: str
) -> PayPalRefund:
    """Refund ``amount`` (default: all that is left) of the order's capture and record it.

    Raises ``RefundNotAllowed`` for an amount above ``refundable(row)`` or not
    positive, and ``PayPalError`` when PayPal refuses or cannot be reached.
    """
    remaining = refundable(row)
    amount = amount or remaining
    if row.capture_id is None or amount.currency != remaining.currency:
        raise RefundNotAllowed(f"order {row.paypal_order_id} has no capture in {amount.currency}")
    if amount.amount <= 0 or amount.amount > remaining.amount:
        raise RefundNotAllowed(
            f"refund of {amount} exceeds the {remaining} left on capture {row.capture_id}"
        )

    # Numbered per capture, so a retry after a lost response returns the same refund.
    request_id = f"refund-{row.capture_id}-{len(row.refunds) + 1}"
    refund = client.refund_capture(row.capture_id, amount=amount, request_id=request_id)
    record = PayPalRefund(
        order_id=row.id,
        paypal_refund_id=refund.id,
        request_id=request_id,
        amount=refund.amount.amount,
        currency=refund.amount.currency,
        status=refund.status,
        reason=reason,
    )
    session.add(record)
    row.refunded_amount = (row.refunded_amount or Decimal("0")) + refund.amount.amount
    session.flush()
    logger.info(
        "refund %s of %s on capture %s (registration %s, %s)",
        refund.id, refund.amount, row.capture_id, row.registration_id, reason,
    )
    return record


def within_refund_window(event: Event, now: datetime | None = None) -> bool:
    """True until the end of ``refund_until``, a date in the event's time zone."""
    if event.refund_until is None:
        return False
    moment = (now or utcnow()).replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(event.timezone))
    return moment.date() <= event.refund_until


class Cancellation(enum.Enum):
    CANCELLED = "cancelled"  # nothing had been paid
    REFUNDED = "refunded"
    OUTSIDE_REFUND_WINDOW = "outside_refund_window"
    NOTHING_TO_CANCEL = "nothing_to_cancel"


def cancel_registration(session: Session, registration: Registration, client: PayPalClient) -> Cancellation:
    """Cancel at the attendee's request, refunding a paid ticket inside the refund window.

    The seat is released by the status change. Raises ``PayPalError`` when the
    refund fails; the registration then stays paid.
    """
    status = registration.status
    if status in (RegistrationStatus.PENDING_PAYMENT, RegistrationStatus.CONFIRMED):
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = utcnow()
        registration.hold_expires_at = None
        logger.info("registration %s cancelled by the attendee (was %s)", registration.id, status)
        return Cancellation.CANCELLED
    if status != RegistrationStatus.PAID:
        return Cancellation.NOTHING_TO_CANCEL
    if not within_refund_window(registration.event):
        return Cancellation.OUTSIDE_REFUND_WINDOW

    paid_order = next(row for row in registration.orders if row.capture_id and refundable(row).amount > 0)
    refund_capture(session, paid_order, client, amount=None, reason=RefundReason.ATTENDEE_CANCELLED)
    registration.status = RegistrationStatus.REFUNDED
    registration.cancelled_at = utcnow()
    return Cancellation.REFUNDED
