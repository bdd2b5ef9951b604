"""The application with its PayPal simulator, served over real HTTP for payment tests.

The simulator delivers its webhook events either to the application itself or,
for tests that replay, forge or tamper with them, to a recorder that keeps them.
"""

from __future__ import annotations

import email
import json
import threading
from dataclasses import dataclass, field
from email.policy import default as default_policy
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request

from bot.accounts import issue_code
from bot.cli import migrate
from bot.db import session_scope
from bot.events import DEMO_EVENT_FILE, get_event, load_event_file
from bot.models import Registration
from bot.payments import create_paypal_client, start_checkout
from bot.registrations import RegistrationDraft, create_registration
from bot.settings import get_settings
from bot.web.app import create_app
from tests.servers import bound_socket, serve_in_thread


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes

    @property
    def event_type(self) -> str:
        return json.loads(self.body)["event_type"]


@dataclass
class Recorder:
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of_type(self, event_type: str) -> list[Delivery]:
        with self.lock:
            return [d for d in self.deliveries if d.event_type == event_type]


def recorder_app(recorder: Recorder) -> FastAPI:
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> dict:
        delivery = Delivery({k: v for k, v in request.headers.items()}, await request.body())
        with recorder.lock:
            recorder.deliveries.append(delivery)
        return {}

    return app


@dataclass
class PaymentsApp:
    url: str
    recorder: Recorder
    outbox: Path

    @property
    def simulator(self) -> str:
        return f"{self.url}/paypal-sim"

    def fault(self, order_id: str, capture: str, times: int = 1) -> None:
        # A delay just over the application's PayPal timeout (PAYPAL_TIMEOUT_SECONDS below).
        response = httpx.post(f"{self.simulator}/simulator/orders/{order_id}/faults",
                              json={"capture": capture, "times": times, "delay_seconds": 3})
        assert response.status_code in (200, 201, 204), response.text

    def post_webhook(self, delivery: Delivery, body: bytes | None = None, headers: dict | None = None):
        sent_headers = {k: v for k, v in (headers or delivery.headers).items()
                        if k.lower().startswith("paypal-") or k.lower() == "content-type"}
        return httpx.post(f"{self.url}/paypal/webhook", content=body or delivery.body, headers=sent_headers)

    def emails(self) -> list[str]:
        """Subject and decoded body of every email sent, oldest first."""
        texts = []
        for path in sorted(self.outbox.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
            texts.append(f"{message['Subject']}\n{message.get_content()}")
        return texts


@pytest.fixture
def payments(isolated_settings, monkeypatch):
    """The application; the simulator's webhooks go to a recorder, not to the application."""
    yield from _serve(isolated_settings, monkeypatch, webhooks_to_app=False)


@pytest.fixture
def payments_with_webhooks(isolated_settings, monkeypatch):
    """The application, receiving the simulator's webhook events as PayPal would send them."""
    yield from _serve(isolated_settings, monkeypatch, webhooks_to_app=True)


def _serve(isolated_settings: Path, monkeypatch, webhooks_to_app: bool):
    sock = bound_socket()
    recorder = Recorder()
    monkeypatch.setenv("PUBLIC_URL", f"http://127.0.0.1:{sock.getsockname()[1]}")
    monkeypatch.setenv("ENGINE_URL", "http://127.0.0.1:9")  # no engine: chat pushes are skipped
    monkeypatch.setenv("RECONCILE_INTERVAL_SECONDS", "0")
    monkeypatch.setenv("PAYPAL_TIMEOUT_SECONDS", "2")
    with serve_in_thread(recorder_app(recorder)) as recorder_url:
        if not webhooks_to_app:
            monkeypatch.setenv("PAYPAL_SIMULATOR_WEBHOOK_URL", f"{recorder_url}/hook")
        get_settings.cache_clear()
        migrate()
        with session_scope() as session:
            load_event_file(session, DEMO_EVENT_FILE)
        with serve_in_thread(create_app(), sock) as url:
            yield PaymentsApp(url, recorder, isolated_settings / "outbox")


def pending_registration(
    language: str = "es", email: str = "ana@example.com", ticket: str = "general", event_slug: str = "cumbre-2027"
) -> tuple[int, str, str]:
    """Store a pending registration with its PayPal order; return its id, order id and approval link."""
    settings = get_settings()
    with session_scope() as session:
        event = get_event(session, event_slug)
        account = issue_code(session, email=email, name="Ana Núñez", language=language,
                             secret_key=settings.secret_key).account
        draft = RegistrationDraft(ticket, "Ana Núñez", None, None, None, language, f"chat-{email}")
        registration = create_registration(session, event=event, account=account, draft=draft, hold_minutes=30)
        session.commit()
        client = create_paypal_client(settings)
        try:
            order = start_checkout(session, registration, client, settings)
        finally:
            client.close()
        return registration.id, order.paypal_order_id, order.approve_url


def approve(approval_url: str) -> str:
    """Approve at the simulator and return the return URL PayPal redirects to."""
    response = httpx.post(approval_url, data={"action": "approve"})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def stored(registration_id: int) -> Registration:
    with session_scope() as session:
        registration = session.get(Registration, registration_id)
        registration.orders  # load while the session is open
        for order in registration.orders:
            order.refunds
        return registration
