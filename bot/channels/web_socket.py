"""The widget's WebSocket at ``/chat/ws``: one connection per open page, JSON frames.

Client to server::

    {"type": "hello", "session": "<token>", "pending": [{"id", "text"}, ...]}   first frame
    {"type": "message", "id": "<client message id>", "text": "..."}

Server to client::

    {"type": "ack", "id": "<id>"}                        the message arrived
    {"type": "typing"}                                   the engine is processing it
    {"type": "replies", "in_reply_to": "<id>", "messages": [...]}
    {"type": "push", "messages": [...]}                  sent outside a chat turn
    {"type": "history", "messages": [...], "answered": ["<id>", ...]}
    {"type": "error", "in_reply_to": "<id>", "reason": "engine_unavailable" | "invalid_message"}

A client keeps each message until its ``replies`` (or the ``answered`` list of a
``history``) arrives, and sends the ones it still has in ``pending`` when it
connects again. ``converse_once`` answers a resent message from the stored
replies, so nothing is lost or processed twice. The server answers ``pending``
before it reads the history, so the history already holds those turns.

Close codes: 4400 when the first frame is not a hello, 4401 for an invalid
session token, 4408 when no hello arrives in time; the handshake itself is
rejected (HTTP 403) for an origin that may not embed the widget.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from bot.channels.web_history import (
    HISTORY_LIMIT,
    drop_shown,
    fetch_events,
    history_messages,
    undelivered_pushes,
    widget_messages,
)
from bot.channels.web_origins import OriginPolicy
from bot.channels.web_sessions import InvalidSession, verify_session
from bot.gateway import EngineUnavailable, conversation_id
from bot.inbound import converse_once

logger = logging.getLogger(__name__)

# The column storing it (inbound_messages.external_id) takes 64 characters.
MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
HELLO_TIMEOUT_SECONDS = 10
SEND_TIMEOUT_SECONDS = 10
# More would be a client fault, because a page keeps only the few messages typed offline.
MAX_PENDING = 20

CLOSE_NOT_HELLO = 4400
CLOSE_INVALID_SESSION = 4401
CLOSE_HELLO_TIMEOUT = 4408
POLICY_VIOLATION = 1008


class Connection:
    """One open widget page; sends are serialised because pushes come from other tasks."""

    def __init__(self, websocket: WebSocket, conversation: str):
        self.websocket = websocket
        self.conversation = conversation
        self._send_lock = asyncio.Lock()
        # Set when a send fails: the page went away, and reading would raise.
        self.closed = False
        # Pushes that missed every page, shown in this page's history (see ``drop_shown``).
        self.shown_pushes: list[dict] = []

    @property
    def is_open(self) -> bool:
        states = (self.websocket.client_state, self.websocket.application_state)
        return not self.closed and states == (WebSocketState.CONNECTED, WebSocketState.CONNECTED)

    async def send(self, frame: dict) -> bool:
        """Send a JSON frame; return False when the page is gone."""
        try:
            async with self._send_lock:
                await asyncio.wait_for(self.websocket.send_json(frame), SEND_TIMEOUT_SECONDS)
        except (WebSocketDisconnect, RuntimeError, OSError, TimeoutError) as error:
            # RuntimeError: Starlette refuses to send once the socket closed.
            logger.debug("sending to conversation %s failed: %r", self.conversation, error)
            self.closed = True
            return False
        return True


class ConnectionRegistry:
    """The open widget connections of this process, by conversation.

    NOTE: the registry lives in one process. With several application processes,
    ``/internal/push`` may reach a process without the attendee's socket. A shared
    bus such as Redis pub/sub would then have to carry pushes to every process.
    """

    def __init__(self) -> None:
        self._connections: dict[str, set[Connection]] = defaultdict(set)

    def add(self, connection: Connection) -> None:
        self._connections[connection.conversation].add(connection)

    def remove(self, connection: Connection) -> None:
        connections = self._connections.get(connection.conversation)
        if connections is not None:
            connections.discard(connection)
            if not connections:
                del self._connections[connection.conversation]

    def connections(self, conversation: str) -> list[Connection]:
        return list(self._connections.get(conversation, ()))

    async def push(self, conversation: str, messages: list[dict]) -> bool:
        """The gateway's pusher for ``web:`` conversations: send to every open page of
        the conversation; return True when at least one received the messages."""
        frame = {"type": "push", "messages": widget_messages(messages)}
        results = await asyncio.gather(*(connection.send(frame) for connection in self.connections(conversation)))
        delivered = any(results)
        logger.info("push to conversation %s reached %d of %d pages", conversation, sum(results), len(results))
        return delivered


class Turns:
    """Chat turns in progress, so a message resent during its own turn waits for that
    turn's replies instead of the empty list ``converse_once`` returns then.

    NOTE: per process, like ``ConnectionRegistry``; a resend that reaches another
    process during the turn gets no replies, and the page shows them from the
    history after its next reconnect.
    """

    def __init__(self) -> None:
        self._running: dict[tuple[str, str], asyncio.Task] = {}

    async def answer(self, conversation: str, message_id: str, text: str) -> list[dict]:
        """Return the engine's replies to the message; raise ``EngineUnavailable``."""
        key = (conversation, message_id)
        task = self._running.get(key)
        if task is None:
            task = asyncio.create_task(converse_once(conversation, message_id, text))
            self._running[key] = task
            task.add_done_callback(lambda _done: self._running.pop(key, None))
        # Shielded, so a page that goes away mid-turn does not cancel the turn: its
        # replies are stored for the resend.
        replies, _duplicate = await asyncio.shield(task)
        return widget_messages(replies)


