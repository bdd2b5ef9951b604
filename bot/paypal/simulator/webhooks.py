"""Webhook events: built as PayPal shapes them, signed, delivered in the background, recorded, verified.

PayPal signs each transmission with SHA256withRSA and publishes the certificate at
``PAYPAL-CERT-URL``. Published verification code for PayPal webhooks checks that signature over
``<transmission id>|<transmission time>|<webhook id>|<CRC32 of the body>``. The simulator signs
the same string with HMAC-SHA256 and a secret that only its ``SimulatorState`` has, and sends
``PAYPAL-AUTH-ALGO: HMACSHA256``. A receiver can therefore check a signature only through the
simulator's verify-webhook-signature endpoint.

Deliveries run on one background thread per router, in the order the events were published, so
an API response does not wait for the merchant's webhook endpoint.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import logging
import queue
import secrets
import threading
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import httpx

from bot.paypal.simulator.models import ORDER_ID_LENGTH, random_id, timestamp

if TYPE_CHECKING:
    from bot.paypal.simulator.rendering import ResourceUrls

logger = logging.getLogger(__name__)

AUTH_ALGO = "HMACSHA256"
CERT_ID = "CERT-SIMULATOR-HMAC-SHA256"
EVENT_VERSION = "1.0"
RESOURCE_VERSION = "2.0"

# PayPal's "Integrate webhooks" guide expects the merchant's endpoint to respond with 2xx. A
# delivery without a response after this many seconds is recorded as failed.
DELIVERY_TIMEOUT_SECONDS = 5.0


@dataclass
class WebhookDelivery:
    """One transmission of an event. ``status_code`` and ``error`` stay None until it has been sent."""

    event_id: str
    event_type: str
    webhook_id: str
    transmission_id: str
    transmission_time: str
    cert_url: str
    transmission_sig: str
    body: bytes
    status_code: int | None = None
    error: str | None = None

    def headers(self) -> dict[str, str]:
        """Return the PAYPAL-* headers that PayPal sends with a webhook notification."""
        return {
            "PAYPAL-TRANSMISSION-ID": self.transmission_id,
            "PAYPAL-TRANSMISSION-TIME": self.transmission_time,
            "PAYPAL-TRANSMISSION-SIG": self.transmission_sig,
            "PAYPAL-CERT-URL": self.cert_url,
            "PAYPAL-AUTH-ALGO": AUTH_ALGO,
        }

    def to_json(self) -> dict[str, Any]:
        """Describe the delivery for the simulator's control endpoint, with the body as text."""
        return {
            "event_id": self.event_id,
            "event_type": self.event_type,
            "webhook_id": self.webhook_id,
            "transmission_id": self.transmission_id,
            "transmission_time": self.transmission_time,
            "headers": self.headers(),
            "body": self.body.decode("utf-8"),
            "status_code": self.status_code,
            "error": self.error,
        }


class WebhookLog:
    """Every event and transmission of one simulator, and the secret that signs them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secret = secrets.token_bytes(32)
        self._events: dict[str, tuple[str, bytes]] = {}
        self._deliveries: list[WebhookDelivery] = []
        self._deliveries_by_transmission_id: dict[str, WebhookDelivery] = {}

    def add_event(self, event_id: str, event_type: str, body: bytes) -> None:
        with self._lock:
            self._events[event_id] = (event_type, body)

    def find_event(self, event_id: str) -> tuple[str, bytes] | None:
        """Return the event's type and body bytes, or None for an unknown id."""
        with self._lock:
            return self._events.get(event_id)

    def start_delivery(self, event_id: str, *, webhook_id: str, cert_url: str) -> WebhookDelivery:
        """Sign a new transmission of the event, record it and return it. Raises ``KeyError`` for an unknown event."""
        with self._lock:
            event_type, body = self._events[event_id]
            transmission_id = str(uuid.uuid4())
            transmission_time = timestamp()
            delivery = WebhookDelivery(
                event_id=event_id,
                event_type=event_type,
                webhook_id=webhook_id,
                transmission_id=transmission_id,
                transmission_time=transmission_time,
                cert_url=cert_url,
                transmission_sig=self._sign(transmission_id, transmission_time, webhook_id, body),
                body=body,
            )
            self._deliveries.append(delivery)
            self._deliveries_by_transmission_id[transmission_id] = delivery
            return copy.copy(delivery)

    def finish_delivery(
        self, transmission_id: str, *, status_code: int | None = None, error: str | None = None
    ) -> None:
        with self._lock:
            delivery = self._deliveries_by_transmission_id[transmission_id]
            delivery.status_code = status_code
            delivery.error = error

    def deliveries(self) -> list[WebhookDelivery]:
        """Return every transmission so far, oldest first."""
        with self._lock:
            return [copy.copy(delivery) for delivery in self._deliveries]

    def verify(
        self,
        *,
        auth_algo: str,
        cert_url: str,
        transmission_id: str,
        transmission_sig: str,
        transmission_time: str,
        webhook_id: str,
        webhook_event: Any,
    ) -> bool:
        """Return True when the headers match a transmission of this simulator and the event matches its body.

        The event is compared as canonical JSON (sorted keys, no whitespace), so a verbatim
        copy and a re-serialised copy of the delivered event both match, but any changed
        value does not.
        """
        with self._lock:
            delivery = self._deliveries_by_transmission_id.get(transmission_id)
        if delivery is None:
            return False

        expected_sig = self._sign(transmission_id, transmission_time, webhook_id, delivery.body)
        if not hmac.compare_digest(expected_sig.encode(), transmission_sig.encode()):
            return False
        if auth_algo != AUTH_ALGO or cert_url != delivery.cert_url:
            return False
        return _canonical_json(webhook_event) == _canonical_json(json.loads(delivery.body))

    def _sign(self, transmission_id: str, transmission_time: str, webhook_id: str, body: bytes) -> str:
        message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body)}".encode()
        return base64.b64encode(hmac.new(self._secret, message, hashlib.sha256).digest()).decode("ascii")


