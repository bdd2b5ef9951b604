"""PayPal Checkout through the REST Orders v2 and Payments v2 APIs, webhook verification, and a simulator.

The simulator lives in ``bot.paypal.simulator`` and is not imported here, so that using
the client does not import FastAPI.
"""

from bot.paypal.client import Capture, Order, PayPalClient, Refund
from bot.paypal.errors import Issue, PayPalAuthError, PayPalError, PayPalRequestError, PayPalUnavailable

__all__ = [
    "Capture",
    "Issue",
    "Order",
    "PayPalAuthError",
    "PayPalClient",
    "PayPalError",
    "PayPalRequestError",
    "PayPalUnavailable",
    "Refund",
]
