"""In-memory PayPal simulator: OAuth tokens, the Orders v2 API and the buyer's approval page.

The application serves it on loopback so that the bot runs and its tests pass without PayPal
credentials or internet access::

    app.include_router(create_simulator_router(client_id=..., client_secret=...), prefix="/paypal-sim")

``PayPalClient`` then uses ``base_url="http://127.0.0.1:<port>/paypal-sim"``. Requests,
responses, status codes and error names follow PayPal's Orders v2 API reference. Only what
the bot uses is simulated: intent CAPTURE, one purchase unit, and paying with PayPal.

To extend it, add each state change as a ``SimulatorState`` method that runs under the lock,
and keep routes to parsing, one state call and rendering.
"""

from __future__ import annotations

import base64
import binascii
import copy
import functools
import hmac
import json
import logging
import re
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader

from bot.money import PAYPAL_CURRENCIES, Money, currency_exponent

logger = logging.getLogger(__name__)

# Token lifetime in seconds (9 hours). PayPal's token responses show expires_in close to this.
TOKEN_LIFETIME_SECONDS = 32400

# PayPal order and capture ids are 17 uppercase letters and digits, payer ids 13.
ID_ALPHABET = string.ascii_uppercase + string.digits
ORDER_ID_LENGTH = 17
PAYER_ID_LENGTH = 13

# PayPal's pattern for money values in the Orders v2 schema, with its maximum length of 32.
AMOUNT_VALUE_PATTERN = re.compile(r"-?[0-9]+|-?([0-9]+)?[.][0-9]+")
AMOUNT_VALUE_MAX_LENGTH = 32

EXPERIENCE_FIELDS = ("return_url", "cancel_url", "locale", "brand_name", "user_action", "shipping_preference")
EXPERIENCE_ENUMS = {
    "user_action": {"CONTINUE", "PAY_NOW"},
    "shipping_preference": {"GET_FROM_FILE", "NO_SHIPPING", "SET_PROVIDED_ADDRESS"},
}

# The buyer who approves every order, shaped like PayPal's ``payer`` object.
SIMULATED_BUYER_NAME = {"given_name": "Ana", "surname": "López"}
SIMULATED_BUYER_EMAIL = "ana.lopez@example.com"
SIMULATED_MERCHANT_EMAIL = "merchant@example.com"

TOKEN_ROUTE = "paypal_simulator_token"
ORDER_ROUTE = "paypal_simulator_order"
CAPTURE_ROUTE = "paypal_simulator_capture"
CHECKOUT_ROUTE = "paypal_simulator_checkout"

# Error names with their HTTP status and message, from PayPal's "Common Orders API errors".
ERROR_NAMES = {
    "INVALID_REQUEST": (400, "Request is not well-formed, syntactically incorrect, or violates schema."),
    "AUTHENTICATION_FAILURE": (
        401,
        "Authentication failed due to missing authorization header, or invalid authentication credentials.",
    ),
    "RESOURCE_NOT_FOUND": (404, "The specified resource does not exist."),
    "UNPROCESSABLE_ENTITY": (
        422,
        "The requested action could not be performed, semantically incorrect, or failed business validation.",
    ),
}

# Issue descriptions as PayPal's Orders v2 API returns them.
ISSUE_DESCRIPTIONS = {
    "MALFORMED_REQUEST_JSON": "The request JSON is not well formed.",
    "MISSING_REQUIRED_PARAMETER": "A required field / parameter is missing.",
    "INVALID_PARAMETER_SYNTAX": "The value of a field does not conform to the expected format.",
    "INVALID_PARAMETER_VALUE": "The value of a field is invalid.",
    "INVALID_ARRAY_MIN_ITEMS": "The number of items in an array parameter is too small.",
    "CURRENCY_NOT_SUPPORTED": (
        "Currency code is not currently supported. Please refer "
        "https://developer.paypal.com/docs/api/reference/currency-codes/ for list of supported currency codes."
    ),
    "DECIMAL_PRECISION": "If the currency supports decimals, only two decimal place precision is supported.",
    "DECIMALS_NOT_SUPPORTED": (
        "Currency does not support decimals. Please refer to "
        "https://developer.paypal.com/docs/api/reference/currency-codes/ for more information."
    ),
    "CANNOT_BE_ZERO_OR_NEGATIVE": (
        "Must be greater than zero. If the currency supports decimals, only two decimal place precision is supported."
    ),
    "INVALID_RESOURCE_ID": "Specified resource ID does not exist. Please check the resource ID and try again.",
    "ORDER_NOT_APPROVED": (
        "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url "
        "returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source "
        "in the request."
    ),
    "ORDER_ALREADY_CAPTURED": "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed.",
}

