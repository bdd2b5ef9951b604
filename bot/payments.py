"""Payments of registrations through PayPal orders: checkout and capture on return."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import PayPalOrder, Registration, RegistrationStatus
from bot.paypal.client import Order, PayPalClient
from bot.paypal.errors import PayPalRequestError
from bot.registrations import mark_paid
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

# Order statuses in which the buyer can still approve at the stored link.
OPEN_ORDER_STATUSES = ("CREATED", "PAYER_ACTION_REQUIRED", "SAVED")


def create_paypal_client(settings: Settings | None = None) -> PayPalClient:
    settings = settings or get_settings()
    return PayPalClient(
        base_url=settings.paypal_base_url,
        client_id=settings.paypal_client_id,
        client_secret=settings.paypal_client_secret,
    )


def start_checkout(
    session: Session, registration: Registration, client: PayPalClient, settings: Settings | None = None
) -> PayPalOrder:
    """Return an open PayPal order for the registration, creating one if needed.

    Raises ``PayPalError`` when PayPal cannot be reached or rejects the order;
    the registration stays pending either way.
    """
    settings = settings or get_settings()
    for existing in reversed(registration.orders):
        if existing.status in OPEN_ORDER_STATUSES and existing.approve_url:
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


@dataclass(frozen=True)
class CaptureOutcome:
    registration: Registration
    newly_paid: bool


class PaymentMismatch(Exception):
    """Raised when the captured amount or currency differs from what was asked."""


def find_order(session: Session, paypal_order_id: str) -> PayPalOrder | None:
    return session.scalar(
        select(PayPalOrder).where(PayPalOrder.paypal_order_id == paypal_order_id).with_for_update()
    )


def capture_order(session: Session, row: PayPalOrder, client: PayPalClient) -> CaptureOutcome:
    """Capture the approved order and mark its registration paid.

    Capturing an order already captured by us counts as success: PayPal answers
    ``ORDER_ALREADY_CAPTURED``, so the order is read back and its capture used.
    """
    registration = row.registration
    if registration.status == RegistrationStatus.PAID:
        return CaptureOutcome(registration, newly_paid=False)

    try:
        order = client.capture_order(row.paypal_order_id, request_id=f"capture-{row.paypal_order_id}")
    except PayPalRequestError as error:
        if error.issue != "ORDER_ALREADY_CAPTURED":
            raise
        order = client.get_order(row.paypal_order_id)

    capture = _completed_capture(order)
    row.status = order.status
    if capture is None:
        logger.warning("order %s has no completed capture, status=%s", order.id, order.status)
        return CaptureOutcome(registration, newly_paid=False)

    expected = registration.money.quantized()
    if capture.amount.quantized() != expected:
        raise PaymentMismatch(
            f"order {order.id} captured {capture.amount}, registration {registration.id} expected {expected}"
        )
    row.capture_id = capture.id
    row.captured_amount = capture.amount.amount
    newly_paid = mark_paid(session, registration, capture.amount)
    return CaptureOutcome(registration, newly_paid=newly_paid)


def _completed_capture(order: Order):
    return next((capture for capture in order.captures if capture.status == "COMPLETED"), None)
