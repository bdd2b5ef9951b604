"""A fake Telegram Bot API server, served over real HTTP with ``tests.servers.serve_in_thread``.

It serves ``/bot<token>/<method>`` as the Bot API does, so python-telegram-bot's
``base_url`` is ``<origin>/bot``. Its responses have the Bot API's shape:
``{"ok": true, "result": ...}``, or ``{"ok": false, "error_code", "description"}``. It implements
the methods the Telegram channel calls: getMe, setWebhook, deleteWebhook,
getUpdates (long polling over queued updates, honouring ``offset``), sendMessage
and answerCallbackQuery. Like Telegram, it rejects message texts longer than 4096
characters, callback_data longer than 64 bytes and getUpdates while a webhook is
set. It records every message the bot sends, for the tests' assertions.

The module also builds the updates Telegram sends: text messages, button presses
and stickers in a private chat.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Registro",
    "username": "registro_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
# Maximum getUpdates wait, whatever ``timeout`` the request sets.
MAX_LONG_POLLING_SECONDS = 10.0
LONG_POLLING_STEP_SECONDS = 0.05
WAIT_STEP_SECONDS = 0.05


class BotApiError(Exception):
    """Raised by a fake Bot API method; becomes ``{"ok": false, ...}`` with ``error_code`` as the status."""

    def __init__(self, error_code: int, description: str):
        super().__init__(description)
        self.error_code = error_code
        self.description = description


@dataclass(frozen=True)
class SentMessage:
    message_id: int
    chat_id: int
    text: str
    reply_markup: dict | None
    # The message as the Bot API returned it, which a button press quotes back.
    raw: dict = field(repr=False)

    @property
    def buttons(self) -> list[dict]:
        """Inline keyboard buttons, row by row, left to right."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def button(self, title_part: str) -> dict:
        """Return the first button whose text contains ``title_part`` (case-insensitive)."""
        for button in self.buttons:
            if title_part.lower() in button["text"].lower():
                return button
        raise AssertionError(f"no button with {title_part!r} in {[b['text'] for b in self.buttons]}")


@dataclass
class WebhookSettings:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None


class FakeBotApi:
    """State of the fake server; methods are safe to call from the tests' thread."""

    def __init__(self, token: str):
        self.token = token
        self.webhook: WebhookSettings | None = None
        # Every setWebhook request, in order, including those a later deleteWebhook undid.
        self.set_webhook_requests: list[WebhookSettings] = []
        # Hosts whose link buttons sendMessage rejects. Telegram rejects some, such as
        # localhost (BUTTON_URL_INVALID), so the tests add the ones they need.
        self.rejected_link_hosts: set[str] = set()
        # Chats whose user blocked the bot: sendMessage to them fails with 403 Forbidden.
        self.blocked_chats: set[int] = set()
        # Callback queries answered too late: answerCallbackQuery fails with 400.
        self.expired_callback_queries: set[str] = set()
        self._lock = threading.Lock()
        self._calls: list[str] = []
        self._sent: list[SentMessage] = []
        self._answered_callback_queries: list[str] = []
        self._pending_updates: list[dict] = []
        self._update_ids = itertools.count(100_001)
        self._message_ids = itertools.count(1)

    # What the tests read and control.

    def next_update_id(self) -> int:
        with self._lock:
            return next(self._update_ids)

    def queue_update(self, update: dict) -> None:
        """Make ``update`` available to getUpdates."""
        with self._lock:
            self._pending_updates.append(update)

    @property
    def calls(self) -> list[str]:
        """Names of the Bot API methods called, in order."""
        with self._lock:
            return list(self._calls)

    @property
    def pending_updates(self) -> list[dict]:
        """Queued updates the bot has not confirmed with a higher getUpdates ``offset``."""
        with self._lock:
            return list(self._pending_updates)

    @property
    def answered_callback_queries(self) -> list[str]:
        with self._lock:
            return list(self._answered_callback_queries)

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        with self._lock:
            return [message for message in self._sent if message.chat_id == chat_id]

    def wait_for_messages(self, chat_id: int, count: int, timeout: float) -> list[SentMessage]:
        """Return the messages sent to ``chat_id`` once there are at least ``count``."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.messages_to(chat_id)
            if len(messages) >= count:
                return messages
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(messages)} messages to chat {chat_id} after {timeout} s, expected {count}: "
                    f"{[m.text for m in messages]}"
                )
            time.sleep(WAIT_STEP_SECONDS)

    def wait_for_call(self, method: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while method not in self.calls:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {method} call within {timeout} s; calls: {self.calls}")
            time.sleep(WAIT_STEP_SECONDS)

    # Bot API methods.

    def call(self, method: str, params: dict) -> object:
        """Run one Bot API method; return its result or raise ``BotApiError``."""
        with self._lock:
            self._calls.append(method)
            handler = {
                "getme": self._get_me,
                "setwebhook": self._set_webhook,
                "deletewebhook": self._delete_webhook,
                "sendmessage": self._send_message,
                "answercallbackquery": self._answer_callback_query,
            }.get(method.lower())
            if handler is None:
                raise BotApiError(404, "Not Found: method not found")
            return handler(params)

    def take_updates(self, params: dict) -> list[dict] | None:
        """getUpdates without waiting: confirm updates below ``offset``; None while none is pending."""
        with self._lock:
            self._calls.append("getUpdates")
            if self.webhook is not None:
                raise BotApiError(
                    409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
                    "delete the webhook first"
                )
            offset = int(params.get("offset") or 0)
            if offset < 0:
                self._pending_updates = self._pending_updates[offset:]
            elif offset > 0:
                self._pending_updates = [u for u in self._pending_updates if u["update_id"] >= offset]
            limit = int(params.get("limit") or 100)
            return list(self._pending_updates[:limit]) or None

    def _get_me(self, params: dict) -> dict:
        return dict(BOT_USER)

    def _set_webhook(self, params: dict) -> bool:
        if not params.get("url"):
            raise BotApiError(400, "Bad Request: bad webhook: URL is empty")
        self.webhook = WebhookSettings(
            url=params["url"],
            secret_token=params.get("secret_token"),
            allowed_updates=_json_parameter(params.get("allowed_updates")),
        )
        self.set_webhook_requests.append(self.webhook)
        return True

    def _delete_webhook(self, params: dict) -> bool:
        self.webhook = None
        if _json_parameter(params.get("drop_pending_updates")):
            self._pending_updates.clear()
        return True

    def _send_message(self, params: dict) -> dict:
        if not params.get("chat_id"):
            raise BotApiError(400, "Bad Request: chat_id is empty")
        text = params.get("text") or ""
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > MAX_TEXT_LENGTH:
            raise BotApiError(400, "Bad Request: message is too long")
        reply_markup = _json_parameter(params.get("reply_markup"))
        self._check_inline_keyboard(reply_markup)
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked_chats:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")

        message_id = next(self._message_ids)
        raw = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": dict(BOT_USER),
            "text": text,
        }
        if reply_markup:
            raw["reply_markup"] = reply_markup
        self._sent.append(SentMessage(message_id, chat_id, text, reply_markup, raw))
        return raw

    def _check_inline_keyboard(self, reply_markup: dict | None) -> None:
        for row in (reply_markup or {}).get("inline_keyboard") or []:
            for button in row:
                if not button.get("text"):
                    raise BotApiError(400, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
                if "callback_data" in button:
                    size = len(button["callback_data"].encode("utf-8"))
                    if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                        raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                elif "url" in button:
                    url = urlsplit(button["url"])
                    if url.scheme not in ("http", "https", "tg") or url.hostname in self.rejected_link_hosts:
                        raise BotApiError(
                            400, f"Bad Request: inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
                        )
                else:
                    raise BotApiError(400, "Bad Request: can't parse inline keyboard button: button has no action")

    def _answer_callback_query(self, params: dict) -> bool:
        if not params.get("callback_query_id"):
            raise BotApiError(400, "Bad Request: query is empty")
        if params["callback_query_id"] in self.expired_callback_queries:
            raise BotApiError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        self._answered_callback_queries.append(params["callback_query_id"])
        return True


def _json_parameter(value: object) -> object:
    """Decode a parameter python-telegram-bot sends JSON-encoded in a form field."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def create_fake_bot_api_app(api: FakeBotApi) -> FastAPI:
    app = FastAPI()

    @app.api_route("/bot{token}/{method}", methods=["GET", "POST"])
    async def bot_api(token: str, method: str, request: Request) -> JSONResponse:
        if token != api.token:
            return _error(BotApiError(401, "Unauthorized"))
        params = await _parameters(request)
        try:
            if method.lower() == "getupdates":
                result = await _long_poll(api, params)
            else:
                result = api.call(method, params)
        except BotApiError as error:
            return _error(error)
        return JSONResponse({"ok": True, "result": result})

    return app


