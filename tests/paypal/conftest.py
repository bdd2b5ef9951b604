"""Fixtures that serve the PayPal simulator over real HTTP on 127.0.0.1.

One uvicorn server runs in a background thread for the whole session. It serves the
simulator at ``/paypal-sim``, as the application does. For the retry tests it also serves a
PayPal that responds to every request with 503 at ``/failing-paypal``, and one that takes
longer than the tests' client timeout at ``/slow-paypal``. A second server is the merchant's
webhook endpoint, to which the simulator delivers every webhook event.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from bot.paypal.client import PayPalClient
from bot.paypal.simulator import SimulatorState, create_simulator_router
from tests.servers import bound_socket, serve_in_thread

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"
WEBHOOK_ID = "TESTWEBHOOK0001"
SLOW_RESPONSE_SECONDS = 1.0
# How long a ``timeout`` fault delays a response, and a client timeout well below it.
FAULT_DELAY_SECONDS = 1.0
SHORT_CLIENT_TIMEOUT_SECONDS = 0.3
WEBHOOK_WAIT_SECONDS = 5.0


@dataclass
class ReceivedWebhook:
    """One POST that the merchant's webhook endpoint received, headers with lowercase names."""

    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)


class WebhookReceiver:
    """The merchant's webhook endpoint: records every POST and responds with ``status_code``."""

    def __init__(self) -> None:
        self.status_code = 200
        self._received: list[ReceivedWebhook] = []
        self._condition = threading.Condition()

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/paypal/webhook")
        async def receive(request: Request) -> Response:
            webhook = ReceivedWebhook(dict(request.headers.items()), await request.body())
            with self._condition:
                self._received.append(webhook)
                self._condition.notify_all()
            return Response(status_code=self.status_code)

        return app

    def wait_for(self, event_type: str, resource_id: str, count: int = 1) -> list[ReceivedWebhook]:
        """Return the first ``count`` webhooks of this type about this resource, waiting for them to arrive."""
        deadline = time.monotonic() + WEBHOOK_WAIT_SECONDS
        with self._condition:
            while True:
                matching = [w for w in self._received if _is_about(w.event, event_type, resource_id)]
                if len(matching) >= count:
                    return matching[:count]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"{len(matching)} of {count} {event_type} webhooks about {resource_id} "
                        f"arrived within {WEBHOOK_WAIT_SECONDS} s"
                    )
                self._condition.wait(remaining)

    def received(self, event_type: str, resource_id: str) -> list[ReceivedWebhook]:
        """Return the webhooks of this type about this resource received so far."""
        with self._condition:
            return [w for w in self._received if _is_about(w.event, event_type, resource_id)]


def _is_about(event: dict[str, Any], event_type: str, resource_id: str) -> bool:
    """Match an event by its resource's id or by the id its ``up`` link ends with.

    The ``up`` link of a capture is its order, that of a refund its capture.
    """
    resource = event["resource"]
    up_ids = [link["href"].rsplit("/", 1)[-1] for link in resource.get("links", ()) if link["rel"] == "up"]
    return event["event_type"] == event_type and resource_id in (resource["id"], *up_ids)


@dataclass
class SimulatorServer:
    """The running server: the simulator's base URL and state, and the failing PayPals."""

    base_url: str
    state: SimulatorState
    failing_base_url: str
    failing_requests: list[str]
    slow_base_url: str
    webhooks: WebhookReceiver


class Buyer:
    """Submits the simulator's approval form as a browser would, without following redirects."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def approve(self, approve_url: str) -> httpx.Response:
        return self.http.post(approve_url, data={"action": "approve"})

    def cancel(self, approve_url: str) -> httpx.Response:
        return self.http.post(approve_url, data={"action": "cancel"})


class SimulatorControls:
    """Calls the simulator's ``/simulator`` control endpoints and checks that they succeed."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def arm_order_fault(self, order_id: str, **fault: Any) -> None:
        self._post(f"/simulator/orders/{order_id}/faults", json={"delay_seconds": FAULT_DELAY_SECONDS, **fault})

    def arm_capture_fault(self, capture_id: str, **fault: Any) -> None:
        self._post(f"/simulator/captures/{capture_id}/faults", json={"delay_seconds": FAULT_DELAY_SECONDS, **fault})

    def expire(self, order_id: str) -> None:
        self._post(f"/simulator/orders/{order_id}/expire")

    def settle(self, capture_id: str, action: str) -> dict[str, Any]:
        """Run ``complete``, ``deny`` or ``reverse`` on the capture and return the capture's JSON."""
        return self._post(f"/simulator/captures/{capture_id}/{action}").json()

    def deliveries(self) -> list[dict[str, Any]]:
        response = self.http.get("/simulator/webhooks")
        assert response.status_code == 200, response.text
        return response.json()["deliveries"]

    def redeliver(self, event_id: str) -> dict[str, Any]:
        response = self.http.post(f"/simulator/webhooks/{event_id}/redeliver")
        assert response.status_code == 202, response.text
        return response.json()

    def wait_for_delivery_result(self, transmission_id: str) -> dict[str, Any]:
        """Return the delivery once the simulator has recorded the endpoint's status or error."""
        deadline = time.monotonic() + WEBHOOK_WAIT_SECONDS
        while time.monotonic() < deadline:
            delivery = next(d for d in self.deliveries() if d["transmission_id"] == transmission_id)
            if delivery["status_code"] is not None or delivery["error"] is not None:
                return delivery
            time.sleep(0.02)
        raise AssertionError(f"transmission {transmission_id} was not sent within {WEBHOOK_WAIT_SECONDS} s")

    def _post(self, path: str, **kwargs: Any) -> httpx.Response:
        response = self.http.post(path, **kwargs)
        assert response.status_code == 200, response.text
        return response


