"""PayPalClient against the simulator over real HTTP: checkout flow, errors, retries, tokens."""

from __future__ import annotations

import uuid
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.money import Money
from bot.paypal.client import PayPalClient
from bot.paypal.errors import PayPalAuthError, PayPalRequestError, PayPalUnavailable

from .conftest import CLIENT_ID, CLIENT_SECRET, Buyer, SimulatorServer
from .flows import CANCEL_URL, MXN_1500, RETURN_URL, approve, create


@pytest.mark.parametrize(
    ("amount", "sent_value"),
    [
        (Money(Decimal("1500.00"), "MXN"), "1500.00"),
        (Money(Decimal("25.50"), "USD"), "25.50"),
        (Money(Decimal("10000"), "JPY"), "10000"),
    ],
)
def test_checkout_captures_requested_amount(paypal: PayPalClient, buyer: Buyer, amount: Money, sent_value: str) -> None:
    created = create(paypal, amount)

    assert created.status == "PAYER_ACTION_REQUIRED"
    assert created.amount == amount
    assert created.raw["purchase_units"][0]["amount"] == {"currency_code": amount.currency, "value": sent_value}
    assert created.reference_id == "registration-42"
    assert created.captures == ()
    assert created.completed_capture is None

    redirect = buyer.approve(created.approve_url)
    assert redirect.status_code == 303
    location = urlsplit(redirect.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == RETURN_URL
    query = parse_qs(location.query)
    assert query["token"] == [created.id]
    assert len(query["PayerID"][0]) == 13

    captured = paypal.capture_order(created.id, request_id=f"capture-{created.id}")

    assert captured.id == created.id
    assert captured.status == "COMPLETED"
    assert len(captured.captures) == 1
    assert captured.completed_capture is not None
    assert captured.completed_capture.status == "COMPLETED"
    assert captured.completed_capture.amount == amount
    assert captured.completed_capture.amount.amount == amount.amount


def test_create_returns_approve_url_on_simulator(paypal: PayPalClient, simulator: SimulatorServer) -> None:
    order = create(paypal)

    assert order.approve_url == f"{simulator.base_url}/checkoutnow?token={order.id}"


def test_approval_keeps_return_url_query(paypal: PayPalClient, buyer: Buyer) -> None:
    order = create(paypal, return_url=f"{RETURN_URL}?registration=42")

    response = buyer.approve(order.approve_url)

    location = urlsplit(response.headers["Location"])
    assert location.path == "/paypal/return"
    assert parse_qs(location.query)["registration"] == ["42"]
    assert parse_qs(location.query)["token"] == [order.id]


def test_get_order_after_approval_is_approved(paypal: PayPalClient, buyer: Buyer) -> None:
    order = create(paypal)
    approve(buyer, order)

    fetched = paypal.get_order(order.id)

    assert fetched.status == "APPROVED"
    assert fetched.amount == MXN_1500
    assert fetched.approve_url is None


def test_capture_before_approval_raises_not_approved(paypal: PayPalClient) -> None:
    order = create(paypal)

    with pytest.raises(PayPalRequestError) as caught:
        paypal.capture_order(order.id, request_id=f"capture-{order.id}")

    error = caught.value
    assert type(error) is PayPalRequestError
    assert error.status_code == 422
    assert error.name == "UNPROCESSABLE_ENTITY"
    assert error.issue == "ORDER_NOT_APPROVED"
    assert error.message == (
        "The requested action could not be performed, semantically incorrect, or failed business validation."
    )
    assert error.debug_id
    assert f"/v2/checkout/orders/{order.id}/capture" in str(error)


def test_second_capture_raises_already_captured(paypal: PayPalClient, buyer: Buyer) -> None:
    order = create(paypal)
    approve(buyer, order)
    paypal.capture_order(order.id, request_id="first-capture-" + order.id)

    with pytest.raises(PayPalRequestError) as caught:
        paypal.capture_order(order.id, request_id="second-capture-" + order.id)

    assert caught.value.status_code == 422
    assert caught.value.issue == "ORDER_ALREADY_CAPTURED"
    assert len(paypal.get_order(order.id).captures) == 1


def test_repeated_capture_request_id_returns_same_capture(paypal: PayPalClient, buyer: Buyer) -> None:
    order = create(paypal)
    approve(buyer, order)
    request_id = f"capture-{order.id}"

    first = paypal.capture_order(order.id, request_id=request_id)
    second = paypal.capture_order(order.id, request_id=request_id)

    assert second.status == "COMPLETED"
    assert second.completed_capture == first.completed_capture
    assert len(paypal.get_order(order.id).captures) == 1


def test_repeated_create_request_id_returns_same_order(paypal: PayPalClient) -> None:
    request_id = f"create-{uuid.uuid4()}"

    first = create(paypal, request_id=request_id)
    second = create(paypal, request_id=request_id)
    other = create(paypal)

    assert second.id == first.id
    assert other.id != first.id


def test_cancel_redirects_to_cancel_url(paypal: PayPalClient, buyer: Buyer) -> None:
    order = create(paypal)

    response = buyer.cancel(order.approve_url)

    assert response.status_code == 303
    assert response.headers["Location"] == f"{CANCEL_URL}?token={order.id}"
    assert paypal.get_order(order.id).status == "PAYER_ACTION_REQUIRED"


def test_wrong_credentials_raise_auth_error(simulator: SimulatorServer) -> None:
    with PayPalClient(base_url=simulator.base_url, client_id=CLIENT_ID, client_secret="wrong-secret") as paypal:
        with pytest.raises(PayPalAuthError) as caught:
            paypal.get_order("5O190127TN364715T")

    assert caught.value.status_code == 401
    assert caught.value.name == "invalid_client"
    assert caught.value.message == "Client Authentication failed"
    assert caught.value.path == "/v1/oauth2/token"


def test_unknown_order_raises_resource_not_found(paypal: PayPalClient) -> None:
    with pytest.raises(PayPalRequestError) as caught:
        paypal.get_order("0000000000000000X")

    error = caught.value
    assert not isinstance(error, PayPalAuthError)
    assert error.status_code == 404
    assert error.name == "RESOURCE_NOT_FOUND"
    assert error.issue == "INVALID_RESOURCE_ID"
    assert error.message == "The specified resource does not exist."


def test_unsupported_currency_raises_currency_not_supported(paypal: PayPalClient) -> None:
    with pytest.raises(PayPalRequestError) as caught:
        create(paypal, Money(Decimal("1000.00"), "ARS"))

    assert caught.value.status_code == 422
    assert caught.value.name == "UNPROCESSABLE_ENTITY"
    assert caught.value.issue == "CURRENCY_NOT_SUPPORTED"
    assert caught.value.details[0]["field"] == "/purchase_units/@reference_id=='registration-42'/amount/currency_code"


@pytest.mark.parametrize(("max_retries", "expected_attempts"), [(0, 1), (2, 3)])
def test_unreachable_server_raises_unavailable(closed_port: int, max_retries: int, expected_attempts: int) -> None:
    attempts: list[str] = []
    http = httpx.Client(event_hooks={"request": [lambda request: attempts.append(request.url.path)]})
    paypal = PayPalClient(
        base_url=f"http://127.0.0.1:{closed_port}",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        max_retries=max_retries,
        http=http,
    )

    with pytest.raises(PayPalUnavailable) as caught:
        paypal.get_order("5O190127TN364715T")
    http.close()

    assert attempts == ["/v1/oauth2/token"] * expected_attempts
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert f"after {expected_attempts} attempts" in str(caught.value)


def test_server_error_retried_then_unavailable(simulator: SimulatorServer) -> None:
    simulator.failing_requests.clear()
    paypal = PayPalClient(
        base_url=simulator.failing_base_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, max_retries=2
    )

    with pytest.raises(PayPalUnavailable) as caught:
        paypal.get_order("5O190127TN364715T")
    paypal.close()

    assert simulator.failing_requests == ["POST /v1/oauth2/token"] * 3
    assert caught.value.status_code == 503
    assert "SERVICE_UNAVAILABLE" in str(caught.value)


def test_slow_server_times_out_as_unavailable(simulator: SimulatorServer) -> None:
    paypal = PayPalClient(
        base_url=simulator.slow_base_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, timeout=0.2, max_retries=1
    )

    with pytest.raises(PayPalUnavailable) as caught:
        paypal.get_order("5O190127TN364715T")
    paypal.close()

    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert "after 2 attempts" in str(caught.value)


@pytest.mark.parametrize("base_url", ["api-m.sandbox.paypal.com", "/paypal-sim", "ftp://127.0.0.1/paypal-sim"])
def test_client_rejects_non_http_base_url(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url must be an absolute http"):
        PayPalClient(base_url=base_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


def test_access_token_is_cached(paypal: PayPalClient, buyer: Buyer, simulator: SimulatorServer) -> None:
    before = simulator.state.token_requests

    order = create(paypal)
    paypal.get_order(order.id)
    approve(buyer, order)
    paypal.capture_order(order.id, request_id=f"capture-{order.id}")
    paypal.get_order(order.id)

    assert simulator.state.token_requests - before == 1


def test_rejected_token_is_replaced_once(paypal: PayPalClient, simulator: SimulatorServer) -> None:
    order = create(paypal)
    before = simulator.state.token_requests
    simulator.state.expire_tokens()

    fetched = paypal.get_order(order.id)

    assert fetched.id == order.id
    assert simulator.state.token_requests - before == 1


def test_client_repr_hides_credentials(paypal: PayPalClient) -> None:
    assert CLIENT_SECRET not in repr(paypal)
    assert CLIENT_ID not in repr(paypal)