async def _long_poll(api: FakeBotApi, params: dict) -> list[dict]:
    """Wait up to the requested ``timeout`` for an update, as getUpdates long polling does."""
    wait = min(float(params.get("timeout") or 0), MAX_LONG_POLLING_SECONDS)
    deadline = time.monotonic() + wait
    while True:
        updates = api.take_updates(params)
        if updates or time.monotonic() >= deadline:
            return updates or []
        await asyncio.sleep(LONG_POLLING_STEP_SECONDS)


async def _parameters(request: Request) -> dict:
    """Read parameters from the query string, a JSON body or a form, as the Bot API accepts all three."""
    params: dict = dict(request.query_params)
    if request.headers.get("content-type", "").startswith("application/json"):
        params.update(await request.json())
    elif request.method == "POST":
        params.update({key: value for key, value in (await request.form()).items()})
    return params


def _error(error: BotApiError) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error_code": error.error_code, "description": error.description},
        status_code=error.error_code,
    )


# Updates as Telegram sends them, for a user writing to the bot in a private chat.


def telegram_user(chat_id: int, language_code: str) -> dict:
    # In a private chat the chat id is the user's id.
    return {"id": chat_id, "is_bot": False, "first_name": "Ana", "language_code": language_code}


def incoming_message(chat_id: int, language_code: str, **content: object) -> dict:
    return {
        "message_id": int(time.time() * 1000) % 1_000_000_000,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Ana"},
        "from": telegram_user(chat_id, language_code),
        **content,
    }


def text_update(update_id: int, chat_id: int, text: str, language_code: str = "es") -> dict:
    return {"update_id": update_id, "message": incoming_message(chat_id, language_code, text=text)}


def sticker_update(update_id: int, chat_id: int, language_code: str = "es") -> dict:
    sticker = {
        "file_id": "CAACAgIAAxkBAAEBsticker",
        "file_unique_id": "AgADsticker",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
    return {"update_id": update_id, "message": incoming_message(chat_id, language_code, sticker=sticker)}


def button_press_update(update_id: int, message: SentMessage, callback_data: str, language_code: str = "es") -> dict:
    """A callback query for a button of ``message``, which Telegram quotes in the update."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"{message.chat_id}-{update_id}",
            "from": telegram_user(message.chat_id, language_code),
            "message": message.raw,
            "chat_instance": f"instance-{message.chat_id}",
            "data": callback_data,
        },
    }