class WebhookSender:
    """Publishes events to one webhook URL from a background thread, and records each transmission.

    Without a URL, ``publish`` records and sends nothing, as PayPal sends no events to an app
    without a subscribed webhook.
    """

    def __init__(
        self, log: WebhookLog, *, url: str | None, webhook_id: str, timeout: float = DELIVERY_TIMEOUT_SECONDS
    ) -> None:
        self._log = log
        self._url = url
        self._webhook_id = webhook_id
        self._timeout = timeout
        self._queue: queue.Queue[WebhookDelivery] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._url is not None

    def publish(
        self, event_type: str, *, resource_type: str, summary: str, resource: dict[str, Any], urls: ResourceUrls
    ) -> str | None:
        """Build the event, record it and queue its first transmission. Returns the event id, or None without a URL."""
        if self._url is None:
            return None

        event_id = f"WH-{random_id(ORDER_ID_LENGTH)}-{random_id(ORDER_ID_LENGTH)}"
        event = {
            "id": event_id,
            "event_version": EVENT_VERSION,
            "create_time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "resource_type": resource_type,
            "resource_version": RESOURCE_VERSION,
            "event_type": event_type,
            "summary": summary,
            "resource": resource,
            "links": [
                {"href": urls.webhook_event(event_id), "rel": "self", "method": "GET"},
                {"href": urls.resend_webhook_event(event_id), "rel": "resend", "method": "POST"},
            ],
        }
        # Compact UTF-8 JSON, as in PayPal's SDK samples. Names such as "López" stay unescaped, so a
        # receiver that re-serialises the event with ASCII escapes changes its bytes.
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._log.add_event(event_id, event_type, body)
        self.redeliver(event_id, urls)
        return event_id

    def redeliver(self, event_id: str, urls: ResourceUrls) -> WebhookDelivery:
        """Queue a new transmission of a recorded event: same event id and body, new transmission id and signature.

        Raises ``KeyError`` for an unknown event and ``RuntimeError`` when no URL is set.
        """
        if self._url is None:
            raise RuntimeError("no webhook_url is configured, so the simulator delivers no webhooks")

        delivery = self._log.start_delivery(event_id, webhook_id=self._webhook_id, cert_url=urls.webhook_cert())
        self._start_worker()
        self._queue.put(delivery)
        return delivery

    def _start_worker(self) -> None:
        with self._worker_lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._deliver_forever, name="paypal-simulator-webhooks", daemon=True
                )
                self._worker.start()

    def _deliver_forever(self) -> None:
        with httpx.Client(timeout=self._timeout) as http:
            while True:
                delivery = self._queue.get()
                self._deliver(http, delivery)

    def _deliver(self, http: httpx.Client, delivery: WebhookDelivery) -> None:
        headers = {"Content-Type": "application/json", **delivery.headers()}
        try:
            response = http.post(self._url, content=delivery.body, headers=headers)
        except httpx.HTTPError as error:
            logger.warning(
                "PayPal simulator could not deliver webhook %s %s (transmission %s) to %s: %r",
                delivery.event_type,
                delivery.event_id,
                delivery.transmission_id,
                self._url,
                error,
            )
            self._log.finish_delivery(delivery.transmission_id, error=repr(error))
            return

        if response.is_success:
            logger.debug("PayPal simulator delivered webhook %s %s", delivery.event_type, delivery.event_id)
        else:
            # NOTE: PayPal retries a failed delivery up to 25 times over 3 days ("Integrate
            # webhooks" guide). The simulator sends again only when a test requests a redelivery.
            logger.warning(
                "Webhook endpoint %s responded with %s to %s %s (transmission %s)",
                self._url,
                response.status_code,
                delivery.event_type,
                delivery.event_id,
                delivery.transmission_id,
            )
        self._log.finish_delivery(delivery.transmission_id, status_code=response.status_code)


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
