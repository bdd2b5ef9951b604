"""The Orders v2 API: create, show and capture orders."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.paypal.simulator.api import paypal_api, read_json_body, require_bearer_token, wants_minimal
from bot.paypal.simulator.errors import SimulatedApiError
from bot.paypal.simulator.parsing import parse_order_request
from bot.paypal.simulator.rendering import CAPTURE_ROUTE, ORDER_ROUTE, render_order
from bot.paypal.simulator.state import SimulatorState


def add_order_routes(router: APIRouter, state: SimulatorState) -> None:
    """Add the Orders v2 endpoints, which require a bearer token from the token endpoint."""

    @router.post("/v2/checkout/orders")
    @paypal_api
    async def create_order(request: Request) -> Response:
        require_bearer_token(request, state)
        body = await read_json_body(request, required=True)
        order, replayed = state.create_order(parse_order_request(body), request.headers.get("PayPal-Request-Id"))
        # 200 for a replayed PayPal-Request-Id, as PayPal's "API responses" reference lists.
        status_code = 200 if replayed else 201
        return JSONResponse(render_order(order, request, state, minimal=wants_minimal(request)), status_code)

    @router.get("/v2/checkout/orders/{order_id}", name=ORDER_ROUTE)
    @paypal_api
    async def get_order(request: Request, order_id: str) -> Response:
        require_bearer_token(request, state)
        order = state.find_order(order_id)
        if order is None:
            raise SimulatedApiError("RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", location="path", value=order_id)
        return JSONResponse(render_order(order, request, state, minimal=False))

    @router.post("/v2/checkout/orders/{order_id}/capture", name=CAPTURE_ROUTE)
    @paypal_api
    async def capture_order(request: Request, order_id: str) -> Response:
        require_bearer_token(request, state)
        await read_json_body(request, required=False)
        order = state.capture_order(order_id, request.headers.get("PayPal-Request-Id"))
        return JSONResponse(render_order(order, request, state, minimal=wants_minimal(request)), 201)
