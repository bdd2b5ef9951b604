"""Checkout steps that many PayPal tests share: create, approve and capture an order with the client."""

from __future__ import annotations

import uuid
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from bot.money import Money
from bot.paypal.client import Order, PayPalClient

from .conftest import Buyer

RETURN_URL = "https://bot.example.org/paypal/return"
CANCEL_URL = "https://bot.example.org/paypal/cancel"
MXN_1500 = Money(Decimal("1500.00"), "MXN")


def create(paypal: PayPalClient, amount: Money = MXN_1500, *, request_id: str | None = None, **overrides) -> Order:
    arguments = {
        "amount": amount,
        "reference_id": "registration-42",
        "description": "Congreso de Ejemplo 2025, entrada general",
        "return_url": RETURN_URL,
        "cancel_url": CANCEL_URL,
        "request_id": request_id or f"create-{uuid.uuid4()}",
        **overrides,
    }
    return paypal.create_order(**arguments)


def approve(buyer: Buyer, order: Order) -> str:
    """Approve the order on the simulator's page and return the PayerID of the redirect."""
    response = buyer.approve(order.approve_url)
    assert response.status_code == 303, response.text
    return parse_qs(urlsplit(response.headers["Location"]).query)["PayerID"][0]


def approved_order(paypal: PayPalClient, buyer: Buyer, amount: Money = MXN_1500) -> Order:
    order = create(paypal, amount)
    approve(buyer, order)
    return order


def paid_order(paypal: PayPalClient, buyer: Buyer, amount: Money = MXN_1500) -> Order:
    """Create, approve and capture an order, and return it as the capture left it."""
    order = approved_order(paypal, buyer, amount)
    return paypal.capture_order(order.id, request_id=f"capture-{order.id}")


def mxn(value: str) -> Money:
    return Money(Decimal(value), "MXN")