def parse_message(frame: object) -> tuple[str, str] | None:
    """Return ``(id, text)`` of a client message frame or pending entry, None when malformed."""
    if not isinstance(frame, dict):
        return None
    message_id, text = frame.get("id"), frame.get("text")
    if not isinstance(message_id, str) or not MESSAGE_ID.match(message_id):
        return None
    if not isinstance(text, str) or not text.strip():
        return None
    return message_id, text


class ChatEndpoint:
    """Serves one WebSocket: origin check, hello, pending messages, history, then chat."""

    def __init__(self, policy: OriginPolicy, secret_key: str, registry: ConnectionRegistry, turns: Turns):
        self.policy = policy
        self.secret_key = secret_key
        self.registry = registry
        self.turns = turns

    async def __call__(self, websocket: WebSocket) -> None:
        origin = websocket.headers.get("origin")
        if not self.policy.allows(origin, websocket.headers.get("host")):
            logger.info("widget connection from origin %s rejected", origin)
            # Closing before accepting makes uvicorn reject the handshake with HTTP 403.
            await websocket.close(code=POLICY_VIOLATION)
            return

        await websocket.accept()
        hello = await self._receive_hello(websocket)
        if hello is None:
            return
        session_id, pending = hello

        connection = Connection(websocket, conversation_id("web", session_id))
        self.registry.add(connection)
        try:
            await self._resume(connection, pending)
            await self._chat(connection)
        except WebSocketDisconnect:
            pass
        finally:
            self.registry.remove(connection)

    async def _receive_hello(self, websocket: WebSocket) -> tuple[str, list[tuple[str, str]]] | None:
        """Read the first frame; close the socket and return None unless it is a valid hello."""
        try:
            frame = await asyncio.wait_for(websocket.receive_json(), HELLO_TIMEOUT_SECONDS)
        except TimeoutError:
            await websocket.close(code=CLOSE_HELLO_TIMEOUT, reason="no hello frame")
            return None
        except WebSocketDisconnect:
            return None
        except (ValueError, KeyError, TypeError):
            # Not JSON text: Starlette raises KeyError or TypeError for a binary frame.
            frame = None
        if not isinstance(frame, dict) or frame.get("type") != "hello":
            await websocket.close(code=CLOSE_NOT_HELLO, reason="the first frame must be a hello")
            return None
        try:
            session_id = verify_session(frame.get("session"), self.secret_key)
        except InvalidSession as error:
            logger.info("widget connection rejected: %s", error)
            await websocket.close(code=CLOSE_INVALID_SESSION, reason="invalid session")
            return None

        raw_pending = frame.get("pending") if isinstance(frame.get("pending"), list) else []
        pending = [parsed for parsed in map(parse_message, raw_pending[:MAX_PENDING]) if parsed]
        return session_id, pending

    async def _resume(self, connection: Connection, pending: list[tuple[str, str]]) -> None:
        """Process the messages the page still keeps, then send the history that includes them."""
        answered = []
        if pending:
            await connection.send({"type": "typing"})
        for message_id, text in pending:
            try:
                await self.turns.answer(connection.conversation, message_id, text)
            except EngineUnavailable:
                # The page sends it again after the history, and backs off if it fails again.
                break
            answered.append(message_id)

        events = await fetch_events(connection.conversation)
        if events is None:
            return
        connection.shown_pushes = undelivered_pushes(events)
        messages = history_messages(events)[-HISTORY_LIMIT:]
        await connection.send({"type": "history", "messages": messages, "answered": answered})

    async def _chat(self, connection: Connection) -> None:
        """Answer message frames in the order they arrive, until the page goes away."""
        while connection.is_open:
            try:
                frame = await connection.websocket.receive_json()
            except (ValueError, KeyError, TypeError):
                # Not JSON text: Starlette raises KeyError or TypeError for a binary frame.
                logger.info("conversation %s sent a frame that is not JSON text", connection.conversation)
                continue
            if not isinstance(frame, dict) or frame.get("type") != "message":
                continue
            await self._answer(connection, frame)

    async def _answer(self, connection: Connection, frame: dict) -> None:
        parsed = parse_message(frame)
        if parsed is None:
            await connection.send({"type": "error", "in_reply_to": frame.get("id"), "reason": "invalid_message"})
            return
        message_id, text = parsed

        await connection.send({"type": "ack", "id": message_id})
        await connection.send({"type": "typing"})
        try:
            messages = await self.turns.answer(connection.conversation, message_id, text)
        except EngineUnavailable:
            await connection.send({"type": "error", "in_reply_to": message_id, "reason": "engine_unavailable"})
            return
        # The first replies after a reconnect may repeat pushes the history just showed.
        messages = drop_shown(messages, connection.shown_pushes)
        connection.shown_pushes = []
        await connection.send({"type": "replies", "in_reply_to": message_id, "messages": messages})
