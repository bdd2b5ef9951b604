"""Webhook events for each state change, with PayPal's event names and summaries.

Event names are from PayPal's "Webhook event names" reference: CHECKOUT.ORDER.APPROVED and the
Payments v2 PAYMENT.CAPTURE.* events. The resource is the order, capture or refund as the REST
API shows it.
"""

from __future__ import annotations

from bot.paypal.simulator.models import SimulatedCapture, SimulatedOrder, SimulatedRefund
from bot.paypal.simulator.rendering import ResourceUrls, render_capture, render_order, render_refund
from bot.paypal.simulator.webhooks import WebhookSender

# The event that a capture in each status sends, when it is made or when it settles.
CAPTURE_EVENT_TYPES = {
    "COMPLETED": "PAYMENT.CAPTURE.COMPLETED",
    "PENDING": "PAYMENT.CAPTURE.PENDING",
    # NOTE: PayPal names the event DENIED while the capture's status enum has DECLINED.
    "DECLINED": "PAYMENT.CAPTURE.DENIED",
}


def publish_order_approved(sender: WebhookSender, order: SimulatedOrder, urls: ResourceUrls, merchant_id: str) -> None:
    sender.publish(
        "CHECKOUT.ORDER.APPROVED",
        resource_type="checkout-order",
        summary="An order has been approved by buyer",
        resource=render_order(order, urls, merchant_id, minimal=False),
        urls=urls,
    )


def publish_capture(sender: WebhookSender, capture: SimulatedCapture, urls: ResourceUrls) -> None:
    """Send the event for the capture's current status: completed, pending or denied."""
    amount = capture.amount.display()
    summaries = {
        "COMPLETED": f"Payment completed for {amount}",
        "PENDING": f"Payment pending for {amount}",
        "DECLINED": f"A payment capture for {amount} was denied",
    }
    sender.publish(
        CAPTURE_EVENT_TYPES[capture.status],
        resource_type="capture",
        summary=summaries[capture.status],
        resource=render_capture(capture, urls, standalone=True),
        urls=urls,
    )


def publish_refund(sender: WebhookSender, refund: SimulatedRefund, urls: ResourceUrls) -> None:
    """Send PAYMENT.CAPTURE.REFUNDED, or PAYMENT.CAPTURE.REVERSED for a reversal, with the refund as resource."""
    if refund.is_reversal:
        # NOTE: PayPal's docs opened here do not show this event's resource. The simulator
        # sends the reversal as a refund of the captured money, linked up to the capture.
        event_type, summary = "PAYMENT.CAPTURE.REVERSED", f"A {refund.amount.display()} capture payment was reversed"
    else:
        event_type, summary = "PAYMENT.CAPTURE.REFUNDED", f"A {refund.amount.display()} capture payment was refunded"

    sender.publish(
        event_type, resource_type="refund", summary=summary, resource=render_refund(refund, urls), urls=urls
    )