PAGE_TEXT = {
    "es": {
        "simulator_notice": "Simulador de PayPal: no se cobra dinero real.",
        "checkout_title": "Confirma tu pago",
        "default_brand": "Pago con PayPal",
        "amount_label": "Total a pagar",
        "approve_button": "Pagar ahora",
        "cancel_button": "Cancelar y volver",
        "missing_token_title": "Enlace incompleto",
        "missing_token_message": "Al enlace le falta el código del pedido. Vuelve a la conversación y pide un enlace de pago nuevo.",
        "not_found_title": "Pedido no encontrado",
        "not_found_message": "No existe ningún pedido con el código {order_id}. Vuelve a la conversación y pide un enlace de pago nuevo.",
        "captured_title": "Pago ya realizado",
        "captured_message": "El pedido {order_id} ya está pagado, así que no se te cobrará otra vez.",
        "invalid_action_title": "Acción no válida",
        "invalid_action_message": "Elige «Pagar ahora» o «Cancelar y volver».",
        "approved_title": "Pago aprobado",
        "approved_message": "Aprobaste el pago del pedido {order_id}. Ya puedes cerrar esta página.",
        "cancelled_title": "Pago cancelado",
        "cancelled_message": "No se cobró nada por el pedido {order_id}. Ya puedes cerrar esta página.",
    },
    "en": {
        "simulator_notice": "PayPal simulator: no real money is charged.",
        "checkout_title": "Confirm your payment",
        "default_brand": "Pay with PayPal",
        "amount_label": "Total to pay",
        "approve_button": "Pay now",
        "cancel_button": "Cancel and return",
        "missing_token_title": "Incomplete link",
        "missing_token_message": "The link has no order code. Go back to the conversation and ask for a new payment link.",
        "not_found_title": "Order not found",
        "not_found_message": "There is no order with the code {order_id}. Go back to the conversation and ask for a new payment link.",
        "captured_title": "Already paid",
        "captured_message": "Order {order_id} is already paid, so you will not be charged again.",
        "invalid_action_title": "Invalid action",
        "invalid_action_message": "Choose “Pay now” or “Cancel and return”.",
        "approved_title": "Payment approved",
        "approved_message": "You approved the payment for order {order_id}. You can close this page.",
        "cancelled_title": "Payment cancelled",
        "cancelled_message": "Nothing was charged for order {order_id}. You can close this page.",
    },
}

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,  # Brand and description come from the API caller.
)


class SimulatedApiError(Exception):
    """A PayPal API error that the route returns as PayPal's JSON error body."""

    def __init__(
        self,
        name: str,
        issue: str | None = None,
        *,
        field: str | None = None,
        value: Any = None,
        location: str = "body",
        description: str | None = None,
    ) -> None:
        self.name = name
        self.status_code, self.message = ERROR_NAMES[name]
        self.issue = issue
        self.field = field
        self.value = value
        self.location = location
        self.description = description or (ISSUE_DESCRIPTIONS[issue] if issue else None)
        super().__init__(f"{name} {issue or ''}".strip())

    def to_body(self, debug_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name, "message": self.message, "debug_id": debug_id, "details": []}
        if self.issue is None:
            return body

        detail: dict[str, Any] = {"issue": self.issue, "description": self.description, "location": self.location}
        if self.field is not None:
            detail["field"] = self.field
        if self.value is not None:
            detail["value"] = str(self.value)
        body["details"] = [detail]
        body["links"] = [
            {
                "href": f"https://developer.paypal.com/docs/api/orders/v2/#error-{self.issue}",
                "rel": "information_link",
                "method": "GET",
            }
        ]
        return body


@dataclass
class OrderRequest:
    """A validated create-order request."""

    purchase_unit: dict[str, Any]
    amount: Money
    experience: dict[str, str]
    uses_payment_source: bool


