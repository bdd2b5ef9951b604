"""PayPal's JSON representation of the simulator's records, with their HATEOAS links."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Request

from bot.paypal.simulator.models import SimulatedOrder
from bot.paypal.simulator.state import SimulatorState

SIMULATED_MERCHANT_EMAIL = "merchant@example.com"

ORDER_ROUTE = "paypal_simulator_order"
CAPTURE_ROUTE = "paypal_simulator_capture"
CHECKOUT_ROUTE = "paypal_simulator_checkout"


def render_order(order: SimulatedOrder, request: Request, state: SimulatorState, *, minimal: bool) -> dict[str, Any]:
    links = _order_links(order, request)
    if minimal:
        return {"id": order.id, "status": order.status, "links": links}

    unit: dict[str, Any] = {
        **order.purchase_unit,
        "amount": order.amount.to_paypal(),
        "payee": {"email_address": SIMULATED_MERCHANT_EMAIL, "merchant_id": state.merchant_id},
    }
    if order.captures:
        order_url = str(request.url_for(ORDER_ROUTE, order_id=order.id))
        unit["payments"] = {
            "captures": [
                {**capture, "links": [{"href": order_url, "rel": "up", "method": "GET"}]} for capture in order.captures
            ]
        }

    body: dict[str, Any] = {"id": order.id, "intent": "CAPTURE", "status": order.status}
    if order.uses_payment_source or order.payer is not None:
        body["payment_source"] = {"paypal": _payment_source_paypal(order.payer)}
    body["purchase_units"] = [unit]
    if order.payer is not None:
        body["payer"] = order.payer
    body.update(create_time=order.create_time, update_time=order.update_time, links=links)
    return body


def _payment_source_paypal(payer: dict[str, Any] | None) -> dict[str, Any]:
    if payer is None:
        return {}
    return {
        "email_address": payer["email_address"],
        "account_id": payer["payer_id"],
        "account_status": "VERIFIED",
        "name": payer["name"],
        "address": payer["address"],
    }


def _order_links(order: SimulatedOrder, request: Request) -> list[dict[str, str]]:
    """Return the HATEOAS links that PayPal lists for an order in this status."""
    links = [{"href": str(request.url_for(ORDER_ROUTE, order_id=order.id)), "rel": "self", "method": "GET"}]
    capture = {"href": str(request.url_for(CAPTURE_ROUTE, order_id=order.id)), "rel": "capture", "method": "POST"}

    if order.status == "PAYER_ACTION_REQUIRED":
        links.append({"href": checkout_url(request, order.id), "rel": "payer-action", "method": "GET"})
    elif order.status == "CREATED":
        links.append({"href": checkout_url(request, order.id), "rel": "approve", "method": "GET"})
        links.append(capture)
    elif order.status == "APPROVED":
        links.append(capture)
    return links


def checkout_url(request: Request, order_id: str) -> str:
    return with_query(str(request.url_for(CHECKOUT_ROUTE)), {"token": order_id})


def with_query(url: str, params: dict[str, str]) -> str:
    """Append ``params`` to the URL's query string, keeping the parameters it has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))
