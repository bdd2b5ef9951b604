"""PayPal's JSON representation of the simulator's records, with their HATEOAS links."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Request

from bot.paypal.simulator.models import SimulatedCapture, SimulatedOrder, SimulatedRefund
from bot.paypal.simulator.webhooks import CERT_ID

SIMULATED_MERCHANT_EMAIL = "merchant@example.com"

ORDER_ROUTE = "paypal_simulator_order"
CAPTURE_ROUTE = "paypal_simulator_capture"
CHECKOUT_ROUTE = "paypal_simulator_checkout"
CAPTURE_DETAILS_ROUTE = "paypal_simulator_capture_details"
REFUND_CAPTURE_ROUTE = "paypal_simulator_refund_capture"
REFUND_ROUTE = "paypal_simulator_refund"
WEBHOOK_EVENT_ROUTE = "paypal_simulator_webhook_event"
RESEND_WEBHOOK_EVENT_ROUTE = "paypal_simulator_resend_webhook_event"
WEBHOOK_CERT_ROUTE = "paypal_simulator_webhook_cert"

# Every capture is final and paid out at once, with PayPal's seller protection, because the
# bot captures each order in full once.
CAPTURE_CONSTANT_FIELDS = {
    "final_capture": True,
    "disbursement_mode": "INSTANT",
    "seller_protection": {
        "status": "ELIGIBLE",
        "dispute_categories": ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"],
    },
}


class ResourceUrls:
    """Absolute URLs of the simulator's resources, from the request's host and the router's prefix."""

    def __init__(self, request: Request) -> None:
        self._request = request

    def order(self, order_id: str) -> str:
        return self._url(ORDER_ROUTE, order_id=order_id)

    def capture_order(self, order_id: str) -> str:
        return self._url(CAPTURE_ROUTE, order_id=order_id)

    def checkout(self, order_id: str) -> str:
        return with_query(self._url(CHECKOUT_ROUTE), {"token": order_id})

    def capture(self, capture_id: str) -> str:
        return self._url(CAPTURE_DETAILS_ROUTE, capture_id=capture_id)

    def refund_capture(self, capture_id: str) -> str:
        return self._url(REFUND_CAPTURE_ROUTE, capture_id=capture_id)

    def refund(self, refund_id: str) -> str:
        return self._url(REFUND_ROUTE, refund_id=refund_id)

    def webhook_event(self, event_id: str) -> str:
        return self._url(WEBHOOK_EVENT_ROUTE, event_id=event_id)

    def resend_webhook_event(self, event_id: str) -> str:
        return self._url(RESEND_WEBHOOK_EVENT_ROUTE, event_id=event_id)

    def webhook_cert(self) -> str:
        return self._url(WEBHOOK_CERT_ROUTE, cert_id=CERT_ID)

    def _url(self, name: str, **path_params: str) -> str:
        return str(self._request.url_for(name, **path_params))


def render_order(order: SimulatedOrder, urls: ResourceUrls, merchant_id: str, *, minimal: bool) -> dict[str, Any]:
    links = _order_links(order, urls)
    if minimal:
        return {"id": order.id, "status": order.status, "links": links}

    unit: dict[str, Any] = {
        **order.purchase_unit,
        "amount": order.amount.to_paypal(),
        "payee": {"email_address": SIMULATED_MERCHANT_EMAIL, "merchant_id": merchant_id},
    }
    if order.captures:
        payments: dict[str, Any] = {"captures": [render_capture(capture, urls) for capture in order.captures]}
        refunds = [refund for capture in order.captures for refund in capture.refunds if not refund.is_reversal]
        if refunds:
            payments["refunds"] = [render_refund(refund, urls) for refund in refunds]
        unit["payments"] = payments

    body: dict[str, Any] = {"id": order.id, "intent": "CAPTURE", "status": order.status}
    if order.uses_payment_source or order.payer is not None:
        body["payment_source"] = {"paypal": _payment_source_paypal(order.payer)}
    body["purchase_units"] = [unit]
    if order.payer is not None:
        body["payer"] = order.payer
    body.update(create_time=order.create_time, update_time=order.update_time, links=links)
    return body


def render_capture(capture: SimulatedCapture, urls: ResourceUrls, *, standalone: bool = False) -> dict[str, Any]:
    """Return the capture as in an order's ``payments.captures[]``, or as ``GET /v2/payments/captures/{id}``
    shows it when ``standalone``, with the order id in ``supplementary_data``."""
    body: dict[str, Any] = {"id": capture.id, "status": capture.status}
    if capture.status_reason is not None:
        body["status_details"] = {"reason": capture.status_reason}
    body["amount"] = capture.amount.to_paypal()
    body.update(CAPTURE_CONSTANT_FIELDS)
    if standalone:
        body["supplementary_data"] = {"related_ids": {"order_id": capture.order_id}}
    body.update(create_time=capture.create_time, update_time=capture.update_time)

    links = [{"href": urls.capture(capture.id), "rel": "self", "method": "GET"}]
    if capture.status in ("COMPLETED", "PARTIALLY_REFUNDED"):
        links.append({"href": urls.refund_capture(capture.id), "rel": "refund", "method": "POST"})
    links.append({"href": urls.order(capture.order_id), "rel": "up", "method": "GET"})
    body["links"] = links
    return body


def render_refund(refund: SimulatedRefund, urls: ResourceUrls, *, minimal: bool = False) -> dict[str, Any]:
    """Return the refund as the Payments v2 API shows it, with an ``up`` link to its capture."""
    links = [
        {"href": urls.refund(refund.id), "rel": "self", "method": "GET"},
        {"href": urls.capture(refund.capture_id), "rel": "up", "method": "GET"},
    ]
    if minimal:
        return {"id": refund.id, "status": refund.status, "links": links}

    body: dict[str, Any] = {"id": refund.id, "amount": refund.amount.to_paypal()}
    if refund.note_to_payer is not None:
        body["note_to_payer"] = refund.note_to_payer
    # The simulator charges no fees, so the merchant pays back exactly the refunded amount.
    body["seller_payable_breakdown"] = {
        "gross_amount": refund.amount.to_paypal(),
        "net_amount": refund.amount.to_paypal(),
    }
    body.update(status=refund.status, create_time=refund.create_time, update_time=refund.update_time, links=links)
    return body


def with_query(url: str, params: dict[str, str]) -> str:
    """Append ``params`` to the URL's query string, keeping the parameters it has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


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


def _order_links(order: SimulatedOrder, urls: ResourceUrls) -> list[dict[str, str]]:
    """Return the HATEOAS links that PayPal lists for an order in this status."""
    links = [{"href": urls.order(order.id), "rel": "self", "method": "GET"}]
    capture = {"href": urls.capture_order(order.id), "rel": "capture", "method": "POST"}

    if order.status == "PAYER_ACTION_REQUIRED":
        links.append({"href": urls.checkout(order.id), "rel": "payer-action", "method": "GET"})
    elif order.status == "CREATED":
        links.append({"href": urls.checkout(order.id), "rel": "approve", "method": "GET"})
        links.append(capture)
    elif order.status == "APPROVED":
        links.append(capture)
    return links
