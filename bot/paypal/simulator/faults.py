"""Failures that tests switch on per order or capture, to exercise the client's error handling.

A fault applies to one operation (``capture`` of an order, ``refund`` of a capture) for the
next ``times`` requests. Transport faults hit every request of that operation, including
a replay of an earlier PayPal-Request-Id, because a network fault does not care what the
request was:

- ``timeout``: the request is processed, then the response is delayed by ``delay_seconds``,
  as when PayPal acts but its response is lost. A client that times out and retries with
  the same PayPal-Request-Id then gets the first result back.
- ``http_500``: 500 ``INTERNAL_SERVER_ERROR`` and nothing processed.

Outcome faults change what a capture that actually runs produces (a replay is unaffected):

- ``declined``: 422 ``INSTRUMENT_DECLINED`` and the order needs the payer's action again.
- ``pending``: the capture is ``PENDING`` with ``status_details.reason`` set to ``reason``.
- ``amount_mismatch``: the capture is for ``amount`` instead of the order's amount, by
  default one minor unit less (one more for an order of the smallest amount).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.paypal.simulator.errors import SimulatedApiError

TIMEOUT = "timeout"
HTTP_500 = "http_500"
DECLINED = "declined"
PENDING = "pending"
AMOUNT_MISMATCH = "amount_mismatch"

TRANSPORT_FAULTS = frozenset({TIMEOUT, HTTP_500})
CAPTURE_OUTCOME_FAULTS = frozenset({DECLINED, PENDING, AMOUNT_MISMATCH})

# The faults each operation accepts: order captures take all, capture refunds only transport faults.
ORDER_FAULTS = {"capture": TRANSPORT_FAULTS | CAPTURE_OUTCOME_FAULTS}
CAPTURE_FAULTS = {"refund": TRANSPORT_FAULTS}

# Reasons from PayPal's capture status_details.reason enumeration, for pending captures.
PENDING_REASONS = frozenset(
    {
        "BUYER_COMPLAINT",
        "CHARGEBACK",
        "ECHECK",
        "INTERNATIONAL_WITHDRAWAL",
        "OTHER",
        "PENDING_REVIEW",
        "RECEIVING_PREFERENCE_MANDATES_MANUAL_ACTION",
        "REFUNDED",
        "TRANSACTION_APPROVED_AWAITING_FUNDING",
        "UNILATERAL",
        "VERIFICATION_REQUIRED",
    }
)

MAX_FAULT_TIMES = 100
MAX_DELAY_SECONDS = 300.0


@dataclass
class Fault:
    """One armed fault. ``amount`` is a PayPal money value string in the order's currency."""

    mode: str
    times: int
    delay_seconds: float
    reason: str = "PENDING_REVIEW"
    amount: str | None = None


class FaultPlan:
    """The armed faults of one simulator, keyed by resource id and operation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[tuple[str, str], Fault] = {}

    def arm(self, resource_id: str, operation: str, fault: Fault) -> None:
        """Arm ``fault``, replacing any fault still armed for the same resource and operation."""
        with self._lock:
            self._faults[(resource_id, operation)] = fault

    def take(self, resource_id: str, operation: str, modes: frozenset[str]) -> Fault | None:
        """Use up one occurrence of the armed fault if its mode is in ``modes``, and return it."""
        with self._lock:
            fault = self._faults.get((resource_id, operation))
            if fault is None or fault.mode not in modes:
                return None

            fault.times -= 1
            if fault.times <= 0:
                del self._faults[(resource_id, operation)]
            return fault


def parse_fault(body: Any, operations: dict[str, frozenset[str]], default_delay_seconds: float) -> tuple[str, Fault]:
    """Validate a control request such as ``{"capture": "timeout", "times": 1}``.

    Returns the operation and the fault, or raises ``ValueError`` with a message that names
    the invalid field and the values it accepts.
    """
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object such as {\"capture\": \"timeout\", \"times\": 1}")

    named = [operation for operation in operations if operation in body]
    if len(named) != 1:
        raise ValueError(f"name exactly one operation of {sorted(operations)}, got {sorted(named)}")
    operation = named[0]
    mode = body[operation]
    if not isinstance(mode, str) or mode not in operations[operation]:
        raise ValueError(f"{operation} must be one of {sorted(operations[operation])}, got {mode!r}")

    times = body.get("times", 1)
    if not isinstance(times, int) or isinstance(times, bool) or not 1 <= times <= MAX_FAULT_TIMES:
        raise ValueError(f"times must be an integer from 1 to {MAX_FAULT_TIMES}, got {times!r}")

    delay = body.get("delay_seconds", default_delay_seconds)
    is_number = isinstance(delay, (int, float)) and not isinstance(delay, bool)
    if not is_number or not math.isfinite(delay) or not 0 <= delay <= MAX_DELAY_SECONDS:
        raise ValueError(f"delay_seconds must be a number from 0 to {MAX_DELAY_SECONDS}, got {delay!r}")

    reason = body.get("reason", "PENDING_REVIEW")
    if reason not in PENDING_REASONS:
        raise ValueError(f"reason must be one of {sorted(PENDING_REASONS)}, got {reason!r}")

    amount = body.get("amount")
    if amount is not None and not _is_positive_amount(amount):
        raise ValueError(f"amount must be a positive money value string such as \"10.00\", got {amount!r}")

    return operation, Fault(mode=mode, times=times, delay_seconds=float(delay), reason=reason, amount=amount)


@contextlib.asynccontextmanager
async def transport_fault(fault: Fault | None) -> AsyncIterator[None]:
    """Apply a transport fault around a request's processing.

    ``http_500`` raises before the body runs. ``timeout`` lets the body run, then delays the
    response, or the error, by the fault's delay.
    """
    try:
        if fault is not None and fault.mode == HTTP_500:
            raise SimulatedApiError("INTERNAL_SERVER_ERROR")
        yield
    finally:
        if fault is not None and fault.mode == TIMEOUT:
            await asyncio.sleep(fault.delay_seconds)


def _is_positive_amount(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return False
    return amount.is_finite() and amount > 0
