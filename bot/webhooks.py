"""PayPal webhook events: verified, recorded once, and used only as a trigger.

Every event's signature is checked with PayPal's verify-webhook-signature API
before anything changes. The payload itself is not trusted: the order or
capture it names is read back from PayPal and settled as the return page would
(``bot.payments.settle_order``). Each event id is processed once; a replay is
acknowledged without effect.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db import session_scope, utcnow
from bot.models import PayPalWebhookEvent
from bot.notices import Notice
from bot.notifications import deliver
from bot.payments import apply_capture, create_paypal_client, find_order, find_order_by_capture, settle_order
from bot.paypal.client import PayPalClient
from bot.paypal.errors import PayPalRequestError, PayPalUnavailable
from bot.settings import get_settings

logger = logging.getLogger(__name__)

CAPTURE_EVENTS = {
    "PAYMENT.CAPTURE.COMPLETED",
    "PAYMENT.CAPTURE.PENDING",
    "PAYMENT.CAPTURE.DENIED",
    "PAYMENT.CAPTURE.REFUNDED",
    "PAYMENT.CAPTURE.REVERSED",
}
ORDER_EVENTS = {"CHECKOUT.ORDER.APPROVED"}
MAX_BODY_BYTES = 256 * 1024


@dataclass(frozen=True)
class WebhookResult:
    """HTTP status for PayPal (2xx: done or ignored; 5xx: please retry) and what happened."""

    status_code: int
    detail: str


def handle_webhook(raw_body: bytes, headers: Mapping[str, str]) -> WebhookResult:
    if len(raw_body) > MAX_BODY_BYTES:
        return WebhookResult(413, "body too large")
    client = create_paypal_client()
    try:
        return _handle(raw_body, headers, client)
    finally:
        client.close()


def _handle(raw_body: bytes, headers: Mapping[str, str], client: PayPalClient) -> WebhookResult:
    try:
        verified = client.verify_webhook_signature(
            headers=headers, raw_body=raw_body, webhook_id=get_settings().paypal_webhook_id
        )
    except PayPalUnavailable as error:
        logger.warning("webhook signature check failed, PayPal unavailable: %s", error)
        return WebhookResult(503, "signature check unavailable; retry later")
    except PayPalRequestError as error:
        # PayPal refused the check itself, typically an unknown PAYPAL_WEBHOOK_ID.
        logger.error("webhook signature check rejected by PayPal (check PAYPAL_WEBHOOK_ID): %s", error)
        return WebhookResult(400, "signature could not be verified")
    if not verified:
        logger.warning("webhook rejected: invalid signature (transmission %s)", headers.get("paypal-transmission-id"))
        return WebhookResult(400, "invalid signature")

    try:
        event = json.loads(raw_body)
        event_id, event_type = str(event["id"]), str(event["event_type"])
        resource = event.get("resource") or {}
    except (ValueError, KeyError, TypeError):
        logger.warning("webhook rejected: body is not a PayPal event")
        return WebhookResult(400, "not a PayPal webhook event")

    notices: list[Notice] = []
    try:
        with session_scope() as session:
            record = session.scalar(
                select(PayPalWebhookEvent).where(PayPalWebhookEvent.event_id == event_id).with_for_update()
            )
            if record is not None and record.processed_at is not None:
                logger.info("webhook %s %s already processed", event_id, event_type)
                return WebhookResult(200, "duplicate")
            if record is None:
                record = PayPalWebhookEvent(
                    event_id=event_id, event_type=event_type, resource_id=str(resource.get("id") or "")[:64],
                    body=raw_body.decode("utf-8", errors="replace"),
                )
                session.add(record)
                session.flush()

            result, notices = _apply(session, event_type, resource, client, record)
            record.processed_at = utcnow()
            record.result = result
    except IntegrityError:
        # A parallel delivery of the same event inserted it first.
        logger.info("webhook %s %s delivered in parallel; processed once", event_id, event_type)
        return WebhookResult(200, "duplicate")
    except OperationalError as error:
        # MySQL may pick one of two parallel deliveries as a deadlock victim.
        logger.warning("webhook %s %s hit a database conflict, PayPal will retry: %s", event_id, event_type, error)
        return WebhookResult(503, "busy; retry later")
    except PayPalUnavailable as error:
        logger.warning("webhook %s %s not processed, PayPal unavailable: %s", event_id, event_type, error)
        _record_failure(event_id, event_type, resource, raw_body, "failed: PayPal unavailable")
        return WebhookResult(503, "PayPal unavailable; retry later")

    deliver(notices)
    logger.info("webhook %s %s: %s", event_id, event_type, result)
    return WebhookResult(200, result)


def _apply(session, event_type: str, resource: dict, client: PayPalClient, record) -> tuple[str, list[Notice]]:
    if event_type in ORDER_EVENTS:
        row = find_order(session, str(resource.get("id") or ""))
        if row is None:
            return "ignored: not our order", []
        record.registration_id = row.registration_id
        try:
            notices = settle_order(session, row, client)
        except PayPalRequestError as error:
            return f"not settled: {error.issue or error.name}", []
        return _describe(notices), notices

    if event_type in CAPTURE_EVENTS:
        capture_id = _capture_id(event_type, resource)
        row = find_order_by_capture(session, capture_id) if capture_id else None
        order_id = ((resource.get("supplementary_data") or {}).get("related_ids") or {}).get("order_id")
        if row is None and order_id:
            row = find_order(session, str(order_id))
        if row is None or capture_id is None:
            return "ignored: not our capture", []
        record.registration_id = row.registration_id
        capture = client.get_capture(capture_id)
        notices = apply_capture(session, row, capture, client)
        return _describe(notices), notices

    return "ignored: event type not handled", []


def _capture_id(event_type: str, resource: dict) -> str | None:
    """Return the capture an event is about. A refund event names it in its ``up`` link."""
    if event_type != "PAYMENT.CAPTURE.REFUNDED":
        return str(resource["id"]) if resource.get("id") else None
    for link in resource.get("links") or []:
        if link.get("rel") == "up" and "/captures/" in str(link.get("href")):
            return str(link["href"]).rstrip("/").rsplit("/", 1)[-1]
    return None


def _describe(notices: list[Notice]) -> str:
    return ", ".join(notice.kind for notice in notices) or "no change"


def _record_failure(event_id: str, event_type: str, resource: dict, raw_body: bytes, result: str) -> None:
    """Keep the failed attempt in the history; PayPal's retry will process it."""
    try:
        with session_scope() as session:
            record = session.scalar(select(PayPalWebhookEvent).where(PayPalWebhookEvent.event_id == event_id))
            if record is None:
                session.add(
                    PayPalWebhookEvent(
                        event_id=event_id, event_type=event_type, resource_id=str(resource.get("id") or "")[:64],
                        body=raw_body.decode("utf-8", errors="replace"), result=result,
                    )
                )
            else:
                record.result = result
    except IntegrityError:
        pass
