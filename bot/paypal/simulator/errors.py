"""PayPal API errors as the simulator returns them: error names, issues and the JSON body."""

from __future__ import annotations

from typing import Any

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
    "INTERNAL_SERVER_ERROR": (500, "An internal server error has occurred."),
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
    "INSTRUMENT_DECLINED": (
        "The instrument presented was either declined by the processor or bank, or it can't be used for this payment."
    ),
    # Payments v2 refund issues, with the messages of PayPal's Payments v2 error pages.
    "REFUND_AMOUNT_EXCEEDED": (
        "The refund amount must be less than or equal to the capture amount that has not yet been refunded."
    ),
    "CAPTURE_FULLY_REFUNDED": "The capture has already been fully refunded.",
    "PENDING_CAPTURE": "Cannot initiate a refund as the capture is pending.",
    "REFUND_NOT_ALLOWED": "Capture cannot be refunded.",
    "REFUND_CAPTURE_CURRENCY_MISMATCH": "Refund must be in the same currency as the capture.",
}

# Issues that PayPal documents under the Payments v2 API; the others are Orders v2 issues.
PAYMENTS_API_ISSUES = frozenset(
    {
        "REFUND_AMOUNT_EXCEEDED",
        "CAPTURE_FULLY_REFUNDED",
        "PENDING_CAPTURE",
        "REFUND_NOT_ALLOWED",
        "REFUND_CAPTURE_CURRENCY_MISMATCH",
    }
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
        api = "payments" if self.issue in PAYMENTS_API_ISSUES else "orders"
        body["links"] = [
            {
                "href": f"https://developer.paypal.com/docs/api/{api}/v2/#error-{self.issue}",
                "rel": "information_link",
                "method": "GET",
            }
        ]
        return body


def resource_not_found(resource_id: str) -> SimulatedApiError:
    """Return the 404 that PayPal sends for an unknown order, capture or refund id."""
    return SimulatedApiError("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", location="path", value=resource_id)


class SimulatorConflict(Exception):
    """Raised when a control request does not fit the record's state, e.g. completing a completed capture.

    Control routes return it as 409 with the message, because controls are not PayPal APIs.
    """
