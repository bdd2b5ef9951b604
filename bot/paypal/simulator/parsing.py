"""Validation of request bodies as PayPal's Orders v2 and Payments v2 APIs validate them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from bot.money import PAYPAL_CURRENCIES, Money, currency_exponent
from bot.paypal.simulator.errors import SimulatedApiError
from bot.paypal.simulator.models import OrderRequest

# PayPal's pattern for money values in the Orders v2 schema, with its maximum length of 32.
AMOUNT_VALUE_PATTERN = re.compile(r"-?[0-9]+|-?([0-9]+)?[.][0-9]+")
AMOUNT_VALUE_MAX_LENGTH = 32

EXPERIENCE_FIELDS = ("return_url", "cancel_url", "locale", "brand_name", "user_action", "shipping_preference")
EXPERIENCE_ENUMS = {
    "user_action": {"CONTINUE", "PAY_NOW"},
    "shipping_preference": {"GET_FROM_FILE", "NO_SHIPPING", "SET_PROVIDED_ADDRESS"},
}


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

    amount = parse_amount(unit.get("amount"), f"{pointer}/amount")
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


def parse_amount(amount: Any, pointer: str) -> Money:
    """Validate a money object at JSON pointer ``pointer`` and return it, or raise ``SimulatedApiError``."""
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
        if not isinstance(value, str) or (key.endswith("_url") and not is_web_url(value)):
            raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field=f"{pointer}/{key}", value=value)
        if key in EXPERIENCE_ENUMS and value not in EXPERIENCE_ENUMS[key]:
            raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_VALUE", field=f"{pointer}/{key}", value=value)
        experience[key] = value
    return experience, source is not None


def is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
