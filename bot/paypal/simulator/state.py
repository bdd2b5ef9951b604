"""The simulator's in-memory state: tokens, orders, captures, refunds and idempotency keys.

Every change runs under one lock, and methods return deep copies, so callers can render a
record while another request changes it.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from bot.money import Money, currency_exponent
from bot.paypal.simulator.errors import SimulatedApiError, SimulatorConflict, resource_not_found
from bot.paypal.simulator.faults import AMOUNT_MISMATCH, CAPTURE_OUTCOME_FAULTS, DECLINED, PENDING, FaultPlan
from bot.paypal.simulator.models import (
    ORDER_ID_LENGTH,
    PAYER_ID_LENGTH,
    OrderRequest,
    SimulatedCapture,
    SimulatedOrder,
    SimulatedRefund,
    random_id,
    timestamp,
)
from bot.paypal.simulator.webhooks import WebhookLog

# Token lifetime in seconds (9 hours). PayPal's token responses show expires_in close to this.
TOKEN_LIFETIME_SECONDS = 32400

# The buyer who approves every order, shaped like PayPal's ``payer`` object.
SIMULATED_BUYER_NAME = {"given_name": "Ana", "surname": "López"}
SIMULATED_BUYER_EMAIL = "ana.lopez@example.com"

# Capture statuses that still hold money that can be refunded or reversed.
REFUNDABLE_CAPTURE_STATUSES = ("COMPLETED", "PARTIALLY_REFUNDED")


@dataclass
class CaptureResult:
    """The order after a capture request, and the capture it made (None for a replayed request)."""

    order: SimulatedOrder
    new_capture: SimulatedCapture | None


class SimulatorState:
    """Tokens, orders, captures, refunds and idempotency keys of one simulator, behind one lock.

    ``token_requests`` counts every call to the token endpoint, for tests. ``faults`` contains
    the failures armed through the control endpoints, and ``webhooks`` every webhook event
    and transmission with the secret that signs them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._orders: dict[str, SimulatedOrder] = {}
        self._captures: dict[str, SimulatedCapture] = {}
        self._refunds: dict[str, SimulatedRefund] = {}
        self._order_ids_by_request_id: dict[str, str] = {}
        self._captures_by_request_id: dict[tuple[str, str], SimulatedOrder] = {}
        self._refunds_by_request_id: dict[tuple[str, str], SimulatedRefund] = {}
        self.token_requests = 0
        self.app_id = "APP-" + random_id(ORDER_ID_LENGTH)
        self.merchant_id = random_id(PAYER_ID_LENGTH)
        self.payer_id = random_id(PAYER_ID_LENGTH)
        self.faults = FaultPlan()
        self.webhooks = WebhookLog()

    # Tokens

    def record_token_request(self) -> None:
        with self._lock:
            self.token_requests += 1

    def issue_token(self) -> str:
        token = "A21AA" + secrets.token_urlsafe(48)
        with self._lock:
            self._tokens[token] = time.monotonic() + TOKEN_LIFETIME_SECONDS
        return token

    def is_token_valid(self, token: str) -> bool:
        with self._lock:
            expires_at = self._tokens.get(token)
        return expires_at is not None and time.monotonic() < expires_at

    def expire_tokens(self) -> None:
        """Expire every issued token, as PayPal does when a token's lifetime ends."""
        with self._lock:
            self._tokens.clear()

    # Orders

    def find_order(self, order_id: str) -> SimulatedOrder | None:
        """Return the order, expired or not, or None. The API routes hide expired orders."""
        with self._lock:
            return copy.deepcopy(self._orders.get(order_id))

    def create_order(self, request: OrderRequest, request_id: str | None) -> tuple[SimulatedOrder, bool]:
        """Store a new order and return it with False.

        A PayPal-Request-Id seen before returns the order created for it with True, in its
        current state, as PayPal's idempotency reference describes.
        """
        with self._lock:
            if request_id is not None and request_id in self._order_ids_by_request_id:
                return copy.deepcopy(self._orders[self._order_ids_by_request_id[request_id]]), True

            now = timestamp()
            order = SimulatedOrder(
                id=self._new_id(),
                status=_status_awaiting_payer(request.uses_payment_source),
                purchase_unit=request.purchase_unit,
                amount=request.amount,
                experience=request.experience,
                uses_payment_source=request.uses_payment_source,
                create_time=now,
                update_time=now,
            )
            self._orders[order.id] = order
            if request_id is not None:
                self._order_ids_by_request_id[request_id] = order.id
            return copy.deepcopy(order), False

    def approve_order(self, order_id: str) -> SimulatedOrder:
        """Record the buyer's approval, or raise ``SimulatedApiError`` for an unknown, expired or captured order."""
        with self._lock:
            order = self._get_order(order_id)
            if order.status == "COMPLETED":
                raise SimulatedApiError("UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")

            order.status = "APPROVED"
            order.payer = {
                "name": dict(SIMULATED_BUYER_NAME),
                "email_address": SIMULATED_BUYER_EMAIL,
                "payer_id": self.payer_id,
                "address": {"country_code": "MX"},
            }
            order.update_time = timestamp()
            return copy.deepcopy(order)

    def capture_order(self, order_id: str, request_id: str | None) -> CaptureResult:
        """Capture an approved order in full, unless an outcome fault is armed for it.

        A PayPal-Request-Id seen before for this order returns the order as that capture
        left it, so a retried capture never charges twice.
        """
        with self._lock:
            if request_id is not None and (order_id, request_id) in self._captures_by_request_id:
                return CaptureResult(copy.deepcopy(self._captures_by_request_id[(order_id, request_id)]), None)

            order = self._get_order(order_id)
            if order.status == "COMPLETED":
                raise SimulatedApiError("UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
            if order.status != "APPROVED":
                raise SimulatedApiError("UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED")

            fault = self.faults.take(order_id, "capture", CAPTURE_OUTCOME_FAULTS)
            if fault is not None and fault.mode == DECLINED:
                # PayPal's funding-failure guide: the buyer must choose another way to pay,
                # so the order goes back to waiting for the payer.
                order.status = _status_awaiting_payer(order.uses_payment_source)
                order.update_time = timestamp()
                raise SimulatedApiError("UNPROCESSABLE_ENTITY", "INSTRUMENT_DECLINED")

            now = timestamp()
            capture = SimulatedCapture(
                id=self._new_id(),
                order_id=order.id,
                status="COMPLETED",
                amount=order.amount,
                create_time=now,
                update_time=now,
            )
            if fault is not None and fault.mode == PENDING:
                capture.status, capture.status_reason = "PENDING", fault.reason
            if fault is not None and fault.mode == AMOUNT_MISMATCH:
                capture.amount = _mismatched_amount(order.amount, fault.amount)

            order.captures.append(capture)
            self._captures[capture.id] = capture
            order.status = "COMPLETED"
            order.update_time = now

            snapshot = copy.deepcopy(order)
            if request_id is not None:
                self._captures_by_request_id[(order_id, request_id)] = snapshot
            return CaptureResult(copy.deepcopy(snapshot), copy.deepcopy(capture))

    def expire_order(self, order_id: str) -> SimulatedOrder:
        """Expire an order that has no capture, as PayPal does when the buyer or merchant waits too long.

        Raises ``KeyError`` for an unknown order and ``SimulatorConflict`` for a captured one.
        """
        with self._lock:
            order = self._orders.get(order_id)
            if order is None:
                raise KeyError(order_id)
            if order.status == "COMPLETED":
                raise SimulatorConflict(f"order {order_id} is captured, and PayPal does not expire captured orders")

            order.expired = True
            order.update_time = timestamp()
            return copy.deepcopy(order)

    # Captures

    def find_capture(self, capture_id: str) -> SimulatedCapture | None:
        with self._lock:
            return copy.deepcopy(self._captures.get(capture_id))

    def settle_capture(self, capture_id: str, status: str) -> SimulatedCapture:
        """Move a ``PENDING`` capture to ``COMPLETED`` or ``DECLINED``, as PayPal does after its review.

        Raises ``KeyError`` for an unknown capture and ``SimulatorConflict`` unless it is pending.
        """
        with self._lock:
            capture = self._captures.get(capture_id)
            if capture is None:
                raise KeyError(capture_id)
            if capture.status != "PENDING":
                raise SimulatorConflict(f"capture {capture_id} is {capture.status}, only a PENDING capture can settle")

            capture.status = status
            capture.status_reason = None
            capture.update_time = timestamp()
            return copy.deepcopy(capture)

    def reverse_capture(self, capture_id: str) -> tuple[SimulatedCapture, SimulatedRefund]:
        """Return the capture's unrefunded money to the payer, as after a chargeback.

        Returns the capture, now ``REFUNDED``, and the reversal record. Raises ``KeyError``
        for an unknown capture and ``SimulatorConflict`` when no money is left to reverse.
        """
        with self._lock:
            capture = self._captures.get(capture_id)
            if capture is None:
                raise KeyError(capture_id)
            if capture.status not in REFUNDABLE_CAPTURE_STATUSES:
                raise SimulatorConflict(f"capture {capture_id} is {capture.status}, so there is no money to reverse")

            reversal = self._add_refund(capture, capture.refundable_amount(), note_to_payer=None, is_reversal=True)
            # NOTE: PayPal's reason enumeration has CHARGEBACK for reversed funds, but its
            # docs do not show which reason a reversed capture carries.
            capture.status_reason = "CHARGEBACK"
            return copy.deepcopy(capture), copy.deepcopy(reversal)

    # Refunds

    def find_refund(self, refund_id: str) -> SimulatedRefund | None:
        with self._lock:
            return copy.deepcopy(self._refunds.get(refund_id))

    def refund_capture(
        self, capture_id: str, amount: Money | None, request_id: str | None, note_to_payer: str | None
    ) -> tuple[SimulatedRefund, bool]:
        """Refund ``amount`` of the capture, or all that is left when None, and return it with False.

        A PayPal-Request-Id seen before for this capture returns the refund made for it
        with True. Raises ``SimulatedApiError`` with PayPal's Payments v2 issue when the
        capture is unknown or the refund is not allowed.
        """
        with self._lock:
            if request_id is not None and (capture_id, request_id) in self._refunds_by_request_id:
                return copy.deepcopy(self._refunds_by_request_id[(capture_id, request_id)]), True

            capture = self._captures.get(capture_id)
            if capture is None:
                raise resource_not_found(capture_id)
            _check_refund(capture, amount)

            refund_amount = amount if amount is not None else capture.refundable_amount()
            refund = self._add_refund(capture, refund_amount, note_to_payer=note_to_payer, is_reversal=False)
            if request_id is not None:
                self._refunds_by_request_id[(capture_id, request_id)] = copy.deepcopy(refund)
            return copy.deepcopy(refund), False

    # Helpers, called with the lock held

    def _add_refund(
        self, capture: SimulatedCapture, amount: Money, *, note_to_payer: str | None, is_reversal: bool
    ) -> SimulatedRefund:
        now = timestamp()
        refund = SimulatedRefund(
            id=self._new_id(),
            capture_id=capture.id,
            status="COMPLETED",
            amount=amount,
            create_time=now,
            update_time=now,
            note_to_payer=note_to_payer,
            is_reversal=is_reversal,
        )
        capture.refunds.append(refund)
        self._refunds[refund.id] = refund

        capture.status = "PARTIALLY_REFUNDED" if capture.refundable_amount().amount > 0 else "REFUNDED"
        capture.update_time = now
        return refund

    def _get_order(self, order_id: str) -> SimulatedOrder:
        order = self._orders.get(order_id)
        # NOTE: PayPal's docs opened here do not say what an expired order returns. Merchants
        # report 404 RESOURCE_NOT_FOUND with INVALID_RESOURCE_ID, as for an unknown id.
        if order is None or order.expired:
            raise resource_not_found(order_id)
        return order

    def _new_id(self) -> str:
        while True:
            new_id = random_id(ORDER_ID_LENGTH)
            if new_id not in self._orders and new_id not in self._captures and new_id not in self._refunds:
                return new_id


def _status_awaiting_payer(uses_payment_source: bool) -> str:
    # Paying with payment_source.paypal needs the payer's action at once, while the
    # deprecated application_context flow starts as CREATED.
    return "PAYER_ACTION_REQUIRED" if uses_payment_source else "CREATED"


def _check_refund(capture: SimulatedCapture, amount: Money | None) -> None:
    """Raise the Payments v2 error for a refund that PayPal would not allow."""
    if capture.status == "REFUNDED":
        raise SimulatedApiError("UNPROCESSABLE_ENTITY", "CAPTURE_FULLY_REFUNDED")
    if capture.status == "PENDING":
        raise SimulatedApiError("UNPROCESSABLE_ENTITY", "PENDING_CAPTURE")
    if capture.status not in REFUNDABLE_CAPTURE_STATUSES:
        raise SimulatedApiError("UNPROCESSABLE_ENTITY", "REFUND_NOT_ALLOWED")
    if amount is None:
        return

    if amount.currency != capture.amount.currency:
        raise SimulatedApiError(
            "UNPROCESSABLE_ENTITY",
            "REFUND_CAPTURE_CURRENCY_MISMATCH",
            field="/amount/currency_code",
            value=amount.currency,
        )
    if amount.amount > capture.refundable_amount().amount:
        raise SimulatedApiError(
            "UNPROCESSABLE_ENTITY", "REFUND_AMOUNT_EXCEEDED", field="/amount/value", value=amount.amount
        )


def _mismatched_amount(order_amount: Money, requested: str | None) -> Money:
    """Return the fault's amount, or the order's amount one minor unit lower (higher for the smallest amount)."""
    if requested is not None:
        return Money(Decimal(requested), order_amount.currency).quantized()

    unit = Decimal(1).scaleb(-currency_exponent(order_amount.currency))
    lower = order_amount.amount - unit
    return Money(lower if lower > 0 else order_amount.amount + unit, order_amount.currency)
