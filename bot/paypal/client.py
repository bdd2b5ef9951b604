"""Synchronous client for PayPal's REST Orders v2, Payments v2 and webhook verification APIs, over httpx.

The client gets an OAuth 2.0 client-credentials token, creates orders that the buyer approves
on PayPal, reads them back, captures and refunds them, and calls PayPal to verify the signature
of a webhook event. Every failure is raised as a ``PayPalError`` (see ``bot.paypal.errors``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.money import InvalidAmount, Money
from bot.paypal.errors import PayPalError, PayPalUnavailable, error_from_response

logger = logging.getLogger(__name__)

TOKEN_PATH = "/v1/oauth2/token"
ORDERS_PATH = "/v2/checkout/orders"
CAPTURES_PATH = "/v2/payments/captures"
VERIFY_WEBHOOK_SIGNATURE_PATH = "/v1/notifications/verify-webhook-signature"

# Fields of PayPal's verify-webhook-signature request and the webhook headers that carry them.
WEBHOOK_SIGNATURE_HEADERS = {
    "auth_algo": "paypal-auth-algo",
    "cert_url": "paypal-cert-url",
    "transmission_id": "paypal-transmission-id",
    "transmission_sig": "paypal-transmission-sig",
    "transmission_time": "paypal-transmission-time",
}

# Refresh the token this long before the expiry that PayPal reports, so that a request
# never leaves with a token that expires on the way.
TOKEN_EXPIRY_MARGIN_SECONDS = 60.0

# Wait before retry n: 0.25 s, 0.5 s, 1 s, ... capped, so that two retries cost under a second.
BACKOFF_BASE_SECONDS = 0.25
BACKOFF_MAX_SECONDS = 2.0

# A connect that takes longer than this means network trouble, and failing early leaves
# time for a retry within the caller's overall timeout.
MAX_CONNECT_TIMEOUT_SECONDS = 5.0

# Links that send the buyer to PayPal: ``payer-action`` when the order was created with
# ``payment_source.paypal``, ``approve`` with the deprecated ``application_context``.
APPROVAL_LINK_RELS = ("payer-action", "approve")


@dataclass(frozen=True)
class Capture:
    """A captured payment, from an order's ``purchase_units[0].payments.captures[]`` or the Payments API.

    ``status`` is COMPLETED, PENDING, DECLINED, PARTIALLY_REFUNDED, REFUNDED or FAILED.
    ``status_reason`` is PayPal's ``status_details.reason``, e.g. ``PENDING_REVIEW`` for a
    pending capture. ``order_id`` is None when PayPal's response did not name the order.
    """

    id: str
    status: str
    amount: Money
    status_reason: str | None = None
    order_id: str | None = None


@dataclass(frozen=True)
class Refund:
    """A refund of a capture. ``capture_id`` comes from the refund's ``up`` link, None without one."""

    id: str
    status: str
    amount: Money
    capture_id: str | None


