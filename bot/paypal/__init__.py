"""PayPal Checkout through the REST Orders v2 API, and a simulator of it for local runs.

The simulator lives in ``bot.paypal.simulator`` and is not imported here, so that using
the client does not import FastAPI.
"""

from bot.paypal.client import Capture, Order, PayPalClient
from bot.paypal.errors import PayPalAuthError, PayPalError, PayPalRequestError, PayPalUnavailable

__all__ = [
    "Capture",
    "Order",
    "PayPalAuthError",
    "PayPalClient",
    "PayPalError",
    "PayPalRequestError",
    "PayPalUnavailable",
]