@dataclass
class SimulatedOrder:
    """An order as the simulator stores it. Routes render it into PayPal's JSON."""

    id: str
    status: str
    purchase_unit: dict[str, Any]
    amount: Money
    experience: dict[str, str]
    uses_payment_source: bool
    create_time: str
    update_time: str
    payer: dict[str, Any] | None = None
    captures: list[dict[str, Any]] = field(default_factory=list)


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
        self.app_id = "APP-" + _random_id(ORDER_ID_LENGTH)
        self.merchant_id = _random_id(PAYER_ID_LENGTH)
        self.payer_id = _random_id(PAYER_ID_LENGTH)

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

            now = _timestamp()
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
            order.update_time = _timestamp()
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

            now = _timestamp()
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
            order_id = _random_id(ORDER_ID_LENGTH)
            if order_id not in self._orders:
                return order_id


def create_simulator_router(
    *, client_id: str, client_secret: str, state: SimulatorState | None = None
) -> APIRouter:
    """Return a router that serves one simulated PayPal account.

    Pass ``state`` to inspect or change the simulator from tests. By default each router
    gets its own empty state.
    """
    state = state if state is not None else SimulatorState()
    router = APIRouter()

    @router.post("/v1/oauth2/token", name=TOKEN_ROUTE)
    async def issue_token(request: Request) -> JSONResponse:
        state.record_token_request()
        if not _has_client_credentials(request, client_id, client_secret):
            logger.info("PayPal simulator rejected a token request with wrong client credentials")
            return JSONResponse(
                {"error": "invalid_client", "error_description": "Client Authentication failed"}, status_code=401
            )

        grant_type = (await request.form()).get("grant_type")
        if grant_type != "client_credentials":
            description = "Grant Type is NULL" if grant_type is None else "unsupported grant_type"
            logger.info("PayPal simulator rejected a token request with grant_type %r", grant_type)
            return JSONResponse({"error": "unsupported_grant_type", "error_description": description}, status_code=400)

        return JSONResponse(
            {
                "scope": "https://uri.paypal.com/services/payments/payment/authcapture openid",
                "access_token": state.issue_token(),
                "token_type": "Bearer",
                "app_id": state.app_id,
                "expires_in": TOKEN_LIFETIME_SECONDS,
                "nonce": _timestamp() + secrets.token_urlsafe(24),
            }
        )

    @router.post("/v2/checkout/orders")
    @_paypal_api
    async def create_order(request: Request) -> Response:
        _require_bearer_token(request, state)
        body = await _read_json_body(request, required=True)
        order, replayed = state.create_order(parse_order_request(body), request.headers.get("PayPal-Request-Id"))
        # 200 for a replayed PayPal-Request-Id, as PayPal's "API responses" reference lists.
        status_code = 200 if replayed else 201
        return JSONResponse(_render_order(order, request, state, minimal=_wants_minimal(request)), status_code)

    @router.get("/v2/checkout/orders/{order_id}", name=ORDER_ROUTE)
    @_paypal_api
    async def get_order(request: Request, order_id: str) -> Response:
        _require_bearer_token(request, state)
        order = state.find_order(order_id)
        if order is None:
            raise SimulatedApiError("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", location="path", value=order_id)
        return JSONResponse(_render_order(order, request, state, minimal=False))

    @router.post("/v2/checkout/orders/{order_id}/capture", name=CAPTURE_ROUTE)
    @_paypal_api
    async def capture_order(request: Request, order_id: str) -> Response:
        _require_bearer_token(request, state)
        await _read_json_body(request, required=False)
        order = state.capture_order(order_id, request.headers.get("PayPal-Request-Id"))
        return JSONResponse(_render_order(order, request, state, minimal=_wants_minimal(request)), 201)

    @router.get("/checkoutnow", name=CHECKOUT_ROUTE)
    async def show_checkout(request: Request, token: str | None = None) -> Response:
        order = state.find_order(token) if token else None
        language = _page_language(order, request)
        problem = _checkout_problem(token, order, language)
        if problem is not None:
            return problem

        return _render_page(
            "checkout.html",
            language,
            title=PAGE_TEXT[language]["checkout_title"],
            brand_name=order.experience.get("brand_name"),
            description=order.purchase_unit.get("description"),
            amount=order.amount.display(),
            form_url=_checkout_url(request, order.id),
        )

    @router.post("/checkoutnow")
    async def submit_checkout(request: Request, token: str | None = None) -> Response:
        action = (await request.form()).get("action")
        order = state.find_order(token) if token else None
        language = _page_language(order, request)
        problem = _checkout_problem(token, order, language)
        if problem is not None:
            return problem

        if action == "approve":
            try:
                order = state.approve_order(order.id)
            except SimulatedApiError:
                # Another request captured the order after find_order, so show the page that GET shows.
                return _message_page(language, "captured", order.id, 409)
            return _redirect_or_page(
                order.experience.get("return_url"),
                {"token": order.id, "PayerID": state.payer_id},
                language,
                "approved",
                order.id,
            )
        if action == "cancel":
            return _redirect_or_page(
                order.experience.get("cancel_url"), {"token": order.id}, language, "cancelled", order.id
            )
        return _message_page(language, "invalid_action", order.id, 400)

    return router