@dataclass(frozen=True)
class Order:
    """A PayPal order as the Orders v2 API returned it.

    ``captures`` lists every capture, oldest first, each with its status and ``status_reason``.
    ``raw`` is the whole JSON body.
    """

    id: str
    status: str
    approve_url: str | None
    reference_id: str | None
    amount: Money
    captures: tuple[Capture, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def completed_capture(self) -> Capture | None:
        """The first capture whose status is ``COMPLETED``, or None.

        An order whose status is COMPLETED may still contain a declined or pending capture,
        so PayPal's order status reference advises checking the capture status before
        fulfilling the order.
        """
        for capture in self.captures:
            if capture.status == "COMPLETED":
                return capture
        return None


class PayPalClient:
    """Client for PayPal's Orders v2 API with token caching and bounded retries.

    ``base_url`` is ``https://api-m.sandbox.paypal.com``, ``https://api-m.paypal.com`` or the
    simulator's URL. Pass ``http`` to reuse a connection pool. The client then leaves it open
    on ``close()``, but still sets the timeouts on every request.
    The client is safe to share between threads.
    """

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        timeout: float = 10.0,
        max_retries: int = 2,
        http: httpx.Client | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive seconds, got {timeout!r}")
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {max_retries!r}")

        self._base_url = _validate_base_url(base_url)
        self._credentials = (client_id, client_secret)
        self._timeout = httpx.Timeout(
            connect=min(timeout, MAX_CONNECT_TIMEOUT_SECONDS), read=timeout, write=timeout, pool=timeout
        )
        self._max_retries = max_retries
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=self._timeout)

        self._token_lock = threading.Lock()
        self._token: str | None = None
        self._token_refresh_at = 0.0

    def __repr__(self) -> str:
        # Leave the credentials out, because a repr may end up in a log or a traceback.
        return f"PayPalClient(base_url={self._base_url!r})"

    def __enter__(self) -> "PayPalClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool, unless the caller passed its own ``http`` client."""
        if self._owns_http:
            self._http.close()

    # Orders API

    def create_order(
        self,
        *,
        amount: Money,
        reference_id: str,
        description: str,
        return_url: str,
        cancel_url: str,
        request_id: str,
        locale: str = "es-MX",
        brand_name: str | None = None,
    ) -> Order:
        """Create a CAPTURE order for one purchase unit and return it with its approval URL.

        Send the buyer to ``Order.approve_url``. PayPal then redirects them to ``return_url``
        with ``token=<order id>&PayerID=...``, or to ``cancel_url`` with ``token=<order id>``.
        Repeating the call with the same ``request_id`` returns the same order.
        """
        experience_context: dict[str, str] = {
            "return_url": return_url,
            "cancel_url": cancel_url,
            "locale": locale,
            # PAY_NOW shows "Pay Now" on PayPal because the payment completes on our return
            # page; NO_SHIPPING because event tickets need no shipping address.
            "user_action": "PAY_NOW",
            "shipping_preference": "NO_SHIPPING",
        }
        if brand_name is not None:
            experience_context["brand_name"] = brand_name

        body = {
            "intent": "CAPTURE",
            "purchase_units": [
                {"reference_id": reference_id, "description": description, "amount": amount.to_paypal()}
            ],
            "payment_source": {"paypal": {"experience_context": experience_context}},
        }
        response = self._call_api("POST", ORDERS_PATH, json_body=body, request_id=request_id)
        return parse_order(response)

    def get_order(self, order_id: str) -> Order:
        """Return the order's current state, e.g. to check it after the buyer returns."""
        return parse_order(self._call_api("GET", f"{ORDERS_PATH}/{order_id}"))

    def capture_order(self, order_id: str, *, request_id: str) -> Order:
        """Capture an approved order and return it with its captures.

        Raises ``PayPalRequestError`` with issue ``ORDER_NOT_APPROVED`` before the buyer
        approved, and ``ORDER_ALREADY_CAPTURED`` after an earlier capture with another
        ``request_id``. Repeating the same ``request_id`` returns the first capture again.
        """
        response = self._call_api("POST", f"{ORDERS_PATH}/{order_id}/capture", json_body={}, request_id=request_id)
        return parse_order(response)

    # Payments API

    def get_capture(self, capture_id: str) -> Capture:
        """Return the capture's current state, e.g. after a webhook event reports a change."""
        return parse_capture(self._call_api("GET", f"{CAPTURES_PATH}/{capture_id}"))

    def refund_capture(
        self, capture_id: str, *, amount: Money | None, request_id: str, note: str | None = None
    ) -> Refund:
        """Refund ``amount`` of a capture, or all that is not yet refunded when ``amount`` is None.

        ``note`` is PayPal's ``note_to_payer``, shown to the buyer. Repeating the call with the
        same ``request_id`` returns the first refund instead of refunding twice. Raises
        ``PayPalRequestError`` with issue ``REFUND_AMOUNT_EXCEEDED`` for more than the
        capture has left, ``CAPTURE_FULLY_REFUNDED`` when nothing is left and
        ``PENDING_CAPTURE`` while the capture is pending (see ``Issue``).
        """
        body: dict[str, Any] = {}
        if amount is not None:
            body["amount"] = amount.to_paypal()
        if note is not None:
            body["note_to_payer"] = note

        response = self._call_api("POST", f"{CAPTURES_PATH}/{capture_id}/refund", json_body=body, request_id=request_id)
        return parse_refund(response)

    # Webhooks API

    def verify_webhook_signature(self, *, headers: Mapping[str, str], raw_body: bytes, webhook_id: str) -> bool:
        """Ask PayPal whether a received webhook event is authentic and unchanged.

        ``headers`` are the received HTTP headers, in any letter case, and ``raw_body`` the
        received bytes. Returns True only when PayPal responds with ``verification_status``
        SUCCESS. Returns False without calling PayPal when a PAYPAL-* signature header is missing or
        the body is not a JSON object. Raises ``PayPalUnavailable`` when PayPal cannot be
        reached, and ``PayPalRequestError`` when it rejects the request, e.g. an invalid
        ``webhook_id``.
        """
        received = {name.lower(): value for name, value in headers.items()}
        fields = {field_name: received.get(header) for field_name, header in WEBHOOK_SIGNATURE_HEADERS.items()}
        missing = sorted(header for field_name, header in WEBHOOK_SIGNATURE_HEADERS.items() if not fields[field_name])
        if missing:
            logger.warning("Webhook event not verified: missing headers %s", ", ".join(missing))
            return False

        event_text = _json_object_text(raw_body)
        if event_text is None:
            logger.warning("Webhook event not verified: the body is not a JSON object")
            return False

        # The event goes into the request as the received text, because parsing and
        # serialising it again can change the bytes that PayPal's signature covers.
        request_text = (
            "{"
            + "".join(f"{json.dumps(name)}:{json.dumps(value)}," for name, value in fields.items())
            + f'"webhook_id":{json.dumps(webhook_id)},"webhook_event":{event_text}'
            + "}"
        )
        response = self._call_api("POST", VERIFY_WEBHOOK_SIGNATURE_PATH, content=request_text.encode("utf-8"))

        status = response.get("verification_status")
        if status != "SUCCESS":
            logger.warning(
                "PayPal did not verify webhook transmission %s: verification_status %r",
                fields["transmission_id"],
                status,
            )
        return status == "SUCCESS"

    # Transport

    def _call_api(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        """Send a request with a bearer token and return the JSON body.

        ``content`` is JSON text sent as it is, in place of ``json_body``.
        """
        headers = {"Accept": "application/json"}
        body: dict[str, Any] = {"json": json_body}
        if content is not None:
            headers["Content-Type"] = "application/json"
            body = {"content": content}
        if request_id is not None:
            headers["PayPal-Request-Id"] = request_id
            # Ask for the whole resource, because PayPal's default (return=minimal) omits
            # purchase_units of an order and the amount of a refund.
            headers["Prefer"] = "return=representation"

        token = self._access_token()
        response = self._send(method, path, **body, headers={**headers, "Authorization": f"Bearer {token}"})

        if response.status_code == 401:
            # The token may have been revoked or have expired early, so fetch a new token once.
            logger.info("PayPal rejected the access token on %s %s, fetching a new token", method, path)
            self._drop_token(token)
            token = self._access_token()
            response = self._send(method, path, **body, headers={**headers, "Authorization": f"Bearer {token}"})

        return self._read_json(response, method, path, is_token_request=False)

    def _access_token(self) -> str:
        # The lock keeps threads that find the cache empty from each fetching a token.
        with self._token_lock:
            if self._token is not None and time.monotonic() < self._token_refresh_at:
                return self._token

            response = self._send(
                "POST",
                TOKEN_PATH,
                data={"grant_type": "client_credentials"},
                headers={"Accept": "application/json"},
                auth=self._credentials,
            )
            body = self._read_json(response, "POST", TOKEN_PATH, is_token_request=True)

            try:
                token = str(body["access_token"])
                expires_in = float(body["expires_in"])
            except (KeyError, TypeError, ValueError) as error:
                raise PayPalError(f"PayPal token response has no usable access_token and expires_in: {error!r}") from error

            self._token = token
            self._token_refresh_at = time.monotonic() + expires_in - TOKEN_EXPIRY_MARGIN_SECONDS
            logger.info("Fetched a PayPal access token that expires in %s s", int(expires_in))
            return token

    def _drop_token(self, rejected_token: str) -> None:
        with self._token_lock:
            # Another thread may already have replaced the rejected token with a fresh one.
            if self._token == rejected_token:
                self._token = None

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send one request, retrying timeouts, transport errors and 5xx with backoff.

        Returns the first response below 500. Retrying POSTs is safe because create, capture
        and refund carry a PayPal-Request-Id, a token request only issues another token and
        verifying a webhook signature changes nothing.
        """
        url = self._base_url + path
        attempts = self._max_retries + 1
        last_error: httpx.TransportError | None = None
        last_response: httpx.Response | None = None

        for attempt in range(1, attempts + 1):
            if attempt > 1:
                time.sleep(min(BACKOFF_BASE_SECONDS * 2 ** (attempt - 2), BACKOFF_MAX_SECONDS))

            try:
                response = self._http.request(method, url, timeout=self._timeout, **kwargs)
            except httpx.TransportError as error:
                last_error, last_response = error, None
                logger.warning(
                    "PayPal %s %s failed on attempt %s of %s: %r", method, path, attempt, attempts, error
                )
                continue
            except httpx.RequestError as error:
                # Not a transport fault (e.g. too many redirects), so a retry cannot help.
                raise PayPalError(f"PayPal {method} {path} failed: {error!r}") from error

            logger.debug(
                "PayPal %s %s -> %s (debug id %s)",
                method,
                path,
                response.status_code,
                response.headers.get("PayPal-Debug-Id"),
            )
            if response.status_code < 500:
                return response

            last_error, last_response = None, response
            logger.warning(
                "PayPal %s %s responded with %s on attempt %s of %s",
                method,
                path,
                response.status_code,
                attempt,
                attempts,
            )

        if last_response is not None:
            raise self._error_for(last_response, method, path, is_token_request=path == TOKEN_PATH)
        raise PayPalUnavailable(
            f"PayPal {method} {path} failed after {attempts} attempts: {last_error!r}. "
            "Try again later with the same PayPal-Request-Id"
        ) from last_error

    def _read_json(self, response: httpx.Response, method: str, path: str, *, is_token_request: bool) -> dict[str, Any]:
        if not response.is_success:
            raise self._error_for(response, method, path, is_token_request=is_token_request)

        try:
            body = response.json()
        except ValueError as error:
            raise PayPalError(f"PayPal {method} {path} returned {response.status_code} without a JSON body") from error
        if not isinstance(body, dict):
            raise PayPalError(f"PayPal {method} {path} returned a JSON {type(body).__name__}, expected an object")
        return body

    @staticmethod
    def _error_for(response: httpx.Response, method: str, path: str, *, is_token_request: bool) -> PayPalError:
        try:
            body = response.json()
        except ValueError:
            body = None
        return error_from_response(
            status_code=response.status_code,
            body=body,
            debug_id=response.headers.get("PayPal-Debug-Id"),
            method=method,
            path=path,
            is_token_request=is_token_request,
        )


def parse_order(body: dict[str, Any]) -> Order:
    """Build an ``Order`` from an Orders v2 JSON body, or raise ``PayPalError`` if it is malformed."""
    try:
        unit = body["purchase_units"][0]
        payments = unit.get("payments") or {}
        captures = tuple(_capture_from_json(item, order_id=body["id"]) for item in payments.get("captures") or ())

        # PayPal's capture response may leave out purchase_units[].amount. The captured
        # amount is then the order amount, because an order with intent CAPTURE is
        # captured in full, once.
        if "amount" in unit:
            amount = _parse_money(unit["amount"])
        elif captures:
            amount = captures[0].amount
        else:
            raise KeyError("purchase_units[0].amount")

        return Order(
            id=body["id"],
            status=body["status"],
            approve_url=_find_approval_url(body.get("links") or ()),
            reference_id=unit.get("reference_id"),
            amount=amount,
            captures=captures,
            raw=body,
        )
    except (KeyError, IndexError, TypeError, InvalidAmount) as error:
        raise PayPalError(f"PayPal order body is missing or has an invalid field: {error!r}") from error


def parse_capture(body: dict[str, Any]) -> Capture:
    """Build a ``Capture`` from a Payments v2 capture body, or raise ``PayPalError`` if it is malformed."""
    try:
        related_ids = (body.get("supplementary_data") or {}).get("related_ids") or {}
        return _capture_from_json(body, order_id=related_ids.get("order_id"))
    except (KeyError, TypeError, AttributeError, InvalidAmount) as error:
        raise PayPalError(f"PayPal capture body is missing or has an invalid field: {error!r}") from error


def parse_refund(body: dict[str, Any]) -> Refund:
    """Build a ``Refund`` from a Payments v2 refund body, or raise ``PayPalError`` if it is malformed."""
    try:
        up_url = _find_link(body.get("links") or (), ("up",))
        return Refund(
            id=body["id"],
            status=body["status"],
            amount=_parse_money(body["amount"]),
            # The up link is .../v2/payments/captures/{capture id}.
            capture_id=up_url.rstrip("/").rsplit("/", 1)[-1] if up_url else None,
        )
    except (KeyError, TypeError, InvalidAmount) as error:
        raise PayPalError(f"PayPal refund body is missing or has an invalid field: {error!r}") from error


def _capture_from_json(item: dict[str, Any], *, order_id: str | None) -> Capture:
    return Capture(
        id=item["id"],
        status=item["status"],
        amount=_parse_money(item["amount"]),
        status_reason=(item.get("status_details") or {}).get("reason"),
        order_id=order_id,
    )


def _json_object_text(raw_body: bytes) -> str | None:
    """Return the body as text if it is UTF-8 JSON with an object at the top, else None."""
    try:
        text = raw_body.decode("utf-8")
        parsed = json.loads(text)
    except ValueError:
        return None
    return text if isinstance(parsed, dict) else None


def _validate_base_url(base_url: str) -> str:
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as error:
        raise ValueError(f"base_url is not a valid URL: {base_url!r}") from error
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
    return base_url.rstrip("/")


def _parse_money(amount: dict[str, Any]) -> Money:
    return Money.parse(amount["value"], amount["currency_code"])


def _find_approval_url(links: Any) -> str | None:
    return _find_link(links, APPROVAL_LINK_RELS)


def _find_link(links: Any, rels: tuple[str, ...]) -> str | None:
    for link in links:
        if isinstance(link, dict) and link.get("rel") in rels:
            return link.get("href")
    return None
