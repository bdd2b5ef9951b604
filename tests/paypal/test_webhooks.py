"""Webhook events from the simulator to a merchant endpoint, and their verification with PayPalClient."""

from __future__ import annotations

import base64
import secrets
import uuid
from typing import Callable

import httpx
import pytest
from fastapi import FastAPI

from bot.paypal.client import PayPalClient
from bot.paypal.simulator import SimulatorState, create_simulator_router
from tests.servers import serve_in_thread

from .conftest import CLIENT_ID, CLIENT_SECRET, WEBHOOK_ID, Buyer, ReceivedWebhook, SimulatorControls, SimulatorServer
from .flows import approved_order, mxn, paid_order

RequestId = Callable[[str], str]

SIGNATURE_HEADERS = (
    "paypal-transmission-id",
    "paypal-transmission-time",
    "paypal-transmission-sig",
    "paypal-cert-url",
    "paypal-auth-algo",
)


def verify(paypal: PayPalClient, webhook: ReceivedWebhook, *, body: bytes | None = None, **header_changes: str) -> bool:
    headers = {**webhook.headers, **header_changes}
    return paypal.verify_webhook_signature(
        headers=headers, raw_body=webhook.body if body is None else body, webhook_id=WEBHOOK_ID
    )


def unreachable_paypal(closed_port: int) -> PayPalClient:
    """Return a client for a port where nothing listens, so any call to PayPal raises PayPalUnavailable."""
    return PayPalClient(base_url=f"http://127.0.0.1:{closed_port}", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


# Delivery


def test_receiver_gets_approval_and_capture_signed(
    paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer
) -> None:
    order = paid_order(paypal, buyer)

    [approved] = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)
    [completed] = simulator.webhooks.wait_for("PAYMENT.CAPTURE.COMPLETED", order.id)

    for webhook in (approved, completed):
        assert all(webhook.headers.get(name) for name in SIGNATURE_HEADERS)
        assert webhook.headers["paypal-auth-algo"] == "HMACSHA256"
        assert webhook.headers["content-type"] == "application/json"
        assert verify(paypal, webhook) is True
    assert approved.event["resource"]["id"] == order.id
    assert approved.event["resource"]["status"] == "APPROVED"
    assert completed.event["resource"]["id"] == order.completed_capture.id
    assert completed.event["resource"]["amount"] == {"currency_code": "MXN", "value": "1500.00"}


def test_event_has_paypal_fields(paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer) -> None:
    order = paid_order(paypal, buyer)

    event = simulator.webhooks.wait_for("PAYMENT.CAPTURE.COMPLETED", order.id)[0].event

    assert event["id"].startswith("WH-")
    assert event["event_version"] == "1.0"
    assert event["resource_version"] == "2.0"
    assert event["resource_type"] == "capture"
    assert event["summary"] == "Payment completed for 1,500.00 MXN"
    assert event["create_time"].endswith("Z")
    assert [(link["rel"], link["method"]) for link in event["links"]] == [("self", "GET"), ("resend", "POST")]
    assert event["resource"]["supplementary_data"] == {"related_ids": {"order_id": order.id}}
    assert [link["rel"] for link in event["resource"]["links"]] == ["self", "refund", "up"]


def test_event_link_shows_the_event(
    api: httpx.Client, paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer
) -> None:
    order = approved_order(paypal, buyer)
    webhook = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)[0]

    response = api.get(webhook.event["links"][0]["href"])

    assert response.status_code == 200
    assert response.content == webhook.body


def test_refund_event_links_up_to_capture(
    paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer, request_id: RequestId
) -> None:
    capture = paid_order(paypal, buyer).completed_capture

    refund = paypal.refund_capture(capture.id, amount=mxn("100.00"), request_id=request_id("refund"))

    [webhook] = simulator.webhooks.wait_for("PAYMENT.CAPTURE.REFUNDED", refund.id)
    event = webhook.event
    assert event["resource_type"] == "refund"
    assert event["resource"]["amount"] == {"currency_code": "MXN", "value": "100.00"}
    up = next(link for link in event["resource"]["links"] if link["rel"] == "up")
    assert up["href"] == f"{simulator.base_url}/v2/payments/captures/{capture.id}"
    assert verify(paypal, webhook) is True


