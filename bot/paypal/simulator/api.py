"""Request plumbing shared by the simulated APIs: credentials, JSON bodies and PayPal's error responses."""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
import logging
import secrets
from typing import Any, Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from bot.paypal.simulator.errors import SimulatedApiError
from bot.paypal.simulator.state import SimulatorState

logger = logging.getLogger(__name__)


async def read_json_body(request: Request, *, required: bool) -> Any:
    raw = await request.body()
    if not raw.strip() and not required:
        return None
    try:
        return json.loads(raw)
    except ValueError as error:
        raise SimulatedApiError("INVALID_REQUEST", "MALFORMED_REQUEST_JSON", field="/") from error


def has_client_credentials(request: Request, client_id: str, client_secret: str) -> bool:
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


def require_bearer_token(request: Request, state: SimulatorState) -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not state.is_token_valid(token):
        raise SimulatedApiError("AUTHENTICATION_FAILURE")


def wants_minimal(request: Request) -> bool:
    # PayPal's default is return=minimal: only id, status and links.
    return "return=representation" not in request.headers.get("Prefer", "")


def paypal_api(
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