# Request parsing


def parse_order_request(body: Any) -> OrderRequest:
    """Validate a create-order body as PayPal does, or raise ``SimulatedApiError`` if it is invalid."""
    if not isinstance(body, dict):
        raise SimulatedApiError("INVALID_REQUEST", "MALFORMED_REQUEST_JSON", field="/")

    intent = body.get("intent")
    if intent is None:
        raise SimulatedApiError("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", field="/intent")
    if intent != "CAPTURE":
        # NOTE: PayPal also accepts AUTHORIZE, which the bot does not use and so is not simulated.
        raise SimulatedApiError(
            "INVALID_REQUEST",
            "INVALID_PARAMETER_VALUE",
            field="/intent",
            value=intent,
            description="The simulator supports intent CAPTURE only.",
        )

    unit = _parse_single_purchase_unit(body.get("purchase_units"))
    reference_id = unit.get("reference_id", "default")
    if not isinstance(reference_id, str) or not reference_id:
        raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field="/purchase_units/0/reference_id")
    pointer = f"/purchase_units/@reference_id=='{reference_id}'"

    purchase_unit = {"reference_id": reference_id}
    for key in ("description", "custom_id", "invoice_id", "soft_descriptor"):
        if key in unit:
            if not isinstance(unit[key], str):
                raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field=f"{pointer}/{key}")
            purchase_unit[key] = unit[key]

    amount = _parse_amount(unit.get("amount"), f"{pointer}/amount")
    experience, uses_payment_source = _parse_experience(body)
    return OrderRequest(purchase_unit, amount, experience, uses_payment_source)


def _parse_single_purchase_unit(units: Any) -> dict[str, Any]:
    if units is None:
        raise SimulatedApiError("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", field="/purchase_units")
    if not isinstance(units, list):
        raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field="/purchase_units")
    if not units:
        raise SimulatedApiError("INVALID_REQUEST", "INVALID_ARRAY_MIN_ITEMS", field="/purchase_units")
    if len(units) > 1:
        # NOTE: PayPal accepts up to 10 purchase units, but the bot sends one per order.
        raise SimulatedApiError(
            "INVALID_REQUEST",
            "INVALID_PARAMETER_VALUE",
            field="/purchase_units",
            description="The simulator supports one purchase unit per order.",
        )
    if not isinstance(units[0], dict):
        raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field="/purchase_units/0")
    return units[0]


