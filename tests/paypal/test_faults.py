"""Capture failures armed through the simulator's controls, and how PayPalClient handles them."""

from __future__ import annotations

import json

import pytest

from bot.paypal.client import PayPalClient
from bot.paypal.errors import Issue, PayPalRequestError, PayPalUnavailable

from .conftest import Buyer, SimulatorControls, SimulatorServer
from .flows import MXN_1500, approve, approved_order, mxn, paid_order


def capture_events(controls: SimulatorControls, order_id: str) -> list[str]:
    """Return the types of the PAYMENT.CAPTURE.* events sent about the order's captures, oldest first.

    The simulator records each event when it happens, before sending it, so no wait is needed.
    """
    events = [json.loads(delivery["body"]) for delivery in controls.deliveries()]
    return [
        event["event_type"]
        for event in events
        if event["event_type"].startswith("PAYMENT.CAPTURE.")
        and event["resource"].get("supplementary_data", {}).get("related_ids", {}).get("order_id") == order_id
    ]


# Transport faults


def test_timeout_once_then_retry_captures_once(
    impatient_paypal: PayPalClient, paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls
) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="timeout", times=1)

    captured = impatient_paypal.capture_order(order.id, request_id=f"capture-{order.id}")

    assert captured.status == "COMPLETED"
    assert len(captured.captures) == 1
    assert len(paypal.get_order(order.id).captures) == 1
    assert capture_events(controls, order.id) == ["PAYMENT.CAPTURE.COMPLETED"]


def test_timeouts_beyond_retries_then_same_request_id(
    impatient_paypal: PayPalClient, paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls
) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="timeout", times=3)

    with pytest.raises(PayPalUnavailable):
        impatient_paypal.capture_order(order.id, request_id=f"capture-{order.id}")
    # PayPal acted on the first attempt although no response arrived in time.
    after_failure = paypal.get_order(order.id)
    retried = paypal.capture_order(order.id, request_id=f"capture-{order.id}")

    assert after_failure.status == "COMPLETED"
    assert retried.completed_capture == after_failure.completed_capture
    assert len(paypal.get_order(order.id).captures) == 1


def test_server_error_once_then_retry_captures_once(
    paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls
) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="http_500", times=1)

    captured = paypal.capture_order(order.id, request_id=f"capture-{order.id}")

    assert captured.status == "COMPLETED"
    assert len(paypal.get_order(order.id).captures) == 1
    assert capture_events(controls, order.id) == ["PAYMENT.CAPTURE.COMPLETED"]


def test_server_errors_beyond_retries_capture_nothing(
    paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls
) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="http_500", times=3)

    with pytest.raises(PayPalUnavailable) as caught:
        paypal.capture_order(order.id, request_id=f"capture-{order.id}")

    assert caught.value.status_code == 500
    assert "INTERNAL_SERVER_ERROR" in str(caught.value)
    assert paypal.get_order(order.id).status == "APPROVED"


# Outcome faults


def test_declined_capture_needs_payer_again(paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="declined")

    with pytest.raises(PayPalRequestError) as caught:
        paypal.capture_order(order.id, request_id=f"capture-{order.id}")
    declined = paypal.get_order(order.id)
    approve(buyer, declined)
    captured = paypal.capture_order(order.id, request_id=f"second-capture-{order.id}")

    assert caught.value.status_code == 422
    assert caught.value.issue == Issue.INSTRUMENT_DECLINED
    assert declined.status == "PAYER_ACTION_REQUIRED"
    assert declined.approve_url == order.approve_url
    assert declined.captures == ()
    assert captured.completed_capture.amount == MXN_1500


def test_pending_capture_then_complete(
    paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls, simulator: SimulatorServer
) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="pending")

    captured = paypal.capture_order(order.id, request_id=f"capture-{order.id}")
    [pending] = captured.captures
    simulator.webhooks.wait_for("PAYMENT.CAPTURE.PENDING", pending.id)
    completed = controls.settle(pending.id, "complete")
    [webhook] = simulator.webhooks.wait_for("PAYMENT.CAPTURE.COMPLETED", pending.id)

    assert captured.status == "COMPLETED"
    assert pending.status == "PENDING"
    assert pending.status_reason == "PENDING_REVIEW"
    assert captured.completed_capture is None
    assert completed["status"] == "COMPLETED"
    assert "status_details" not in completed
    assert webhook.event["resource"]["status"] == "COMPLETED"
    assert paypal.get_capture(pending.id).status == "COMPLETED"
    assert paypal.get_order(order.id).completed_capture.id == pending.id