def test_reverse_sends_reversed_event(
    paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer, controls: SimulatorControls, request_id: RequestId
) -> None:
    capture = paid_order(paypal, buyer).completed_capture
    paypal.refund_capture(capture.id, amount=mxn("500.00"), request_id=request_id("refund"))

    reversed_capture = controls.settle(capture.id, "reverse")

    assert reversed_capture["status"] == "REFUNDED"
    assert reversed_capture["status_details"] == {"reason": "CHARGEBACK"}
    assert paypal.get_capture(capture.id).status == "REFUNDED"
    [webhook] = simulator.webhooks.wait_for("PAYMENT.CAPTURE.REVERSED", capture.id)
    assert webhook.event["resource_type"] == "refund"
    assert webhook.event["resource"]["amount"] == {"currency_code": "MXN", "value": "1000.00"}
    assert verify(paypal, webhook) is True


def test_no_events_without_webhook_url(buyer: Buyer) -> None:
    """A router without webhook_url records and sends nothing."""
    state = SimulatorState()
    app = FastAPI()
    app.include_router(create_simulator_router(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, state=state))

    with serve_in_thread(app) as origin, PayPalClient(
        base_url=origin, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    ) as quiet_paypal:
        paid_order(quiet_paypal, buyer)
        redelivery = httpx.post(f"{origin}/simulator/webhooks/WH-UNKNOWN/redeliver")

    assert state.webhooks.deliveries() == []
    assert redelivery.status_code == 409


# Verification


def test_forged_headers_fail_verification(paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer) -> None:
    order = approved_order(paypal, buyer)
    webhook = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)[0]

    forged = {
        "paypal-transmission-id": str(uuid.uuid4()),
        "paypal-transmission-sig": base64.b64encode(secrets.token_bytes(32)).decode(),
    }

    assert verify(paypal, webhook, **forged) is False


def test_wrong_signature_fails_verification(paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer) -> None:
    order = approved_order(paypal, buyer)
    webhook = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)[0]

    signature = base64.b64encode(secrets.token_bytes(32)).decode()

    assert verify(paypal, webhook, **{"paypal-transmission-sig": signature}) is False
    assert verify(paypal, webhook, **{"paypal-transmission-time": "2020-01-01T00:00:00Z"}) is False


def test_tampered_body_fails_verification(paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer) -> None:
    order = paid_order(paypal, buyer)
    webhook = simulator.webhooks.wait_for("PAYMENT.CAPTURE.COMPLETED", order.id)[0]

    tampered = webhook.body.replace(b'"value":"1500.00"', b'"value":"1600.00"')

    assert len(tampered) == len(webhook.body)
    assert sum(a != b for a, b in zip(tampered, webhook.body)) == 1
    assert verify(paypal, webhook, body=tampered) is False
    assert verify(paypal, webhook) is True


def test_other_webhook_id_fails_verification(paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer) -> None:
    order = approved_order(paypal, buyer)
    webhook = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)[0]

    verified = paypal.verify_webhook_signature(headers=webhook.headers, raw_body=webhook.body, webhook_id="OTHERHOOK")

    assert verified is False


def test_header_names_in_any_case_verify(
    paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer, controls: SimulatorControls
) -> None:
    order = approved_order(paypal, buyer)
    webhook = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)[0]
    transmission_id = webhook.headers["paypal-transmission-id"]
    delivery = next(d for d in controls.deliveries() if d["transmission_id"] == transmission_id)

    upper_case = delivery["headers"]

    assert "PAYPAL-TRANSMISSION-SIG" in upper_case
    assert paypal.verify_webhook_signature(headers=upper_case, raw_body=webhook.body, webhook_id=WEBHOOK_ID) is True


