"""The PayPal simulator over raw HTTP: PayPal's shapes, status codes, error names and pages."""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from .conftest import CLIENT_ID, CLIENT_SECRET, SimulatorServer

PAYPAL_ID = re.compile(r"[A-Z0-9]{17}")
RETURN_URL = "https://bot.example.org/paypal/return"
CANCEL_URL = "https://bot.example.org/paypal/cancel"
PAYPAL_REPRESENTATION = {"Prefer": "return=representation"}


def order_body(
    value: str = "1500.00", currency: str = "MXN", *, legacy: bool = False, **context: str
) -> dict[str, Any]:
    experience = {"return_url": RETURN_URL, "cancel_url": CANCEL_URL, "locale": "es-MX", **context}
    body: dict[str, Any] = {
        "intent": "CAPTURE",
        "purchase_units": [
            {
                "reference_id": "registration-7",
                "description": "Congreso de Ejemplo 2025",
                "amount": {"currency_code": currency, "value": value},
            }
        ],
    }
    if legacy:
        body["application_context"] = experience
    else:
        body["payment_source"] = {"paypal": {"experience_context": experience}}
    return body


def create_order(api: httpx.Client, body: dict[str, Any] | None = None, request_id: str | None = None) -> dict[str, Any]:
    headers = {**PAYPAL_REPRESENTATION, "PayPal-Request-Id": request_id or str(uuid.uuid4())}
    response = api.post("/v2/checkout/orders", json=body or order_body(), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def link(order: dict[str, Any], rel: str) -> str:
    return next(item["href"] for item in order["links"] if item["rel"] == rel)


def approve(http: httpx.Client, order: dict[str, Any]) -> httpx.Response:
    response = http.post(link(order, "payer-action"), data={"action": "approve"})
    assert response.status_code == 303
    return response


def capture(api: httpx.Client, order_id: str, request_id: str | None = None) -> httpx.Response:
    headers = {**PAYPAL_REPRESENTATION, "PayPal-Request-Id": request_id or str(uuid.uuid4())}
    return api.post(f"/v2/checkout/orders/{order_id}/capture", json={}, headers=headers)


def first_detail(response: httpx.Response) -> dict[str, Any]:
    return response.json()["details"][0]


# OAuth


def test_token_response_has_paypal_fields(http: httpx.Client) -> None:
    response = http.post("/v1/oauth2/token", auth=(CLIENT_ID, CLIENT_SECRET), data={"grant_type": "client_credentials"})

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 32400
    assert body["access_token"]
    assert body["app_id"].startswith("APP-")
    assert body["nonce"]
    assert "openid" in body["scope"].split()


def test_token_wrong_secret_is_invalid_client(http: httpx.Client) -> None:
    response = http.post("/v1/oauth2/token", auth=(CLIENT_ID, "wrong"), data={"grant_type": "client_credentials"})

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client", "error_description": "Client Authentication failed"}


def test_token_without_grant_type_is_rejected(http: httpx.Client) -> None:
    response = http.post("/v1/oauth2/token", auth=(CLIENT_ID, CLIENT_SECRET), data={})

    assert response.status_code == 400
    assert response.json() == {"error": "unsupported_grant_type", "error_description": "Grant Type is NULL"}


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic dGVzdDp0ZXN0"])
def test_orders_without_valid_token_fail_authentication(http: httpx.Client, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = http.post("/v2/checkout/orders", json=order_body(), headers=headers)

    assert response.status_code == 401
    assert response.json()["name"] == "AUTHENTICATION_FAILURE"
    assert response.json()["message"] == (
        "Authentication failed due to missing authorization header, or invalid authentication credentials."
    )
    assert response.headers["PayPal-Debug-Id"] == response.json()["debug_id"]


# Create order


def test_create_with_payment_source_needs_payer_action(api: httpx.Client, simulator: SimulatorServer) -> None:
    order = create_order(api)

    assert PAYPAL_ID.fullmatch(order["id"])
    assert order["status"] == "PAYER_ACTION_REQUIRED"
    assert order["intent"] == "CAPTURE"
    assert order["payment_source"] == {"paypal": {}}
    assert order["purchase_units"][0]["amount"] == {"currency_code": "MXN", "value": "1500.00"}
    assert order["purchase_units"][0]["reference_id"] == "registration-7"
    assert order["purchase_units"][0]["description"] == "Congreso de Ejemplo 2025"
    assert [(item["rel"], item["method"]) for item in order["links"]] == [("self", "GET"), ("payer-action", "GET")]
    assert link(order, "self") == f"{simulator.base_url}/v2/checkout/orders/{order['id']}"
    assert link(order, "payer-action") == f"{simulator.base_url}/checkoutnow?token={order['id']}"


def test_create_with_application_context_is_created(api: httpx.Client, simulator: SimulatorServer) -> None:
    order = create_order(api, order_body(legacy=True))

    assert order["status"] == "CREATED"
    assert "payment_source" not in order
    assert [(item["rel"], item["method"]) for item in order["links"]] == [
        ("self", "GET"),
        ("approve", "GET"),
        ("capture", "POST"),
    ]
    assert link(order, "capture") == f"{simulator.base_url}/v2/checkout/orders/{order['id']}/capture"


def test_create_without_prefer_returns_minimal(api: httpx.Client) -> None:
    response = api.post("/v2/checkout/orders", json=order_body())

    assert response.status_code == 201
    assert set(response.json()) == {"id", "status", "links"}


def test_create_replay_returns_same_order_with_200(api: httpx.Client) -> None:
    request_id = str(uuid.uuid4())
    first = create_order(api, request_id=request_id)

    replay = api.post(
        "/v2/checkout/orders",
        json=order_body(),
        headers={**PAYPAL_REPRESENTATION, "PayPal-Request-Id": request_id},
    )

    assert replay.status_code == 200
    assert replay.json()["id"] == first["id"]


def test_create_malformed_json_is_invalid_request(api: httpx.Client) -> None:
    response = api.post("/v2/checkout/orders", content=b"{not json", headers={"Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json()["name"] == "INVALID_REQUEST"
    assert first_detail(response)["issue"] == "MALFORMED_REQUEST_JSON"


@pytest.mark.parametrize(
    ("body", "issue", "field"),
    [
        ({"purchase_units": [{"amount": {"currency_code": "MXN", "value": "1"}}]}, "MISSING_REQUIRED_PARAMETER", "/intent"),
        ({"intent": "CAPTURE"}, "MISSING_REQUIRED_PARAMETER", "/purchase_units"),
        ({"intent": "CAPTURE", "purchase_units": []}, "INVALID_ARRAY_MIN_ITEMS", "/purchase_units"),
        ({"intent": "SALE", "purchase_units": [{}]}, "INVALID_PARAMETER_VALUE", "/intent"),
        (
            {"intent": "CAPTURE", "purchase_units": [{"reference_id": "r1"}]},
            "MISSING_REQUIRED_PARAMETER",
            "/purchase_units/@reference_id=='r1'/amount",
        ),
        (
            {"intent": "CAPTURE", "purchase_units": [{"amount": {"value": "10.00"}}]},
            "MISSING_REQUIRED_PARAMETER",
            "/purchase_units/@reference_id=='default'/amount/currency_code",
        ),
        (
            {"intent": "CAPTURE", "purchase_units": [{"amount": {"currency_code": "MXN", "value": "12,50"}}]},
            "INVALID_PARAMETER_SYNTAX",
            "/purchase_units/@reference_id=='default'/amount/value",
        ),
    ],
)
def test_create_invalid_body_is_invalid_request(api: httpx.Client, body: dict[str, Any], issue: str, field: str) -> None:
    response = api.post("/v2/checkout/orders", json=body)

    assert response.status_code == 400
    assert response.json()["name"] == "INVALID_REQUEST"
    assert first_detail(response)["issue"] == issue
    assert first_detail(response)["field"] == field


def test_create_return_url_must_be_web_url(api: httpx.Client) -> None:
    response = api.post("/v2/checkout/orders", json=order_body(return_url="javascript:alert(1)"))

    assert response.status_code == 400
    assert first_detail(response)["issue"] == "INVALID_PARAMETER_SYNTAX"
    assert first_detail(response)["field"] == "/payment_source/paypal/experience_context/return_url"


@pytest.mark.parametrize(
    ("value", "currency", "issue"),
    [
        ("1000.00", "ARS", "CURRENCY_NOT_SUPPORTED"),
        ("25.505", "USD", "DECIMAL_PRECISION"),
        ("10000.50", "JPY", "DECIMALS_NOT_SUPPORTED"),
        ("0.00", "MXN", "CANNOT_BE_ZERO_OR_NEGATIVE"),
        ("-5.00", "MXN", "CANNOT_BE_ZERO_OR_NEGATIVE"),
    ],
)
def test_create_invalid_amount_is_unprocessable(api: httpx.Client, value: str, currency: str, issue: str) -> None:
    response = api.post("/v2/checkout/orders", json=order_body(value, currency))

    assert response.status_code == 422
    assert response.json()["name"] == "UNPROCESSABLE_ENTITY"
    assert first_detail(response)["issue"] == issue
    assert response.json()["links"][0]["rel"] == "information_link"


# Get order


def test_get_unknown_order_is_resource_not_found(api: httpx.Client) -> None:
    response = api.get("/v2/checkout/orders/0000000000000000X")

    assert response.status_code == 404
    assert response.json()["name"] == "RESOURCE_NOT_FOUND"
    assert first_detail(response) == {
        "issue": "INVALID_RESOURCE_ID",
        "description": "Specified resource ID does not exist. Please check the resource ID and try again.",
        "location": "path",
        "value": "0000000000000000X",
    }


# Capture


def test_capture_returns_completed_capture(api: httpx.Client) -> None:
    order = create_order(api)
    payer_id = parse_qs(urlsplit(approve(api, order).headers["Location"]).query)["PayerID"][0]

    response = capture(api, order["id"])

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "COMPLETED"
    assert body["payer"]["payer_id"] == payer_id
    assert body["payer"]["email_address"]
    assert body["payer"]["name"]["given_name"]
    assert body["payment_source"]["paypal"]["account_id"] == payer_id
    assert [(item["rel"], item["method"]) for item in body["links"]] == [("self", "GET")]

    captures = body["purchase_units"][0]["payments"]["captures"]
    assert len(captures) == 1
    assert PAYPAL_ID.fullmatch(captures[0]["id"])
    assert captures[0]["status"] == "COMPLETED"
    assert captures[0]["amount"] == {"currency_code": "MXN", "value": "1500.00"}
    assert captures[0]["final_capture"] is True
    assert captures[0]["seller_protection"]["status"] == "ELIGIBLE"
    assert captures[0]["create_time"].endswith("Z")
    assert captures[0]["update_time"].endswith("Z")


def test_capture_unapproved_order_is_not_approved(api: httpx.Client) -> None:
    order = create_order(api)

    response = capture(api, order["id"])

    assert response.status_code == 422
    assert first_detail(response)["issue"] == "ORDER_NOT_APPROVED"


def test_capture_unknown_order_is_resource_not_found(api: httpx.Client) -> None:
    response = capture(api, "0000000000000000X")

    assert response.status_code == 404
    assert first_detail(response)["issue"] == "INVALID_RESOURCE_ID"


def test_capture_replay_returns_identical_response(api: httpx.Client) -> None:
    order = create_order(api)
    approve(api, order)
    request_id = str(uuid.uuid4())

    first = capture(api, order["id"], request_id)
    replay = capture(api, order["id"], request_id)

    assert first.status_code == 201
    assert replay.status_code == 201
    assert replay.json() == first.json()


def test_concurrent_captures_capture_once(api: httpx.Client, simulator: SimulatorServer) -> None:
    order = create_order(api)
    approve(api, order)
    start = threading.Barrier(8)
    responses: list[httpx.Response] = []

    def capture_in_thread() -> None:
        with httpx.Client(base_url=simulator.base_url, headers=dict(api.headers), timeout=5.0) as client:
            start.wait()
            responses.append(capture(client, order["id"]))

    threads = [threading.Thread(target=capture_in_thread) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [422] * 7
    assert {first_detail(r)["issue"] for r in responses if r.status_code == 422} == {"ORDER_ALREADY_CAPTURED"}
    stored = api.get(f"/v2/checkout/orders/{order['id']}").json()
    assert len(stored["purchase_units"][0]["payments"]["captures"]) == 1


# Buyer pages


def test_checkout_page_shows_order_in_spanish(api: httpx.Client) -> None:
    order = create_order(api, order_body(brand_name="Congreso de Ejemplo"))

    response = api.get(link(order, "payer-action"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="es">' in page
    assert "Congreso de Ejemplo" in page
    assert "1,500.00 MXN" in page
    assert "Pagar ahora" in page
    assert '<form method="post"' in page
    assert 'name="action" value="approve"' in page
    assert 'name="action" value="cancel"' in page


def test_checkout_page_follows_english_locale(api: httpx.Client) -> None:
    order = create_order(api, order_body("25.50", "USD", locale="en-US"))

    page = api.get(link(order, "payer-action")).text

    assert '<html lang="en">' in page
    assert "Pay now" in page
    assert "25.50 USD" in page


def test_checkout_page_escapes_description(api: httpx.Client) -> None:
    body = order_body()
    body["purchase_units"][0]["description"] = "<script>alert(1)</script>"
    order = create_order(api, body)

    page = api.get(link(order, "payer-action")).text

    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_approve_redirects_and_marks_order_approved(api: httpx.Client) -> None:
    order = create_order(api)

    response = approve(api, order)

    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == RETURN_URL
    assert parse_qs(location.query)["token"] == [order["id"]]
    stored = api.get(f"/v2/checkout/orders/{order['id']}").json()
    assert stored["status"] == "APPROVED"
    assert [(item["rel"], item["method"]) for item in stored["links"]] == [("self", "GET"), ("capture", "POST")]


def test_cancel_redirects_with_token_only(api: httpx.Client) -> None:
    order = create_order(api)

    response = api.post(link(order, "payer-action"), data={"action": "cancel"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"{CANCEL_URL}?token={order['id']}"


def test_unknown_order_page_is_not_found(http: httpx.Client) -> None:
    response = http.get("/checkoutnow", params={"token": "0000000000000000X"})

    assert response.status_code == 404
    assert "Pedido no encontrado" in response.text
    assert "0000000000000000X" in response.text


def test_unknown_order_page_follows_browser_language(http: httpx.Client) -> None:
    response = http.get("/checkoutnow", params={"token": "0000000000000000X"}, headers={"Accept-Language": "en-GB"})

    assert response.status_code == 404
    assert "Order not found" in response.text


def test_captured_order_page_is_conflict(api: httpx.Client) -> None:
    order = create_order(api, order_body(locale="en-US"))
    approve(api, order)
    assert capture(api, order["id"]).status_code == 201

    shown = api.get(link(order, "payer-action"))
    submitted = api.post(link(order, "payer-action"), data={"action": "approve"})

    assert shown.status_code == 409
    assert "Already paid" in shown.text
    assert submitted.status_code == 409
    assert "Already paid" in submitted.text


def test_unknown_action_is_bad_request(api: httpx.Client) -> None:
    order = create_order(api)

    response = api.post(link(order, "payer-action"), data={"action": "steal"})

    assert response.status_code == 400
    assert "Acción no válida" in response.text
    assert api.get(f"/v2/checkout/orders/{order['id']}").json()["status"] == "PAYER_ACTION_REQUIRED"


def test_checkout_without_token_is_bad_request(http: httpx.Client) -> None:
    response = http.get("/checkoutnow")

    assert response.status_code == 400
    assert "Enlace incompleto" in response.text
