"""Fixtures that serve the PayPal simulator over real HTTP on 127.0.0.1.

One uvicorn server runs in a background thread for the whole session. It serves the
simulator at ``/paypal-sim``, as the application does. For the retry tests it also serves a
PayPal that responds to every request with 503 at ``/failing-paypal``, and one that takes
longer than the tests' client timeout at ``/slow-paypal``.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from typing import Iterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse

from bot.paypal.client import PayPalClient
from bot.paypal.simulator import SimulatorState, create_simulator_router
from tests.servers import serve_in_thread

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"
SLOW_RESPONSE_SECONDS = 1.0


@dataclass
class SimulatorServer:
    """The running server: the simulator's base URL and state, and the failing PayPals."""

    base_url: str
    state: SimulatorState
    failing_base_url: str
    failing_requests: list[str]
    slow_base_url: str


class Buyer:
    """Submits the simulator's approval form as a browser would, without following redirects."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def approve(self, approve_url: str) -> httpx.Response:
        return self.http.post(approve_url, data={"action": "approve"})

    def cancel(self, approve_url: str) -> httpx.Response:
        return self.http.post(approve_url, data={"action": "cancel"})


@pytest.fixture(scope="session")
def simulator() -> Iterator[SimulatorServer]:
    state = SimulatorState()
    failing_requests: list[str] = []

    app = FastAPI()
    router = create_simulator_router(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, state=state)
    app.include_router(router, prefix="/paypal-sim")
    app.include_router(_failing_paypal_router(failing_requests), prefix="/failing-paypal")
    app.include_router(_slow_paypal_router(), prefix="/slow-paypal")

    with serve_in_thread(app) as origin:
        yield SimulatorServer(
            base_url=f"{origin}/paypal-sim",
            state=state,
            failing_base_url=f"{origin}/failing-paypal",
            failing_requests=failing_requests,
            slow_base_url=f"{origin}/slow-paypal",
        )


@pytest.fixture
def paypal(simulator: SimulatorServer) -> Iterator[PayPalClient]:
    client = PayPalClient(base_url=simulator.base_url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, timeout=5.0)
    yield client
    client.close()


@pytest.fixture
def buyer() -> Iterator[Buyer]:
    with httpx.Client(timeout=5.0) as http:
        yield Buyer(http)


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
