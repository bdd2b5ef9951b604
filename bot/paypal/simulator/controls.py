"""Control endpoints under ``/simulator`` that tests use to steer the simulator.

They exist only in the simulator: PayPal's sandbox and live APIs have nothing like them, so
code under test must never call them. They take no credentials, because the simulator is
served for local runs and tests. Errors are FastAPI's ``{"detail": ...}`` with 400, 404 or
409, not PayPal error bodies, to keep them apart from the simulated APIs.

- ``POST /simulator/orders/{id}/faults`` ``{"capture": "timeout" | "http_500" | "declined" |
  "pending" | "amount_mismatch", "times": 1, "delay_seconds": 15, "reason": "PENDING_REVIEW",
  "amount": "10.00"}``: arm a fault for the order's next captures (see ``faults``).
- ``POST /simulator/captures/{id}/faults`` ``{"refund": "timeout" | "http_500", ...}``.
- ``POST /simulator/orders/{id}/expire``: expire an order that has no capture.
- ``POST /simulator/captures/{id}/complete`` and ``/deny``: settle a pending capture.
- ``POST /simulator/captures/{id}/reverse``: reverse a completed capture, as after a chargeback.
- ``GET /simulator/webhooks``: every webhook transmission, oldest first.
- ``POST /simulator/webhooks/{event_id}/redeliver``: send an event again.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from bot.paypal.simulator.errors import SimulatorConflict
from bot.paypal.simulator.events import publish_capture, publish_refund
from bot.paypal.simulator.faults import CAPTURE_FAULTS, ORDER_FAULTS, parse_fault
from bot.paypal.simulator.rendering import ResourceUrls, render_capture
from bot.paypal.simulator.state import SimulatorState
from bot.paypal.simulator.webhooks import WebhookSender

PREFIX = "/simulator"


def add_control_routes(
    router: APIRouter, state: SimulatorState, webhooks: WebhookSender, *, fault_delay_seconds: float
) -> None:
    """Add the control endpoints. ``fault_delay_seconds`` is the default hold of a ``timeout`` fault."""

    @router.post(PREFIX + "/orders/{order_id}/faults")
    async def arm_order_fault(request: Request, order_id: str) -> JSONResponse:
        if state.find_order(order_id) is None:
            raise HTTPException(404, f"no order {order_id!r} in the simulator")
        return _arm_fault(state, order_id, await _read_json(request), ORDER_FAULTS, fault_delay_seconds)

    @router.post(PREFIX + "/captures/{capture_id}/faults")
    async def arm_capture_fault(request: Request, capture_id: str) -> JSONResponse:
        if state.find_capture(capture_id) is None:
            raise HTTPException(404, f"no capture {capture_id!r} in the simulator")
        return _arm_fault(state, capture_id, await _read_json(request), CAPTURE_FAULTS, fault_delay_seconds)

    @router.post(PREFIX + "/orders/{order_id}/expire")
    async def expire_order(order_id: str) -> JSONResponse:
        try:
            order = state.expire_order(order_id)
        except KeyError:
            raise HTTPException(404, f"no order {order_id!r} in the simulator") from None
        except SimulatorConflict as error:
            raise HTTPException(409, str(error)) from None
        return JSONResponse({"id": order.id, "status": order.status, "expired": order.expired})

    @router.post(PREFIX + "/captures/{capture_id}/complete")
    async def complete_capture(request: Request, capture_id: str) -> JSONResponse:
        return _settle(state, webhooks, ResourceUrls(request), capture_id, "COMPLETED")

    @router.post(PREFIX + "/captures/{capture_id}/deny")
    async def deny_capture(request: Request, capture_id: str) -> JSONResponse:
        return _settle(state, webhooks, ResourceUrls(request), capture_id, "DECLINED")

    @router.post(PREFIX + "/captures/{capture_id}/reverse")
    async def reverse_capture(request: Request, capture_id: str) -> JSONResponse:
        urls = ResourceUrls(request)
        try:
            capture, reversal = state.reverse_capture(capture_id)
        except KeyError:
            raise HTTPException(404, f"no capture {capture_id!r} in the simulator") from None
        except SimulatorConflict as error:
            raise HTTPException(409, str(error)) from None

        publish_refund(webhooks, reversal, urls)
        return JSONResponse(render_capture(capture, urls, standalone=True))

    @router.get(PREFIX + "/webhooks")
    async def list_webhook_deliveries() -> JSONResponse:
        return JSONResponse({"deliveries": [delivery.to_json() for delivery in state.webhooks.deliveries()]})

    @router.post(PREFIX + "/webhooks/{event_id}/redeliver")
    async def redeliver_webhook(request: Request, event_id: str) -> JSONResponse:
        """Queue a new transmission of the event and return it with 202, before it is sent."""
        if not webhooks.enabled:
            raise HTTPException(409, "no webhook_url is configured, so the simulator delivers no webhooks")
        try:
            delivery = webhooks.redeliver(event_id, ResourceUrls(request))
        except KeyError:
            raise HTTPException(404, f"no webhook event {event_id!r} in the simulator") from None
        return JSONResponse(delivery.to_json(), status_code=202)


def _arm_fault(
    state: SimulatorState, resource_id: str, body: Any, operations: dict[str, frozenset[str]], default_delay: float
) -> JSONResponse:
    try:
        operation, fault = parse_fault(body, operations, default_delay)
    except ValueError as error:
        raise HTTPException(400, str(error)) from None

    state.faults.arm(resource_id, operation, fault)
    return JSONResponse(
        {
            "resource_id": resource_id,
            "operation": operation,
            "fault": fault.mode,
            "times": fault.times,
            "delay_seconds": fault.delay_seconds,
        }
    )


def _settle(
    state: SimulatorState, webhooks: WebhookSender, urls: ResourceUrls, capture_id: str, status: str
) -> JSONResponse:
    try:
        capture = state.settle_capture(capture_id, status)
    except KeyError:
        raise HTTPException(404, f"no capture {capture_id!r} in the simulator") from None
    except SimulatorConflict as error:
        raise HTTPException(409, str(error)) from None

    publish_capture(webhooks, capture, urls)
    return JSONResponse(render_capture(capture, urls, standalone=True))


async def _read_json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise HTTPException(400, "the body must be JSON, e.g. {\"capture\": \"timeout\", \"times\": 1}") from None
