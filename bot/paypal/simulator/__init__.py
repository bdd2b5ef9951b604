"""In-memory PayPal simulator: OAuth, Orders v2, Payments v2 refunds, webhooks and the buyer's page.

The application serves it on loopback so that the bot runs and its tests pass without PayPal
credentials or internet access::

    app.include_router(create_simulator_router(client_id=..., client_secret=...), prefix="/paypal-sim")

``PayPalClient`` then uses ``base_url="http://127.0.0.1:<port>/paypal-sim"``. Requests,
responses, status codes and error names follow PayPal's Orders v2, Payments v2 and Webhooks v1
API references. Only what the bot uses is simulated: intent CAPTURE, one purchase unit, and
paying with PayPal. Tests steer it through the control endpoints under ``/simulator`` (see
``controls``), which PayPal itself does not have.

``state`` stores every record. ``oauth``, ``orders``, ``payments`` and ``notifications`` serve
PayPal's APIs, and ``pages`` the buyer's approval page. ``webhooks`` and ``events`` sign and deliver
webhook events. ``faults`` and ``controls`` let tests inject failures.

To extend it, add each state change as a ``SimulatorState`` method that runs under the lock, and
keep routes to parsing, one state call, rendering and the webhook event.
"""

from __future__ import annotations

from fastapi import APIRouter

from bot.paypal.simulator.controls import add_control_routes
from bot.paypal.simulator.notifications import add_notification_routes
from bot.paypal.simulator.oauth import add_token_route
from bot.paypal.simulator.orders import add_order_routes
from bot.paypal.simulator.pages import add_checkout_routes
from bot.paypal.simulator.payments import add_payment_routes
from bot.paypal.simulator.state import SimulatorState
from bot.paypal.simulator.webhooks import WebhookSender

__all__ = ["SimulatorState", "create_simulator_router"]

# Longer than PayPalClient's default 10-second timeout, so a ``timeout`` fault makes it give up.
DEFAULT_FAULT_DELAY_SECONDS = 15.0


def create_simulator_router(
    *,
    client_id: str,
    client_secret: str,
    webhook_url: str | None = None,
    webhook_id: str = "SIMULATOR-WEBHOOK-ID",
    state: SimulatorState | None = None,
    fault_delay_seconds: float = DEFAULT_FAULT_DELAY_SECONDS,
) -> APIRouter:
    """Return a router that serves one simulated PayPal account.

    With ``webhook_url``, every state change is POSTed there as a PayPal webhook event, signed
    for ``webhook_id``. Pass ``state`` to inspect or change the simulator from tests; by
    default each router gets its own empty state. ``fault_delay_seconds`` is how long a
    ``timeout`` fault delays a response unless the fault names its own delay.
    """
    state = state if state is not None else SimulatorState()
    webhooks = WebhookSender(state.webhooks, url=webhook_url, webhook_id=webhook_id)

    router = APIRouter()
    add_token_route(router, state, client_id=client_id, client_secret=client_secret)
    add_order_routes(router, state, webhooks)
    add_payment_routes(router, state, webhooks)
    add_notification_routes(router, state, webhooks)
    add_checkout_routes(router, state, webhooks)
    add_control_routes(router, state, webhooks, fault_delay_seconds=fault_delay_seconds)
    return router
