"""The Orders v2 API: create, show and capture orders."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.paypal.simulator.api import paypal_api, read_json_body, require_bearer_token, wants_minimal
from bot.paypal.simulator.errors import resource_not_found
from bot.paypal.simulator.events import publish_capture
from bot.paypal.simulator.faults import TRANSPORT_FAULTS, transport_fault
from bot.paypal.simulator.parsing import parse_order_request
from bot.paypal.simulator.rendering import CAPTURE_ROUTE, ORDER_ROUTE, ResourceUrls, render_order
from bot.paypal.simulator.state import SimulatorState
from bot.paypal.simulator.webhooks import WebhookSender


def add_order_routes(router: APIRouter, state: SimulatorState, webhooks: WebhookSender) -> None:
    """Add the Orders v2 endpoints, which require a bearer token from the token endpoint."""

    @router.post("/v2/checkout/orders")
    @paypal_api
    async def create_order(request: Request) -> Response:
        require_bearer_token(request, state)
        body = await read_json_body(request, required=True)
        order, replayed = state.create_order(parse_order_request(body), request.headers.get("PayPal-Request-Id"))
        # 200 for a replayed PayPal-Request-Id, as PayPal's "API responses" reference lists.
        status_code = 200 if replayed else 201
        rendered = render_order(order, ResourceUrls(request), state.merchant_id, minimal=wants_minimal(request))
        return JSONResponse(rendered, status_code)

    @router.get("/v2/checkout/orders/{order_id}", name=ORDER_ROUTE)
    @paypal_api
    async def get_order(request: Request, order_id: str) -> Response:
        require_bearer_token(request, state)
        order = state.find_order(order_id)
        # The API returns an expired order's 404 as for an unknown id (see SimulatorState._get_order).
        if order is None or order.expired:
            raise resource_not_found(order_id)
        return JSONResponse(render_order(order, ResourceUrls(request), state.merchant_id, minimal=False))

    @router.post("/v2/checkout/orders/{order_id}/capture", name=CAPTURE_ROUTE)
    @paypal_api
    async def capture_order(request: Request, order_id: str) -> Response:
        require_bearer_token(request, state)
        await read_json_body(request, required=False)
        urls = ResourceUrls(request)

        async with transport_fault(state.faults.take(order_id, "capture", TRANSPORT_FAULTS)):
            result = state.capture_order(order_id, request.headers.get("PayPal-Request-Id"))
            if result.new_capture is not None:
                publish_capture(webhooks, result.new_capture, urls)
            rendered = render_order(result.order, urls, state.merchant_id, minimal=wants_minimal(request))
            return JSONResponse(rendered, 201)
