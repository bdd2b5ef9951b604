"""The OAuth 2.0 client-credentials token endpoint."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.paypal.simulator.api import has_client_credentials
from bot.paypal.simulator.models import timestamp
from bot.paypal.simulator.state import TOKEN_LIFETIME_SECONDS, SimulatorState

logger = logging.getLogger(__name__)

TOKEN_ROUTE = "paypal_simulator_token"


def add_token_route(router: APIRouter, state: SimulatorState, *, client_id: str, client_secret: str) -> None:
    """Add ``POST /v1/oauth2/token``, which accepts only the given client credentials."""

    @router.post("/v1/oauth2/token", name=TOKEN_ROUTE)
    async def issue_token(request: Request) -> JSONResponse:
        state.record_token_request()
        if not has_client_credentials(request, client_id, client_secret):
            logger.info("PayPal simulator rejected a token request with wrong client credentials")
            return JSONResponse(
                {"error": "invalid_client", "error_description": "Client Authentication failed"}, status_code=401
            )

        grant_type = (await request.form()).get("grant_type")
        if grant_type != "client_credentials":
            description = "Grant Type is NULL" if grant_type is None else "unsupported grant_type"
            logger.info("PayPal simulator rejected a token request with grant_type %r", grant_type)
            return JSONResponse({"error": "unsupported_grant_type", "error_description": description}, status_code=400)

        return JSONResponse(
            {
                "scope": "https://uri.paypal.com/services/payments/payment/authcapture openid",
                "access_token": state.issue_token(),
                "token_type": "Bearer",
                "app_id": state.app_id,
                "expires_in": TOKEN_LIFETIME_SECONDS,
                "nonce": timestamp() + secrets.token_urlsafe(24),
            }
        )
