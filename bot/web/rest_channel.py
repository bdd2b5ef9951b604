"""``POST /webhooks/rest/webhook``: Rasa's REST contract, for authenticated clients.

The client proves its sender id with a JWT (``Authorization: Bearer``, HS256,
``sub`` = sender id), so nobody can write into another client's conversation by
guessing its id.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Body, Header
from fastapi.responses import JSONResponse

from bot.gateway import EngineUnavailable, conversation_id, converse
from bot.rest_auth import InvalidToken, sender_from_authorization

logger = logging.getLogger(__name__)

router = APIRouter()


@router.post("/webhooks/rest/webhook")
async def rest_webhook(body: dict = Body(...), authorization: str | None = Header(default=None)) -> JSONResponse:
    try:
        sender = sender_from_authorization(authorization)
    except InvalidToken as error:
        logger.info("REST request rejected: %s", error)
        return JSONResponse(
            {"error": "invalid or missing bearer token"}, status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="rest"'},
        )
    claimed = body.get("sender")
    if claimed is not None and claimed != sender:
        return JSONResponse({"error": "sender must match the token's subject"}, status_code=403)
    message = body.get("message")
    if not isinstance(message, str):
        return JSONResponse({"error": "the body must be JSON with a string field 'message'"}, status_code=400)

    try:
        replies = await converse(conversation_id("rest", sender), message)
    except EngineUnavailable:
        return JSONResponse({"error": "the assistant is not available; try again shortly"}, status_code=503)
    for reply in replies:
        reply["recipient_id"] = sender
    return JSONResponse(replies)
