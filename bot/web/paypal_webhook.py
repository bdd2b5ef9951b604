"""``POST /paypal/webhook``: PayPal's webhook events."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from bot.webhooks import handle_webhook

router = APIRouter()


@router.post("/paypal/webhook")
async def paypal_webhook(request: Request) -> JSONResponse:
    # The raw bytes, not parsed JSON: the signature covers exactly what PayPal sent.
    raw_body = await request.body()
    result = await run_in_threadpool(handle_webhook, raw_body, request.headers)
    return JSONResponse({"detail": result.detail}, status_code=result.status_code)
