"""Orders expired through the simulator's controls: the buyer's page, show order and capture."""

from __future__ import annotations

import pytest

from bot.paypal.client import PayPalClient
from bot.paypal.errors import Issue, PayPalRequestError

from .conftest import Buyer, SimulatorControls
from .flows import approved_order, create, paid_order


def test_expired_order_page_explains_expiry(paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls) -> None:
    order = create(paypal)
    controls.expire(order.id)

    shown = buyer.http.get(order.approve_url)
    submitted = buyer.approve(order.approve_url)

    assert shown.status_code == 410
    assert "Enlace vencido" in shown.text
    assert order.id in shown.text
    assert submitted.status_code == 410
    assert "Enlace vencido" in submitted.text


def test_expired_order_page_in_english(paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls) -> None:
    order = create(paypal, locale="en-US")
    controls.expire(order.id)

    shown = buyer.http.get(order.approve_url)

    assert shown.status_code == 410
    assert "Payment link expired" in shown.text


def test_expired_order_is_not_found(paypal: PayPalClient, controls: SimulatorControls) -> None:
    order = create(paypal)
    controls.expire(order.id)

    with pytest.raises(PayPalRequestError) as caught:
        paypal.get_order(order.id)

    assert caught.value.status_code == 404
    assert caught.value.name == "RESOURCE_NOT_FOUND"
    assert caught.value.issue == Issue.INVALID_RESOURCE_ID


def test_capture_after_expiry_is_not_found(paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls) -> None:
    order = approved_order(paypal, buyer)
    controls.expire(order.id)

    with pytest.raises(PayPalRequestError) as caught:
        paypal.capture_order(order.id, request_id=f"capture-{order.id}")

    assert caught.value.status_code == 404
    assert caught.value.issue == Issue.INVALID_RESOURCE_ID


def test_expiring_captured_order_is_conflict(paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls) -> None:
    order = paid_order(paypal, buyer)

    response = controls.http.post(f"/simulator/orders/{order.id}/expire")

    assert response.status_code == 409
    assert "does not expire captured orders" in response.json()["detail"]
    assert paypal.get_order(order.id).status == "COMPLETED"


def test_expiring_unknown_order_is_not_found(controls: SimulatorControls) -> None:
    response = controls.http.post("/simulator/orders/0000000000000000X/expire")

    assert response.status_code == 404
