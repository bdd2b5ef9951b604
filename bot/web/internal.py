"""``POST /internal/push``: messages for a conversation, from any process of the installation."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Body, Header, HTTPException
from fastapi.concurrency import run_in_threadpool

from bot.engine import append_bot_messages, internal_token
from bot.gateway import push_live

router = APIRouter()


@router.post("/internal/push")
async def internal_push(
    body: dict = Body(...), x_internal_token: str = Header(default="")
) -> dict:
    if not hmac.compare_digest(x_internal_token, internal_token()):
        raise HTTPException(status_code=403, detail="invalid internal token")
    conversation = body.get("conversation_id")
    messages = body.get("messages")
    if not isinstance(conversation, str) or not conversation or not isinstance(messages, list):
        raise HTTPException(status_code=422, detail="conversation_id (string) and messages (list) are required")

    delivered = await push_live(conversation, messages)
    await run_in_threadpool(append_bot_messages, conversation, messages, delivered=delivered)
    return {"delivered": delivered}
