"""Payments of registrations through PayPal orders: checkout, capture and settlement.

Three paths learn that a buyer approved or paid: the return page, a webhook
and the reconciliation job. All of them call ``settle_order``, which reads the
order back from PayPal and applies what it finds under a row lock, so exactly
one of them changes the registration, whichever comes first.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.events import seats_left
from bot.models import PayPalOrder, RefundReason, Registration, RegistrationStatus
from bot.notices import Notice, NoticeKind
from bot.paypal.client import Capture, Order, PayPalClient
from bot.paypal.errors import PayPalRequestError
from bot.refunds import refund_capture
from bot.registrations import mark_paid
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

# Order statuses in which the buyer can still approve at the stored link.
OPEN_ORDER_STATUSES = ("CREATED", "PAYER_ACTION_REQUIRED", "SAVED")
# Our own statuses for orders not offered again: PayPal declined the capture, or
# has no record of the order any more.
DECLINED_ORDER = "DECLINED"
EXPIRED_ORDER = "EXPIRED"
# NOTE: PayPal does not document one figure for how long a buyer can approve an
# order. Integrators report about three hours, so older links are replaced.
ORDER_APPROVAL_WINDOW = timedelta(hours=3)
# Capture statuses after which nothing more is expected for the order.
SETTLED_CAPTURE_STATUSES = ("COMPLETED", "REFUNDED", "PARTIALLY_REFUNDED", "REVERSED")


def create_paypal_client(settings: Settings | None = None) -> PayPalClient:
    settings = settings or get_settings()
    return PayPalClient(
        base_url=settings.paypal_base_url,
        client_id=settings.paypal_client_id,
        client_secret=settings.paypal_client_secret,
        timeout=settings.paypal_timeout_seconds,
    )


def start_checkout(
    session: Session, registration: Registration, client: PayPalClient, settings: Settings | None = None
) -> PayPalOrder:
    """Return an open PayPal order for the registration, creating one if needed.

    An order older than ``ORDER_APPROVAL_WINDOW`` or declined is replaced by a
    new one for the same price. Raises ``PayPalError`` when PayPal cannot be
    reached or rejects the order; the registration stays pending either way.
    """
    settings = settings or get_settings()
    now = utcnow()
    for existing in reversed(registration.orders):
        fresh = now - existing.created_at < ORDER_APPROVAL_WINDOW
        if existing.status in OPEN_ORDER_STATUSES and existing.approve_url and fresh and _still_open(existing, client):
            return existing

    # Derived from our ids, so a retried request never creates a second order.
    request_id = f"registration-{registration.id}-order-{len(registration.orders) + 1}"
    event = registration.event
    order = client.create_order(
        amount=registration.money,
        reference_id=str(registration.id),
        description=f"{event.text('name', registration.language)} - "
        f"{registration.ticket_type.display_name(registration.language)}",
        return_url=f"{settings.public_url}/paypal/return",
        cancel_url=f"{settings.public_url}/paypal/cancel",
        request_id=request_id,
        locale="en-US" if registration.language == "en" else "es-MX",
        brand_name=event.text("name", registration.language)[:127],
    )
    row = PayPalOrder(
        registration_id=registration.id,
        paypal_order_id=order.id,
        status=order.status,
        amount=registration.price,
        currency=registration.currency,
        approve_url=order.approve_url,
        request_id=request_id,
    )
    session.add(row)
    session.flush()
    logger.info("paypal order created registration=%s order=%s", registration.id, order.id)
    return row


def _still_open(row: PayPalOrder, client: PayPalClient) -> bool:
    """Ask PayPal whether the buyer can still approve the order; record the answer."""
    try:
        order = client.get_order(row.paypal_order_id)
    except PayPalRequestError as error:
        if error.status_code != 404:
            raise
        # PayPal forgets expired orders: show details answers 404 RESOURCE_NOT_FOUND.
        row.status = EXPIRED_ORDER
        return False
    row.status = order.status
    return order.status in OPEN_ORDER_STATUSES


def find_order(session: Session, paypal_order_id: str) -> PayPalOrder | None:
    """Return our order row, locked for update, so concurrent settlements run one at a time."""
    return session.scalar(
        select(PayPalOrder).where(PayPalOrder.paypal_order_id == paypal_order_id).with_for_update()
    )


def find_order_by_capture(session: Session, capture_id: str) -> PayPalOrder | None:
    return session.scalar(select(PayPalOrder).where(PayPalOrder.capture_id == capture_id).with_for_update())


def settle_order(session: Session, row: PayPalOrder, client: PayPalClient) -> list[Notice]:
    """Bring the order and its registration in line with what PayPal reports.

    Captures the order when the buyer approved it. Safe to call any number of
    times. Raises ``PayPalUnavailable`` when PayPal cannot be reached and
    ``PayPalRequestError`` for an order PayPal refuses to capture, other than a
    declined instrument, which is recorded and reported as a notice.
    """
    registration = row.registration
    if registration.status == RegistrationStatus.PAID and row.capture_status in SETTLED_CAPTURE_STATUSES:
        return []

    order = client.get_order(row.paypal_order_id)
    if order.status == "APPROVED":
        try:
            order = _capture(row, client)
        except PayPalRequestError as error:
            if error.issue != "INSTRUMENT_DECLINED":
                raise
            logger.info("capture declined order=%s registration=%s", row.paypal_order_id, registration.id)
            row.status = DECLINED_ORDER
            return [Notice(NoticeKind.DECLINED, registration.id)]

    row.status = order.status
    capture = order.captures[0] if order.captures else None
    if capture is None:
        return []
    return apply_capture(session, row, capture, client)


def _capture(row: PayPalOrder, client: PayPalClient) -> Order:
    """Capture the order; an order we captured already counts as captured."""
    try:
        return client.capture_order(row.paypal_order_id, request_id=f"capture-{row.paypal_order_id}")
    except PayPalRequestError as error:
        if error.issue != "ORDER_ALREADY_CAPTURED":
            raise
        return client.get_order(row.paypal_order_id)


def apply_capture(session: Session, row: PayPalOrder, capture: Capture, client: PayPalClient) -> list[Notice]:
    """Record the capture's state and change the registration when money arrived or left."""
    previous = row.capture_status
    row.capture_id = capture.id
    row.capture_status = capture.status
    row.capture_status_reason = capture.status_reason
    row.captured_amount = capture.amount.amount
    row.captured_currency = capture.amount.currency
    registration = row.registration

    if capture.status == "COMPLETED":
        return _money_arrived(session, row, capture, client)
    if capture.status == "PENDING":
        return [] if previous == "PENDING" else [Notice(NoticeKind.PENDING, registration.id)]
    if capture.status in ("DECLINED", "FAILED"):
        row.status = DECLINED_ORDER
        return [] if previous == capture.status else [Notice(NoticeKind.DECLINED, registration.id)]
    if capture.status in ("REFUNDED", "PARTIALLY_REFUNDED", "REVERSED"):
        return _money_returned(row, capture)
    logger.warning("capture %s has unexpected status %s", capture.id, capture.status)
    return []


