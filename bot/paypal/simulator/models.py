"""Records that the simulator stores, and PayPal-style ids and timestamps for them."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from bot.money import Money

# PayPal order and capture ids are 17 uppercase letters and digits, payer ids 13.
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
    captures: list[dict[str, Any]] = field(default_factory=list)


def random_id(length: int) -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


def timestamp() -> str:
    """Return the current UTC time in PayPal's format, e.g. ``2025-03-01T12:00:00Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
