"""Exceptions raised by the PayPal client, and the one place that maps HTTP status to them.

Callers catch ``PayPalError`` for any PayPal failure. No httpx exception leaves the client:
transport errors are wrapped in ``PayPalUnavailable`` with the httpx error as ``__cause__``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Issue(StrEnum):
    """``PayPalRequestError.issue`` values that callers act on, from PayPal's Orders v2 and Payments v2 errors.

    ``issue`` stays a plain string, so it can also hold issues not listed here, and
    ``error.issue == Issue.REFUND_AMOUNT_EXCEEDED`` compares as strings.
    """

    # 404 for an unknown id, and also for an order that expired, which PayPal no longer shows.
    INVALID_RESOURCE_ID = "INVALID_RESOURCE_ID"
    # Capturing an order (422).
    ORDER_NOT_APPROVED = "ORDER_NOT_APPROVED"
    ORDER_ALREADY_CAPTURED = "ORDER_ALREADY_CAPTURED"
    # The buyer's funding source failed: send the buyer back to the order's approval link.
    INSTRUMENT_DECLINED = "INSTRUMENT_DECLINED"
    # Refunding a capture (422).
    REFUND_AMOUNT_EXCEEDED = "REFUND_AMOUNT_EXCEEDED"
    CAPTURE_FULLY_REFUNDED = "CAPTURE_FULLY_REFUNDED"
    PENDING_CAPTURE = "PENDING_CAPTURE"
    REFUND_NOT_ALLOWED = "REFUND_NOT_ALLOWED"
    REFUND_CAPTURE_CURRENCY_MISMATCH = "REFUND_CAPTURE_CURRENCY_MISMATCH"


class PayPalError(Exception):
    """Base class of every error that the PayPal client raises.

    Raised directly when PayPal returns 2xx with a body that the client cannot read.
    """


class PayPalUnavailable(PayPalError):
    """Raised when PayPal could not be reached, timed out or responded with 5xx after all retries.

    The outcome is unknown: PayPal may have processed the request. Repeat it later with the
    same PayPal-Request-Id, which PayPal uses to return the earlier result instead of acting
    twice (PayPal REST API reference, "Idempotency").
    """

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class PayPalRequestError(PayPalError):
    """Raised when PayPal rejects a request with a 4xx status.

    ``name`` is PayPal's error name (``UNPROCESSABLE_ENTITY``) and ``issue`` the first
    ``details[].issue`` (``ORDER_NOT_APPROVED``), or None when PayPal sent no details.
    ``Issue`` lists the issues that the client's callers handle.
    """

    def __init__(
        self,
        *,
        status_code: int,
        name: str,
        message: str,
        issue: str | None = None,
        debug_id: str | None = None,
        details: tuple[dict[str, Any], ...] = (),
        method: str = "",
        path: str = "",
    ) -> None:
        self.status_code = status_code
        self.name = name
        self.message = message
        self.issue = issue
        self.debug_id = debug_id
        self.details = details
        self.method = method
        self.path = path
        super().__init__(self._describe())

    def _describe(self) -> str:
        issue = f" ({self.issue})" if self.issue else ""
        return (
            f"PayPal {self.method} {self.path} failed with {self.status_code} {self.name}{issue}: "
            f"{self.message} [debug id {self.debug_id}]"
        )


class PayPalAuthError(PayPalRequestError):
    """Raised when PayPal rejects the client credentials or the access token.

    Check PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET and that they belong to the environment
    (sandbox or live) that ``base_url`` points to.
    """


def error_from_response(
    *,
    status_code: int,
    body: Any,
    debug_id: str | None,
    method: str,
    path: str,
    is_token_request: bool,
) -> PayPalError:
    """Build the exception for a non-2xx response that the client will not retry.

    PayPal's REST APIs send ``{"name", "message", "debug_id", "details"}``, while the OAuth
    token endpoint sends ``{"error", "error_description"}``. Both forms are read here.
    """
    fields = _read_error_body(body, status_code)
    fields["debug_id"] = fields["debug_id"] or debug_id

    # 401: the credentials (token endpoint) or the bearer token (API) were rejected.
    # Any other failure of the token endpoint also means we cannot authenticate.
    if status_code == 401 or (is_token_request and 400 <= status_code < 500):
        return PayPalAuthError(status_code=status_code, method=method, path=path, **fields)
    # Other 4xx: the request itself is wrong, e.g. 400 INVALID_REQUEST, 403 NOT_AUTHORIZED,
    # 404 RESOURCE_NOT_FOUND, 422 UNPROCESSABLE_ENTITY. Retrying the same request cannot help.
    if 400 <= status_code < 500:
        return PayPalRequestError(status_code=status_code, method=method, path=path, **fields)
    # 5xx: PayPal failed. The client only gets here after its retries are spent.
    if status_code >= 500:
        return PayPalUnavailable(
            f"PayPal {method} {path} failed with {status_code} {fields['name']}: "
            f"{fields['message']} [debug id {fields['debug_id']}]",
            status_code=status_code,
        )
    # 1xx or 3xx: PayPal's REST APIs send neither, so the base URL is probably wrong.
    return PayPalError(
        f"PayPal {method} {path} returned unexpected status {status_code}. "
        "Check that base_url points to PayPal's REST API"
    )


def _read_error_body(body: Any, status_code: int) -> dict[str, Any]:
    if not isinstance(body, dict):
        body = {}

    raw_details = body.get("details")
    details = tuple(item for item in raw_details if isinstance(item, dict)) if isinstance(raw_details, list) else ()
    issue = details[0].get("issue") if details else None

    return {
        "name": str(body.get("name") or body.get("error") or f"HTTP_{status_code}"),
        "message": str(body.get("message") or body.get("error_description") or "no error message in the response"),
        "issue": issue,
        "debug_id": body.get("debug_id"),
        "details": details,
    }
