"""In-memory PayPal simulator: OAuth tokens, the Orders v2 API and the buyer's approval page.

The application serves it on loopback so that the bot runs and its tests pass without PayPal
credentials or internet access::

    app.include_router(create_simulator_router(client_id=..., client_secret=...), prefix="/paypal-sim")

``PayPalClient`` then uses ``base_url="http://127.0.0.1:<port>/paypal-sim"``. Requests,
responses, status codes and error names follow PayPal's Orders v2 API reference. Only what
the bot uses is simulated: intent CAPTURE, one purchase unit, and paying with PayPal.

To extend it, add each state change as a ``SimulatorState`` method that runs under the lock,
and keep routes to parsing, one state call and rendering.
"""

from __future__ import annotations

from fastapi import APIRouter

from bot.paypal.simulator.oauth import add_token_route
from bot.paypal.simulator.orders import add_order_routes
from bot.paypal.simulator.pages import add_checkout_routes
from bot.paypal.simulator.state import SimulatorState

__all__ = ["SimulatorState", "create_simulator_router"]


def create_simulator_router(
    *, client_id: str, client_secret: str, state: SimulatorState | None = None
) -> APIRouter:
    """Return a router that serves one simulated PayPal account.

    Pass ``state`` to inspect or change the simulator from tests. By default each router
    gets its own empty state.
    """
    state = state if state is not None else SimulatorState()
    router = APIRouter()
    add_token_route(router, state, client_id=client_id, client_secret=client_secret)
    add_order_routes(router, state)
    add_checkout_routes(router, state)
    return router
