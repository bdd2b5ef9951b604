"""The Payments v2 API: show captures, refund them and show refunds."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.money import Money
from bot.paypal.simulator.api import paypal_api, read_json_body, require_bearer_token, wants_minimal
from bot.paypal.simulator.errors import SimulatedApiError, resource_not_found
from bot.paypal.simulator.events import publish_refund
from bot.paypal.simulator.faults import TRANSPORT_FAULTS, transport_fault
from bot.paypal.simulator.parsing import parse_amount
from bot.paypal.simulator.rendering import (
    CAPTURE_DETAILS_ROUTE,
    REFUND_CAPTURE_ROUTE,
    REFUND_ROUTE,
    ResourceUrls,
    render_capture,
    render_refund,
)
from bot.paypal.simulator.state import SimulatorState
from bot.paypal.simulator.webhooks import WebhookSender


def add_payment_routes(router: APIRouter, state: SimulatorState, webhooks: WebhookSender) -> None:
    """Add the Payments v2 capture and refund endpoints, which require a bearer token."""

    @router.get("/v2/payments/captures/{capture_id}", name=CAPTURE_DETAILS_ROUTE)
    @paypal_api
    async def get_capture(request: Request, capture_id: str) -> Response:
        require_bearer_token(request, state)
        capture = state.find_capture(capture_id)
        if capture is None:
            raise resource_not_found(capture_id)
        return JSONResponse(render_capture(capture, ResourceUrls(request), standalone=True))

    @router.post("/v2/payments/captures/{capture_id}/refund", name=REFUND_CAPTURE_ROUTE)
    @paypal_api
    async def refund_capture(request: Request, capture_id: str) -> Response:
        require_bearer_token(request, state)
        amount, note_to_payer = _parse_refund_request(await read_json_body(request, required=False))
        urls = ResourceUrls(request)

        async with transport_fault(state.faults.take(capture_id, "refund", TRANSPORT_FAULTS)):
            refund, replayed = state.refund_capture(
                capture_id, amount, request.headers.get("PayPal-Request-Id"), note_to_payer
            )
            if not replayed:
                publish_refund(webhooks, refund, urls)
            # 200 for a replayed PayPal-Request-Id, as for create order.
            rendered = render_refund(refund, urls, minimal=wants_minimal(request))
            return JSONResponse(rendered, 200 if replayed else 201)

    @router.get("/v2/payments/refunds/{refund_id}", name=REFUND_ROUTE)
    @paypal_api
    async def get_refund(request: Request, refund_id: str) -> Response:
        require_bearer_token(request, state)
        refund = state.find_refund(refund_id)
        if refund is None:
            raise resource_not_found(refund_id)
        return JSONResponse(render_refund(refund, ResourceUrls(request)))


def _parse_refund_request(body: Any) -> tuple[Money | None, str | None]:
    """Return the refund amount (None for everything left) and the note to the payer.

    PayPal's refund request reference: an empty body refunds the captured amount minus
    earlier refunds, and ``amount`` refunds part of it.
    """
    if body is None:
        return None, None
    if not isinstance(body, dict):
        raise SimulatedApiError("INVALID_REQUEST", "MALFORMED_REQUEST_JSON", field="/")

    amount = parse_amount(body["amount"], "/amount") if body.get("amount") is not None else None
    note_to_payer = body.get("note_to_payer")
    if note_to_payer is not None and not isinstance(note_to_payer, str):
        raise SimulatedApiError("INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX", field="/note_to_payer")
    return amount, note_to_payer
