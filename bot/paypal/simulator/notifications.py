"""The Webhooks v1 notification endpoints: verify a signature, show and resend an event, the certificate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from bot.paypal.simulator.api import paypal_api, read_json_body, require_bearer_token
from bot.paypal.simulator.errors import SimulatedApiError, resource_not_found
from bot.paypal.simulator.rendering import (
    RESEND_WEBHOOK_EVENT_ROUTE,
    WEBHOOK_CERT_ROUTE,
    WEBHOOK_EVENT_ROUTE,
    ResourceUrls,
)
from bot.paypal.simulator.state import SimulatorState
from bot.paypal.simulator.webhooks import WebhookSender

# The string fields of PayPal's verify-webhook-signature request, besides webhook_event.
VERIFY_STRING_FIELDS = (
    "auth_algo",
    "cert_url",
    "transmission_id",
    "transmission_sig",
    "transmission_time",
    "webhook_id",
)


def add_notification_routes(router: APIRouter, state: SimulatorState, webhooks: WebhookSender) -> None:
    """Add ``/v1/notifications/...``, which require a bearer token except the certificate."""

    @router.post("/v1/notifications/verify-webhook-signature")
    @paypal_api
    async def verify_webhook_signature(request: Request) -> Response:
        """Return SUCCESS only for the headers and event of a transmission that this simulator sent."""
        require_bearer_token(request, state)
        fields = _parse_verify_request(await read_json_body(request, required=True))
        verified = state.webhooks.verify(**fields)
        return JSONResponse({"verification_status": "SUCCESS" if verified else "FAILURE"})

    @router.get("/v1/notifications/webhooks-events/{event_id}", name=WEBHOOK_EVENT_ROUTE)
    @paypal_api
    async def get_webhook_event(request: Request, event_id: str) -> Response:
        require_bearer_token(request, state)
        event = state.webhooks.find_event(event_id)
        if event is None:
            raise resource_not_found(event_id)
        return Response(event[1], media_type="application/json")

    @router.post("/v1/notifications/webhooks-events/{event_id}/resend", name=RESEND_WEBHOOK_EVENT_ROUTE)
    @paypal_api
    async def resend_webhook_event(request: Request, event_id: str) -> Response:
        """Send the event again, as PayPal's resend endpoint does, and return it with 202."""
        require_bearer_token(request, state)
        event = state.webhooks.find_event(event_id)
        if event is None or not webhooks.enabled:
            raise resource_not_found(event_id)
        webhooks.redeliver(event_id, ResourceUrls(request))
        return Response(event[1], status_code=202, media_type="application/json")

    @router.get("/v1/notifications/certs/{cert_id}", name=WEBHOOK_CERT_ROUTE)
    async def show_webhook_cert(cert_id: str) -> Response:
        # PAYPAL-CERT-URL must point somewhere, but an HMAC signature has no public certificate.
        return PlainTextResponse(
            "The PayPal simulator signs webhooks with HMAC-SHA256 and a secret key, so there is no "
            "certificate. Verify a webhook with POST /v1/notifications/verify-webhook-signature.\n"
        )


def _parse_verify_request(body: Any) -> dict[str, Any]:
    """Validate a verify-webhook-signature request and return its fields as keyword arguments."""
    if not isinstance(body, dict):
        raise SimulatedApiError("INVALID_REQUEST", "MALFORMED_REQUEST_JSON", field="/")

    fields: dict[str, Any] = {}
    for name in (*VERIFY_STRING_FIELDS, "webhook_event"):
        if body.get(name) is None:
            raise SimulatedApiError("INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", field=f"/{name}")
        fields[name] = body[name]

    for name in VERIFY_STRING_FIELDS:
        if not isinstance(fields[name], str):
            raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field=f"/{name}")
    if not isinstance(fields["webhook_event"], dict):
        raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field="/webhook_event")
    return fields