def _parse_amount(amount: Any, pointer: str) -> Money:
    if amount is None:
        raise SimulatedApiError("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", field=pointer)
    if not isinstance(amount, dict):
        raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field=pointer)

    currency = amount.get("currency_code")
    value = amount.get("value")
    for key, item in (("currency_code", currency), ("value", value)):
        if item is None:
            raise SimulatedApiError("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", field=f"{pointer}/{key}")
        if not isinstance(item, str):
            raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field=f"{pointer}/{key}", value=item)
    if len(value) > AMOUNT_VALUE_MAX_LENGTH or not AMOUNT_VALUE_PATTERN.fullmatch(value):
        raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field=f"{pointer}/value", value=value)

    # Syntax errors above are 400; the business rules below are 422, as at PayPal.
    if currency not in PAYPAL_CURRENCIES:
        raise SimulatedApiError(
            "UNPROCESSABLE_ENTITY", "CURRENCY_NOT_SUPPORTED", field=f"{pointer}/currency_code", value=currency
        )
    decimals = len(value.partition(".")[2])
    if decimals > currency_exponent(currency):
        # Zero-decimal currencies (JPY, HUF, TWD) get their own issue name at PayPal.
        issue = "DECIMALS_NOT_SUPPORTED" if currency_exponent(currency) == 0 else "DECIMAL_PRECISION"
        raise SimulatedApiError("UNPROCESSABLE_ENTITY", issue, field=f"{pointer}/value", value=value)
    if Decimal(value) <= 0:
        raise SimulatedApiError("UNPROCESSABLE_ENTITY", "CANNOT_BE_ZERO_OR_NEGATIVE", field=f"{pointer}/value", value=value)

    return Money(Decimal(value), currency)


def _parse_experience(body: dict[str, Any]) -> tuple[dict[str, str], bool]:
    """Return the approval settings and whether they came from ``payment_source.paypal``."""
    source = body.get("payment_source")
    if source is not None:
        if not isinstance(source, dict) or not isinstance(source.get("paypal"), dict):
            # NOTE: cards, Venmo and other payment sources exist at PayPal but are not simulated.
            raise SimulatedApiError(
                "INVALID_REQUEST",
                "INVALID_PARAMETER_VALUE",
                field="/payment_source",
                description="The simulator supports payment_source.paypal only.",
            )
        context = source["paypal"].get("experience_context", {})
        pointer = "/payment_source/paypal/experience_context"
    else:
        context = body.get("application_context", {})
        pointer = "/application_context"
    if not isinstance(context, dict):
        raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field=pointer)

    experience: dict[str, str] = {}
    for key in EXPERIENCE_FIELDS:
        value = context.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or (key.endswith("_url") and not _is_web_url(value)):
            raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field=f"{pointer}/{key}", value=value)
        if key in EXPERIENCE_ENUMS and value not in EXPERIENCE_ENUMS[key]:
            raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_VALUE", field=f"{pointer}/{key}", value=value)
        experience[key] = value
    return experience, source is not None


async def _read_json_body(request: Request, *, required: bool) -> Any:
    raw = await request.body()
    if not raw.strip() and not required:
        return None
    try:
        return json.loads(raw)
    except ValueError as error:
        raise SimulatedApiError("INVALID_REQUEST", "MALFORMED_REQUEST_JSON", field="/") from error


def _has_client_credentials(request: Request, client_id: str, client_secret: str) -> bool:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given_id, _, given_secret = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    # compare_digest keeps the comparison time independent of where the strings differ.
    return hmac.compare_digest(given_id.encode(), client_id.encode()) & hmac.compare_digest(
        given_secret.encode(), client_secret.encode()
    )


def _require_bearer_token(request: Request, state: SimulatorState) -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not state.is_token_valid(token):
        raise SimulatedApiError("AUTHENTICATION_FAILURE")


def _wants_minimal(request: Request) -> bool:
    # PayPal's default is return=minimal: only id, status and links.
    return "return=representation" not in request.headers.get("Prefer", "")


def _paypal_api(
    handler: Callable[..., Awaitable[Response]],
) -> Callable[..., Awaitable[Response]]:
    """Turn ``SimulatedApiError`` into PayPal's error body and add a PayPal-Debug-Id header."""

    @functools.wraps(handler)
    async def handle(*args: Any, **kwargs: Any) -> Response:
        debug_id = secrets.token_hex(7)[:13]
        try:
            response = await handler(*args, **kwargs)
        except SimulatedApiError as error:
            request = kwargs.get("request")
            logger.info(
                "PayPal simulator rejected %s %s with %s %s %s (debug id %s)",
                request.method if request else "?",
                request.url.path if request else "?",
                error.status_code,
                error.name,
                error.issue or "",
                debug_id,
            )
            response = JSONResponse(error.to_body(debug_id), status_code=error.status_code)
        response.headers["PayPal-Debug-Id"] = debug_id
        return response

    return handle


# Rendering