def _money_arrived(session: Session, row: PayPalOrder, capture: Capture, client: PayPalClient) -> list[Notice]:
    registration = row.registration
    if registration.status not in RegistrationStatus.AWAITING_MONEY:
        return []

    expected = registration.money.quantized()
    if capture.amount.quantized() != expected:
        # Never paid on a mismatch: an organiser looks at it.
        registration.status = RegistrationStatus.REVIEW
        logger.error(
            "captured %s for registration %s, expected %s; marked for review (order %s)",
            capture.amount, registration.id, expected, row.paypal_order_id,
        )
        return [Notice(NoticeKind.REVIEW, registration.id)]

    if registration.status == RegistrationStatus.CANCELLED:
        refund_capture(session, row, client, amount=None, reason=RefundReason.REGISTRATION_CANCELLED)
        registration.status = RegistrationStatus.REFUNDED
        return [Notice(NoticeKind.REFUNDED_AFTER_CANCEL, registration.id)]

    hold_expired = registration.status == RegistrationStatus.EXPIRED or (
        registration.hold_expires_at is not None and registration.hold_expires_at <= utcnow()
    )
    if hold_expired and seats_left(session, registration.ticket_type) <= 0:
        refund_capture(session, row, client, amount=None, reason=RefundReason.NO_SEAT_LEFT)
        registration.status = RegistrationStatus.REFUNDED
        registration.cancelled_at = utcnow()
        logger.info("late payment refunded, no seat left: registration=%s", registration.id)
        return [Notice(NoticeKind.REFUNDED_NO_SEAT, registration.id)]

    # NOTE: an attendee whose hold expired may have registered again meanwhile. A late
    # payment for the old registration then confirms it too, and an organiser refunds one.
    mark_paid(session, registration, capture.amount)
    return [Notice(NoticeKind.PAID, registration.id)]


def _money_returned(row: PayPalOrder, capture: Capture) -> list[Notice]:
    """Handle a refund or reversal made outside this application (PayPal dashboard, dispute)."""
    registration = row.registration
    fully_returned = capture.status in ("REFUNDED", "REVERSED")
    if fully_returned and registration.status == RegistrationStatus.PAID:
        registration.status = RegistrationStatus.REFUNDED
        registration.cancelled_at = utcnow()
        logger.info("registration %s refunded outside the application (%s)", registration.id, capture.status)
        return [Notice(NoticeKind.REVERSED, registration.id)]
    return []


def orders_to_reconcile(session: Session) -> list[PayPalOrder]:
    """Orders whose money may still arrive: not captured, or captured but pending."""
    since = utcnow() - timedelta(days=30)
    return list(
        session.scalars(
            select(PayPalOrder)
            .join(Registration)
            .where(
                PayPalOrder.created_at >= since,
                PayPalOrder.status.not_in((DECLINED_ORDER, EXPIRED_ORDER)),
                Registration.status.in_(RegistrationStatus.AWAITING_MONEY),
                or_(PayPalOrder.capture_status.is_(None), PayPalOrder.capture_status == "PENDING"),
            )
            .order_by(PayPalOrder.id)
        )
    )
