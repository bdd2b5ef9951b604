"""Process each channel message once, even when the client or Telegram sends it again."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from bot.db import session_scope
from bot.gateway import EngineUnavailable, converse
from bot.models import InboundMessage


def _claim(conversation: str, external_id: str) -> tuple[bool, list | None]:
    """Record the message; return (True, None) if new, else (False, the stored replies)."""
    try:
        with session_scope() as session:
            session.add(InboundMessage(conversation_id=conversation, external_id=external_id))
        return True, None
    except IntegrityError:
        with session_scope() as session:
            stored = session.scalar(
                select(InboundMessage).where(
                    InboundMessage.conversation_id == conversation, InboundMessage.external_id == external_id
                )
            )
            return False, stored.replies if stored else None


def _store(conversation: str, external_id: str, replies: list | None) -> None:
    with session_scope() as session:
        if replies is None:
            session.execute(
                delete(InboundMessage).where(
                    InboundMessage.conversation_id == conversation, InboundMessage.external_id == external_id
                )
            )
            return
        stored = session.scalar(
            select(InboundMessage).where(
                InboundMessage.conversation_id == conversation, InboundMessage.external_id == external_id
            )
        )
        stored.replies = replies


async def converse_once(conversation: str, external_id: str, text: str) -> tuple[list[dict], bool]:
    """Send a channel message to the engine unless it was sent before.

    Returns the replies and whether the message was a duplicate. A duplicate
    gets the replies stored for the first delivery (empty while that one is
    still being answered). Raises ``EngineUnavailable``; the message is then
    forgotten so that a resend is processed.
    """
    claimed, stored = await run_in_threadpool(_claim, conversation, external_id)
    if not claimed:
        return list(stored or []), True
    try:
        replies = await converse(conversation, text)
    except EngineUnavailable:
        await run_in_threadpool(_store, conversation, external_id, None)
        raise
    await run_in_threadpool(_store, conversation, external_id, replies)
    return replies, False
