"""The simulator's in-memory state: tokens, orders and idempotency keys, behind one lock."""

from __future__ import annotations

import copy
import secrets
import threading
import time

from bot.paypal.simulator.errors import SimulatedApiError
from bot.paypal.simulator.models import (
    ORDER_ID_LENGTH,
    PAYER_ID_LENGTH,
    OrderRequest,
    SimulatedOrder,
    random_id,
    timestamp,
)

# Token lifetime in seconds (9 hours). PayPal's token responses show expires_in close to this.
TOKEN_LIFETIME_SECONDS = 32400

# The buyer who approves every order, shaped like PayPal's ``payer`` object.
SIMULATED_BUYER_NAME = {"given_name": "Ana", "surname": "López"}
SIMULATED_BUYER_EMAIL = "ana.lopez@example.com"


class SimulatorState:
    """Tokens, orders and idempotency keys of one simulator, guarded by one lock.

    Methods return deep copies, so callers can render an order while another request
    changes it. ``token_requests`` counts every call to the token endpoint, for tests.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._orders: dict[str, SimulatedOrder] = {}
        self._order_ids_by_request_id: dict[str, str] = {}
        self._captures_by_request_id: dict[tuple[str, str], SimulatedOrder] = {}
        self.token_requests = 0
        self.app_id = "APP-" + random_id(ORDER_ID_LENGTH)
        self.merchant_id = random_id(PAYER_ID_LENGTH)
        self.payer_id = random_id(PAYER_ID_LENGTH)

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
        with self._lock:
            order = self._orders.get(order_id)
            return copy.deepcopy(order)

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
                id=self._new_order_id(),
                # Paying with payment_source.paypal needs the payer's action at once, while the
                # deprecated application_context flow starts as CREATED.
                status="PAYER_ACTION_REQUIRED" if request.uses_payment_source else "CREATED",
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
        """Record the buyer's approval, or raise ``SimulatedApiError`` for an unknown or captured order."""
        with self._lock:
            order = self._get(order_id)
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

    def capture_order(self, order_id: str, request_id: str | None) -> SimulatedOrder:
        """Capture an approved order in full and return it.

        A PayPal-Request-Id seen before for this order returns the order as that capture
        left it, so a retried capture never charges twice.
        """
        with self._lock:
            if request_id is not None and (order_id, request_id) in self._captures_by_request_id:
                return copy.deepcopy(self._captures_by_request_id[(order_id, request_id)])

            order = self._get(order_id)
            if order.status == "COMPLETED":
                raise SimulatedApiError("UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
            if order.status != "APPROVED":
                raise SimulatedApiError("UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED")

            now = timestamp()
            order.captures.append(
                {
                    "id": self._new_order_id(),
                    "status": "COMPLETED",
                    "amount": order.amount.to_paypal(),
                    "final_capture": True,
                    "disbursement_mode": "INSTANT",
                    "seller_protection": {
                        "status": "ELIGIBLE",
                        "dispute_categories": ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"],
                    },
                    "create_time": now,
                    "update_time": now,
                }
            )
            order.status = "COMPLETED"
            order.update_time = now

            snapshot = copy.deepcopy(order)
            if request_id is not None:
                self._captures_by_request_id[(order_id, request_id)] = snapshot
            return copy.deepcopy(snapshot)

    def _get(self, order_id: str) -> SimulatedOrder:
        order = self._orders.get(order_id)
        if order is None:
            raise SimulatedApiError("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", location="path", value=order_id)
        return order

    def _new_order_id(self) -> str:
        while True:
            order_id = random_id(ORDER_ID_LENGTH)
            if order_id not in self._orders:
                return order_id
