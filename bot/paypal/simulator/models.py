"""Records that the simulator stores, and PayPal-style ids and timestamps for them."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from bot.money import Money

# PayPal order, capture and refund ids are 17 uppercase letters and digits, payer ids 13.
ID_ALPHABET = string.ascii_uppercase + string.digits
ORDER_ID_LENGTH = 17
PAYER_ID_LENGTH = 13


@dataclass
class OrderRequest:
    """A validated create-order request."""

    purchase_unit: dict[str, Any]
    amount: Money
    experience: dict[str, str]
    uses_payment_source: bool


@dataclass
class SimulatedRefund:
    """A refund of a capture, or the simulator's record of a reversal (``is_reversal``)."""

    id: str
    capture_id: str
    status: str
    amount: Money
    create_time: str
    update_time: str
    note_to_payer: str | None = None
    is_reversal: bool = False


@dataclass
class SimulatedCapture:
    """A capture of an order. ``status_reason`` is PayPal's ``status_details.reason``."""

    id: str
    order_id: str
    status: str
    amount: Money
    create_time: str
    update_time: str
    status_reason: str | None = None
    refunds: list[SimulatedRefund] = field(default_factory=list)

    def refundable_amount(self) -> Money:
        """Return the captured amount minus every completed refund and reversal."""
        refunded = sum((refund.amount.amount for refund in self.refunds if refund.status == "COMPLETED"), Decimal(0))
        return Money(self.amount.amount - refunded, self.amount.currency)


@dataclass
class SimulatedOrder:
    """An order as the simulator stores it. Routes render it into PayPal's JSON."""

    id: str
    status: str
    purchase_unit: dict[str, Any]
    amount: Money
    experience: dict[str, str]
    uses_payment_source: bool
    create_time: str
    update_time: str
    payer: dict[str, Any] | None = None
    captures: list[SimulatedCapture] = field(default_factory=list)
    # The API hides an expired order (see SimulatorState._get_order). The flag lets the
    # buyer's page explain what happened.
    expired: bool = False


def random_id(length: int) -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


def timestamp() -> str:
    """Return the current UTC time in PayPal's format, e.g. ``2025-03-01T12:00:00Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
