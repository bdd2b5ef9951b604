"""Captures and refunds through PayPalClient and the simulator's Payments v2 API, over real HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

import httpx
import pytest

from bot.money import Money
from bot.paypal.client import PayPalClient
from bot.paypal.errors import Issue, PayPalRequestError

from .conftest import Buyer, SimulatorControls, SimulatorServer
from .flows import MXN_1500, mxn, paid_order

RequestId = Callable[[str], str]


# Captures


def test_get_capture_names_status_and_order(paypal: PayPalClient, buyer: Buyer) -> None:
    order = paid_order(paypal, buyer)
    captured = order.completed_capture

    capture = paypal.get_capture(captured.id)

    assert capture.id == captured.id
    assert capture.status == "COMPLETED"
    assert capture.status_reason is None
    assert capture.amount == MXN_1500
    assert capture.order_id == order.id


def test_order_captures_carry_order_id(paypal: PayPalClient, buyer: Buyer) -> None:
    order = paid_order(paypal, buyer)

    assert [capture.order_id for capture in order.captures] == [order.id]
    assert order.completed_capture.status_reason is None


def test_get_unknown_capture_raises_not_found(paypal: PayPalClient) -> None:
    with pytest.raises(PayPalRequestError) as caught:
        paypal.get_capture("0000000000000000X")

    assert caught.value.status_code == 404
    assert caught.value.name == "RESOURCE_NOT_FOUND"
    assert caught.value.issue == Issue.INVALID_RESOURCE_ID


# Refunds


def test_full_refund_refunds_everything(paypal: PayPalClient, buyer: Buyer, request_id: RequestId) -> None:
    capture = paid_order(paypal, buyer).completed_capture

    refund = paypal.refund_capture(capture.id, amount=None, request_id=request_id("refund"))

    assert refund.status == "COMPLETED"
    assert refund.amount == MXN_1500
    assert refund.capture_id == capture.id
    assert paypal.get_capture(capture.id).status == "REFUNDED"


def test_partial_refunds_leave_the_rest(paypal: PayPalClient, buyer: Buyer, request_id: RequestId) -> None:
    capture = paid_order(paypal, buyer).completed_capture

    first = paypal.refund_capture(
        capture.id, amount=mxn("500.00"), request_id=request_id("refund"), note="Late arrival"
    )
    after_first = paypal.get_capture(capture.id)
    rest = paypal.refund_capture(capture.id, amount=None, request_id=request_id("refund"))

    assert first.amount == mxn("500.00")
    assert after_first.status == "PARTIALLY_REFUNDED"
    assert rest.amount == mxn("1000.00")
    assert rest.id != first.id
    assert paypal.get_capture(capture.id).status == "REFUNDED"


def test_refund_beyond_remaining_raises_amount_exceeded(
    paypal: PayPalClient, buyer: Buyer, request_id: RequestId
) -> None:
    capture = paid_order(paypal, buyer).completed_capture
    paypal.refund_capture(capture.id, amount=mxn("1000.00"), request_id=request_id("refund"))

    with pytest.raises(PayPalRequestError) as caught:
        paypal.refund_capture(capture.id, amount=mxn("500.01"), request_id=request_id("refund"))

    assert caught.value.status_code == 422
    assert caught.value.name == "UNPROCESSABLE_ENTITY"
    assert caught.value.issue == Issue.REFUND_AMOUNT_EXCEEDED
    assert caught.value.details[0]["description"] == (
        "The refund amount must be less than or equal to the capture amount that has not yet been refunded."
    )
    assert paypal.get_capture(capture.id).status == "PARTIALLY_REFUNDED"
    assert paypal.refund_capture(capture.id, amount=None, request_id=request_id("refund")).amount == mxn("500.00")


def test_refund_of_refunded_capture_raises_fully_refunded(
    paypal: PayPalClient, buyer: Buyer, request_id: RequestId
) -> None:
    capture = paid_order(paypal, buyer).completed_capture
    paypal.refund_capture(capture.id, amount=None, request_id=request_id("refund"))

    with pytest.raises(PayPalRequestError) as caught:
        paypal.refund_capture(capture.id, amount=mxn("1.00"), request_id=request_id("refund"))

    assert caught.value.status_code == 422
    assert caught.value.issue == Issue.CAPTURE_FULLY_REFUNDED


def test_repeated_refund_request_id_refunds_once(paypal: PayPalClient, buyer: Buyer, request_id: RequestId) -> None:
    capture = paid_order(paypal, buyer).completed_capture
    same_request = request_id("refund")

    first = paypal.refund_capture(capture.id, amount=mxn("500.00"), request_id=same_request)
    second = paypal.refund_capture(capture.id, amount=mxn("500.00"), request_id=same_request)

    assert second == first
    assert paypal.get_capture(capture.id).status == "PARTIALLY_REFUNDED"
    assert paypal.refund_capture(capture.id, amount=None, request_id=request_id("refund")).amount == mxn("1000.00")


def test_refund_in_other_currency_raises_mismatch(paypal: PayPalClient, buyer: Buyer, request_id: RequestId) -> None:
    capture = paid_order(paypal, buyer).completed_capture

    with pytest.raises(PayPalRequestError) as caught:
        paypal.refund_capture(capture.id, amount=Money(Decimal("10.00"), "USD"), request_id=request_id("refund"))

    assert caught.value.status_code == 422
    assert caught.value.issue == Issue.REFUND_CAPTURE_CURRENCY_MISMATCH
    assert paypal.get_capture(capture.id).status == "COMPLETED"


def test_refund_of_unknown_capture_raises_not_found(paypal: PayPalClient, request_id: RequestId) -> None:
    with pytest.raises(PayPalRequestError) as caught:
        paypal.refund_capture("0000000000000000X", amount=None, request_id=request_id("refund"))

    assert caught.value.status_code == 404
    assert caught.value.issue == Issue.INVALID_RESOURCE_ID


@pytest.mark.parametrize("fault", ["timeout", "http_500"])
def test_refund_retried_after_fault_refunds_once(
    impatient_paypal: PayPalClient,
    paypal: PayPalClient,
    buyer: Buyer,
    controls: SimulatorControls,
    request_id: RequestId,
    fault: str,
) -> None:
    capture = paid_order(paypal, buyer).completed_capture
    controls.arm_capture_fault(capture.id, refund=fault, times=1)

    refund = impatient_paypal.refund_capture(capture.id, amount=mxn("500.00"), request_id=request_id("refund"))

    assert refund.amount == mxn("500.00")
    assert paypal.get_capture(capture.id).status == "PARTIALLY_REFUNDED"
    assert paypal.refund_capture(capture.id, amount=None, request_id=request_id("refund")).amount == mxn("1000.00")


# The Payments v2 API over raw HTTP


def test_refund_response_links_up_to_capture(
    api: httpx.Client, paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer, request_id: RequestId
) -> None:
    capture = paid_order(paypal, buyer).completed_capture

    response = api.post(
        f"/v2/payments/captures/{capture.id}/refund",
        json={"amount": {"currency_code": "MXN", "value": "250.00"}, "note_to_payer": "Taller cancelado"},
        headers={"PayPal-Request-Id": request_id("refund"), "Prefer": "return=representation"},
    )

    assert response.status_code == 201, response.text
    refund = response.json()
    assert refund["status"] == "COMPLETED"
    assert refund["amount"] == {"currency_code": "MXN", "value": "250.00"}
    assert refund["note_to_payer"] == "Taller cancelado"
    assert refund["create_time"].endswith("Z")
    assert [(link["rel"], link["method"], link["href"]) for link in refund["links"]] == [
        ("self", "GET", f"{simulator.base_url}/v2/payments/refunds/{refund['id']}"),
        ("up", "GET", f"{simulator.base_url}/v2/payments/captures/{capture.id}"),
    ]
    assert api.get(f"/v2/payments/refunds/{refund['id']}").json() == refund


def test_refund_replay_returns_200_with_same_refund(
    api: httpx.Client, paypal: PayPalClient, buyer: Buyer, request_id: RequestId
) -> None:
    capture = paid_order(paypal, buyer).completed_capture
    headers = {"PayPal-Request-Id": request_id("refund"), "Prefer": "return=representation"}

    first = api.post(f"/v2/payments/captures/{capture.id}/refund", json={}, headers=headers)
    replay = api.post(f"/v2/payments/captures/{capture.id}/refund", json={}, headers=headers)

    assert first.status_code == 201
    assert replay.status_code == 200
    assert replay.json() == first.json()


def test_refund_without_prefer_returns_minimal(api: httpx.Client, paypal: PayPalClient, buyer: Buyer) -> None:
    capture = paid_order(paypal, buyer).completed_capture

    response = api.post(f"/v2/payments/captures/{capture.id}/refund")

    assert response.status_code == 201
    assert set(response.json()) == {"id", "status", "links"}


@pytest.mark.parametrize(
    ("body", "status_code", "issue"),
    [
        ({"amount": {"currency_code": "MXN", "value": "0.00"}}, 422, "CANNOT_BE_ZERO_OR_NEGATIVE"),
        ({"amount": {"currency_code": "MXN", "value": "1,00"}}, 400, "INVALID_PARAMETER_SYNTAX"),
        ({"amount": {"value": "10.00"}}, 400, "MISSING_REQUIRED_PARAMETER"),
        ({"note_to_payer": 7}, 400, "INVALID_PARAMETER_SYNTAX"),
    ],
)
def test_invalid_refund_body_is_rejected(
    api: httpx.Client, paypal: PayPalClient, buyer: Buyer, body: dict, status_code: int, issue: str
) -> None:
    capture = paid_order(paypal, buyer).completed_capture

    response = api.post(f"/v2/payments/captures/{capture.id}/refund", json=body)

    assert response.status_code == status_code
    assert response.json()["details"][0]["issue"] == issue
    assert api.get(f"/v2/payments/captures/{capture.id}").json()["status"] == "COMPLETED"


def test_capture_links_follow_refunds(api: httpx.Client, paypal: PayPalClient, buyer: Buyer) -> None:
    order = paid_order(paypal, buyer)
    capture_id = order.completed_capture.id
    shown = api.get(f"/v2/payments/captures/{capture_id}").json()

    api.post(f"/v2/payments/captures/{capture_id}/refund")
    refunded = api.get(f"/v2/payments/captures/{capture_id}").json()
    order_body = api.get(f"/v2/checkout/orders/{order.id}").json()

    assert shown["supplementary_data"] == {"related_ids": {"order_id": order.id}}
    assert [link["rel"] for link in shown["links"]] == ["self", "refund", "up"]
    assert [link["rel"] for link in refunded["links"]] == ["self", "up"]
    assert refunded["status"] == "REFUNDED"
    payments = order_body["purchase_units"][0]["payments"]
    assert payments["captures"][0]["status"] == "REFUNDED"
    assert [refund["amount"]["value"] for refund in payments["refunds"]] == ["1500.00"]
    assert order_body["status"] == "COMPLETED"


def test_payments_api_requires_token(http: httpx.Client) -> None:
    response = http.get("/v2/payments/captures/0000000000000000X")

    assert response.status_code == 401
    assert response.json()["name"] == "AUTHENTICATION_FAILURE"