@pytest.mark.parametrize("missing", SIGNATURE_HEADERS)
def test_missing_header_is_false_without_calling_paypal(
    paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer, closed_port: int, missing: str
) -> None:
    order = approved_order(paypal, buyer)
    webhook = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)[0]
    headers = {name: value for name, value in webhook.headers.items() if name != missing}

    with unreachable_paypal(closed_port) as unreachable:
        verified = unreachable.verify_webhook_signature(headers=headers, raw_body=webhook.body, webhook_id=WEBHOOK_ID)

    assert verified is False


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe{}", b""])
def test_non_json_body_is_false_without_calling_paypal(
    paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer, closed_port: int, body: bytes
) -> None:
    order = approved_order(paypal, buyer)
    webhook = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)[0]

    with unreachable_paypal(closed_port) as unreachable:
        verified = unreachable.verify_webhook_signature(headers=webhook.headers, raw_body=body, webhook_id=WEBHOOK_ID)

    assert verified is False


def test_verify_endpoint_requires_token(http: httpx.Client) -> None:
    response = http.post("/v1/notifications/verify-webhook-signature", json={})

    assert response.status_code == 401
    assert response.json()["name"] == "AUTHENTICATION_FAILURE"


def test_verify_endpoint_rejects_missing_fields(api: httpx.Client) -> None:
    response = api.post("/v1/notifications/verify-webhook-signature", json={"auth_algo": "HMACSHA256"})

    assert response.status_code == 400
    assert response.json()["name"] == "INVALID_REQUEST"
    assert response.json()["details"][0]["issue"] == "MISSING_REQUIRED_PARAMETER"
    assert response.json()["details"][0]["field"] == "/cert_url"


# Redelivery


def test_redelivery_keeps_event_id(
    paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer, controls: SimulatorControls
) -> None:
    order = approved_order(paypal, buyer)
    first = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)[0]

    redelivery = controls.redeliver(first.event["id"])
    both = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id, count=2)

    second = both[1]
    assert redelivery["event_id"] == first.event["id"]
    assert second.event["id"] == first.event["id"]
    assert second.body == first.body
    assert second.headers["paypal-transmission-id"] == redelivery["transmission_id"]
    assert second.headers["paypal-transmission-id"] != first.headers["paypal-transmission-id"]
    assert verify(paypal, first) is True
    assert verify(paypal, second) is True


def test_resend_endpoint_sends_event_again(
    api: httpx.Client, paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer
) -> None:
    order = approved_order(paypal, buyer)
    first = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)[0]

    response = api.post(first.event["links"][1]["href"])

    assert response.status_code == 202
    assert response.json()["id"] == first.event["id"]
    assert simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id, count=2)[1].body == first.body


def test_deliveries_record_endpoint_status(
    paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer, controls: SimulatorControls
) -> None:
    simulator.webhooks.status_code = 500
    try:
        order = approved_order(paypal, buyer)
        failed = simulator.webhooks.wait_for("CHECKOUT.ORDER.APPROVED", order.id)[0]
        failed_delivery = controls.wait_for_delivery_result(failed.headers["paypal-transmission-id"])
    finally:
        simulator.webhooks.status_code = 200

    redelivery = controls.redeliver(failed.event["id"])
    redelivered = controls.wait_for_delivery_result(redelivery["transmission_id"])

    assert failed_delivery["status_code"] == 500
    assert failed_delivery["event_type"] == "CHECKOUT.ORDER.APPROVED"
    assert failed_delivery["body"].encode() == failed.body
    assert redelivered["status_code"] == 200
    assert redelivered["event_id"] == failed_delivery["event_id"]


def test_redeliver_unknown_event_is_not_found(controls: SimulatorControls) -> None:
    response = controls.http.post("/simulator/webhooks/WH-UNKNOWN/redeliver")

    assert response.status_code == 404
    assert "WH-UNKNOWN" in response.json()["detail"]
