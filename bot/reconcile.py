"""Reconciliation: settle orders nobody came back for, and expire seat holds.

A buyer may approve at PayPal and close the tab; the webhook may be lost. This
job reads every order still awaiting money back from PayPal and settles it,
then marks pending registrations whose hold ran out as expired. It runs
periodically inside the application and on demand with
``python -m bot.cli reconcile``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from bot.db import session_scope, utcnow
from bot.models import Registration, RegistrationStatus
from bot.notices import Notice, NoticeKind
from bot.notifications import deliver
from bot.payments import create_paypal_client, find_order, orders_to_reconcile, settle_order
from bot.paypal.errors import PayPalError, PayPalRequestError

logger = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    orders_checked: int = 0
    notices: list[Notice] = field(default_factory=list)
    failures: int = 0


def reconcile() -> ReconcileReport:
    """Settle open orders one by one (each in its own transaction), then expire holds."""
    report = ReconcileReport()
    with session_scope() as session:
        order_ids = [row.paypal_order_id for row in orders_to_reconcile(session)]

    client = create_paypal_client()
    try:
        for order_id in order_ids:
            report.orders_checked += 1
            try:
                with session_scope() as session:
                    row = find_order(session, order_id)
                    notices = settle_order(session, row, client) if row else []
            except PayPalRequestError as error:
                # An order the buyer never approved, or one PayPal no longer has.
                logger.debug("order %s not settled: %s", order_id, error.issue or error.name)
                continue
            except PayPalError as error:
                report.failures += 1
                logger.warning("reconciling order %s failed: %s", order_id, error)
                continue
            deliver(notices)
            report.notices.extend(notices)
    finally:
        client.close()

    expired = expire_holds()
    deliver(expired)
    report.notices.extend(expired)
    if report.notices or report.failures:
        logger.info(
            "reconciliation: %s orders checked, %s notices, %s failures",
            report.orders_checked, len(report.notices), report.failures,
        )
    return report


def expire_holds() -> list[Notice]:
    """Mark pending registrations whose seat hold ran out as expired."""
    with session_scope() as session:
        registrations = session.scalars(
            select(Registration)
            .where(
                Registration.status == RegistrationStatus.PENDING_PAYMENT,
                Registration.hold_expires_at <= utcnow(),
            )
            .with_for_update()
        ).all()
        for registration in registrations:
            registration.status = RegistrationStatus.EXPIRED
            logger.info("seat hold expired: registration %s", registration.id)
        return [Notice(NoticeKind.HOLD_EXPIRED, registration.id) for registration in registrations]