def _render_order(order: SimulatedOrder, request: Request, state: SimulatorState, *, minimal: bool) -> dict[str, Any]:
    links = _order_links(order, request)
    if minimal:
        return {"id": order.id, "status": order.status, "links": links}

    unit: dict[str, Any] = {
        **order.purchase_unit,
        "amount": order.amount.to_paypal(),
        "payee": {"email_address": SIMULATED_MERCHANT_EMAIL, "merchant_id": state.merchant_id},
    }
    if order.captures:
        order_url = str(request.url_for(ORDER_ROUTE, order_id=order.id))
        unit["payments"] = {
            "captures": [
                {**capture, "links": [{"href": order_url, "rel": "up", "method": "GET"}]} for capture in order.captures
            ]
        }

    body: dict[str, Any] = {"id": order.id, "intent": "CAPTURE", "status": order.status}
    if order.uses_payment_source or order.payer is not None:
        body["payment_source"] = {"paypal": _payment_source_paypal(order.payer)}
    body["purchase_units"] = [unit]
    if order.payer is not None:
        body["payer"] = order.payer
    body.update(create_time=order.create_time, update_time=order.update_time, links=links)
    return body


def _payment_source_paypal(payer: dict[str, Any] | None) -> dict[str, Any]:
    if payer is None:
        return {}
    return {
        "email_address": payer["email_address"],
        "account_id": payer["payer_id"],
        "account_status": "VERIFIED",
        "name": payer["name"],
        "address": payer["address"],
    }


def _order_links(order: SimulatedOrder, request: Request) -> list[dict[str, str]]:
    """Return the HATEOAS links that PayPal lists for an order in this status."""
    links = [{"href": str(request.url_for(ORDER_ROUTE, order_id=order.id)), "rel": "self", "method": "GET"}]
    capture = {"href": str(request.url_for(CAPTURE_ROUTE, order_id=order.id)), "rel": "capture", "method": "POST"}

    if order.status == "PAYER_ACTION_REQUIRED":
        links.append({"href": _checkout_url(request, order.id), "rel": "payer-action", "method": "GET"})
    elif order.status == "CREATED":
        links.append({"href": _checkout_url(request, order.id), "rel": "approve", "method": "GET"})
        links.append(capture)
    elif order.status == "APPROVED":
        links.append(capture)
    return links


def _checkout_url(request: Request, order_id: str) -> str:
    return _with_query(str(request.url_for(CHECKOUT_ROUTE)), {"token": order_id})


def _with_query(url: str, params: dict[str, str]) -> str:
    """Append ``params`` to the URL's query string, keeping the parameters it has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


# Buyer pages


def _page_language(order: SimulatedOrder | None, request: Request) -> str:
    """Return ``en`` when the order's locale, or else the browser's language, is English."""
    locale = order.experience.get("locale", "") if order is not None else request.headers.get("Accept-Language", "")
    return "en" if locale.lower().startswith("en") else "es"


def _checkout_problem(token: str | None, order: SimulatedOrder | None, language: str) -> Response | None:
    """Return the error page for a checkout link that cannot be paid, or None."""
    if not token:
        return _message_page(language, "missing_token", "", 400)
    if order is None:
        return _message_page(language, "not_found", token, 404)
    if order.status == "COMPLETED":
        return _message_page(language, "captured", order.id, 409)
    return None


def _redirect_or_page(
    url: str | None, params: dict[str, str], language: str, page: str, order_id: str
) -> Response:
    # The return and cancel URLs are optional at PayPal. Without one the buyer stays here.
    if url is None:
        return _message_page(language, page, order_id, 200)
    return RedirectResponse(_with_query(url, params), status_code=303)


def _message_page(language: str, page: str, order_id: str, status_code: int) -> HTMLResponse:
    if status_code >= 400:
        logger.info("PayPal simulator checkout page for order %r returned %s (%s)", order_id, status_code, page)

    text = PAGE_TEXT[language]
    return _render_page(
        "message.html",
        language,
        status_code=status_code,
        title=text[f"{page}_title"],
        message=text[f"{page}_message"].format(order_id=order_id),
    )


def _render_page(template: str, language: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _templates.get_template(template).render(language=language, text=PAGE_TEXT[language], **context)
    return HTMLResponse(html, status_code=status_code)


# Helpers


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _random_id(length: int) -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


def _timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