def test_pending_capture_then_deny(
    paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls, simulator: SimulatorServer
) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="pending", reason="ECHECK")

    [pending] = paypal.capture_order(order.id, request_id=f"capture-{order.id}").captures
    controls.settle(pending.id, "deny")
    [webhook] = simulator.webhooks.wait_for("PAYMENT.CAPTURE.DENIED", pending.id)

    assert pending.status_reason == "ECHECK"
    assert webhook.event["resource"]["status"] == "DECLINED"
    assert paypal.get_capture(pending.id).status == "DECLINED"
    assert paypal.get_order(order.id).completed_capture is None
    assert capture_events(controls, order.id) == ["PAYMENT.CAPTURE.PENDING", "PAYMENT.CAPTURE.DENIED"]


def test_pending_capture_refund_raises_pending_capture(
    paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls
) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="pending")
    [pending] = paypal.capture_order(order.id, request_id=f"capture-{order.id}").captures

    with pytest.raises(PayPalRequestError) as caught:
        paypal.refund_capture(pending.id, amount=None, request_id=f"refund-{pending.id}")

    assert caught.value.status_code == 422
    assert caught.value.issue == Issue.PENDING_CAPTURE


def test_denied_capture_refund_raises_not_allowed(
    paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls
) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="pending")
    [pending] = paypal.capture_order(order.id, request_id=f"capture-{order.id}").captures
    controls.settle(pending.id, "deny")

    with pytest.raises(PayPalRequestError) as caught:
        paypal.refund_capture(pending.id, amount=None, request_id=f"refund-{pending.id}")

    assert caught.value.issue == Issue.REFUND_NOT_ALLOWED


def test_amount_mismatch_captures_one_cent_less(
    paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls
) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="amount_mismatch")

    captured = paypal.capture_order(order.id, request_id=f"capture-{order.id}")

    assert captured.amount == MXN_1500
    assert captured.completed_capture.amount == mxn("1499.99")


def test_amount_mismatch_captures_given_amount(
    paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls
) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="amount_mismatch", amount="10.00")

    captured = paypal.capture_order(order.id, request_id=f"capture-{order.id}")

    assert captured.completed_capture.amount == mxn("10.00")
    assert paypal.get_capture(captured.completed_capture.id).amount == mxn("10.00")


def test_fault_applies_given_times_only(paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls) -> None:
    order = approved_order(paypal, buyer)
    controls.arm_order_fault(order.id, capture="declined", times=2)

    for attempt in range(2):
        with pytest.raises(PayPalRequestError):
            paypal.capture_order(order.id, request_id=f"capture-{attempt}-{order.id}")
        approve(buyer, order)
    captured = paypal.capture_order(order.id, request_id=f"capture-last-{order.id}")

    assert captured.completed_capture is not None


# Controls


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"capture": "explode"}, "capture must be one of"),
        ({"capture": "timeout", "times": 0}, "times must be an integer"),
        ({"capture": "timeout", "delay_seconds": -1}, "delay_seconds must be a number"),
        ({"capture": "pending", "reason": "BECAUSE"}, "reason must be one of"),
        ({"capture": "amount_mismatch", "amount": "-5"}, "amount must be a positive"),
        ({"refund": "timeout"}, "name exactly one operation"),
        ([], "the body must be a JSON object"),
    ],
)
def test_invalid_fault_is_bad_request(
    paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls, body: object, message: str
) -> None:
    order = approved_order(paypal, buyer)

    response = controls.http.post(f"/simulator/orders/{order.id}/faults", json=body)

    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_fault_for_unknown_order_is_not_found(controls: SimulatorControls) -> None:
    response = controls.http.post("/simulator/orders/0000000000000000X/faults", json={"capture": "timeout"})

    assert response.status_code == 404


def test_settling_completed_capture_is_conflict(
    paypal: PayPalClient, buyer: Buyer, controls: SimulatorControls
) -> None:
    capture = paid_order(paypal, buyer).completed_capture

    response = controls.http.post(f"/simulator/captures/{capture.id}/complete")

    assert response.status_code == 409
    assert "only a PENDING capture can settle" in response.json()["detail"]
    assert paypal.get_capture(capture.id).status == "COMPLETED"


def test_settling_unknown_capture_is_not_found(controls: SimulatorControls) -> None:
    response = controls.http.post("/simulator/captures/0000000000000000X/deny")

    assert response.status_code == 404