@pytest.fixture(scope="session")
def simulator() -> Iterator[SimulatorServer]:
    state = SimulatorState()
    failing_requests: list[str] = []
    receiver = WebhookReceiver()
    receiver_socket = bound_socket()
    webhook_url = f"http://127.0.0.1:{receiver_socket.getsockname()[1]}/paypal/webhook"

    app = FastAPI()
    router = create_simulator_router(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        webhook_url=webhook_url,
        webhook_id=WEBHOOK_ID,
        state=state,
        fault_delay_seconds=FAULT_DELAY_SECONDS,
    )
    app.include_router(router, prefix="/paypal-sim")
    app.include_router(_failing_paypal_router(failing_requests), prefix="/failing-paypal")
    app.include_router(_slow_paypal_router(), prefix="/slow-paypal")

    with serve_in_thread(receiver.app(), receiver_socket), serve_in_thread(app) as origin:
        yield SimulatorServer(
            base_url=f"{origin}/paypal-sim",
            state=state,
            failing_base_url=f"{origin}/failing-paypal",
            failing_requests=failing_requests,
            slow_base_url=f"{origin}/slow-paypal",
            webhooks=receiver,
        )


@pytest.fixture
def paypal(simulator: SimulatorServer) -> Iterator[PayPalClient]:
    client = PayPalClient(base_url=simulator.base_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, timeout=5.0)
    yield client
    client.close()


@pytest.fixture
def impatient_paypal(simulator: SimulatorServer) -> Iterator[PayPalClient]:
    """A client whose timeout is shorter than a ``timeout`` fault's hold, with two retries."""
    client = PayPalClient(
        base_url=simulator.base_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        timeout=SHORT_CLIENT_TIMEOUT_SECONDS,
        max_retries=2,
    )
    yield client
    client.close()


@pytest.fixture
def buyer() -> Iterator[Buyer]:
    with httpx.Client(timeout=5.0) as http:
        yield Buyer(http)


@pytest.fixture
def http(simulator: SimulatorServer) -> Iterator[httpx.Client]:
    """A raw HTTP client for the simulator, without credentials."""
    with httpx.Client(base_url=simulator.base_url, timeout=5.0) as client:
        yield client


@pytest.fixture
def api(http: httpx.Client) -> httpx.Client:
    """The same client with a valid bearer token."""
    response = http.post("/v1/oauth2/token", auth=(CLIENT_ID, CLIENT_SECRET), data={"grant_type": "client_credentials"})
    http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return http


@pytest.fixture
def controls(simulator: SimulatorServer) -> Iterator[SimulatorControls]:
    with httpx.Client(base_url=simulator.base_url, timeout=5.0) as client:
        yield SimulatorControls(client)


@pytest.fixture
def request_id() -> Callable[[str], str]:
    """Return a factory of unique PayPal-Request-Ids, e.g. ``request_id("refund")``."""
    return lambda purpose: f"{purpose}-{uuid.uuid4()}"


@pytest.fixture
def closed_port() -> int:
    """Return a loopback port with nothing listening, so that connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _failing_paypal_router(requests_seen: list[str]) -> APIRouter:
    router = APIRouter()

    @router.post("/v1/oauth2/token")
    async def token_unavailable() -> JSONResponse:
        requests_seen.append("POST /v1/oauth2/token")
        return JSONResponse(
            {"name": "SERVICE_UNAVAILABLE", "message": "Service Unavailable.", "debug_id": "failing0debug"},
            status_code=503,
        )

    return router


def _slow_paypal_router() -> APIRouter:
    router = APIRouter()

    @router.post("/v1/oauth2/token")
    async def token_too_late() -> JSONResponse:
        await asyncio.sleep(SLOW_RESPONSE_SECONDS)
        return JSONResponse({"error": "late", "error_description": "This response arrives after the timeout."})

    return router
