"""Telegram updates as dialogue turns, and dialogue replies as Telegram messages.

Shared by the webhook route (``bot.channels.telegram``) and the polling runner
(``bot.channels.telegram_polling``). A text message, or the payload of a pressed
inline button, goes to the engine once per update id. The replies go back to the
chat. Each chat has one turn at a time, in the order its updates arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator

from telegram import Bot, Update, User
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError

from bot.channels.telegram_messages import CallbackDataStore, inline_keyboard, links_as_text, split_text
from bot.gateway import EngineUnavailable, conversation_id
from bot.inbound import converse_once

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
# Replies this channel sends without the engine, in the user's Telegram language.
NOT_TEXT_REPLY = {
    "es": "Solo entiendo mensajes de texto. Escríbeme tu mensaje, por favor.",
    "en": "I only understand text messages. Please type your message.",
}
ENGINE_UNAVAILABLE_REPLY = {
    "es": "El asistente no está disponible en este momento. Inténtalo de nuevo en unos minutos.",
    "en": "The assistant is not available right now. Please try again in a few minutes.",
}
UNKNOWN_BUTTON_REPLY = {
    "es": "Ese botón ya no está disponible. Escríbeme tu respuesta, por favor.",
    "en": "That button is no longer available. Please type your answer.",
}
# Telegram sends "/start" (or "/start <parameter>") when someone opens the bot;
# the engine would read it as an unknown intent, so it becomes a greeting.
START_COMMAND = re.compile(r"^/start(@\w+)?(\s.*)?$", re.DOTALL)
START_GREETING = {"es": "hola", "en": "hello"}


def user_language(user: User | None) -> str:
    """Return "en" for users whose Telegram app is in English, else "es" (the assistant's default)."""
    code = (user.language_code or "") if user else ""
    return "en" if code.lower().startswith("en") else "es"


def chat_id_of(conversation: str) -> int | None:
    """Return the chat id of a ``telegram:<chat id>`` conversation, or None for any other id."""
    channel, _, chat_id = conversation.partition(":")
    if channel != CHANNEL:
        return None
    try:
        return int(chat_id)
    except ValueError:
        return None


def parse_update(data: object, bot: Bot) -> Update:
    """Build an ``Update`` from a webhook body; raise ValueError when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise ValueError("the body is not a Telegram Update object (no integer update_id)")
    try:
        return Update.de_json(data, bot)
    except (TypeError, KeyError, AttributeError) as error:
        raise ValueError(f"the body is not a valid Telegram Update object: {error}") from error


class _ChatLocks:
    """One asyncio lock per chat while it has turns running or waiting; FIFO, so turns keep their order."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._holders[chat_id] = self._holders.get(chat_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._holders[chat_id] -= 1
            if self._holders[chat_id] == 0:
                del self._holders[chat_id]
                del self._locks[chat_id]


class TelegramChannel:
    """Handles Telegram updates and sends dialogue replies and pushes through ``bot``."""

    def __init__(self, bot: Bot, callback_data: CallbackDataStore | None = None):
        self.bot = bot
        self.callback_data = callback_data or CallbackDataStore()
        self._chat_locks = _ChatLocks()
        self._tasks: set[asyncio.Task] = set()

    def schedule(self, update: Update) -> None:
        """Handle ``update`` in the background, so the webhook request gets its response at once."""
        task = asyncio.create_task(self._handle_logging_failures(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for scheduled updates, then cancel the rest."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            logger.warning("stopped with %s Telegram updates still being handled", len(pending))

    async def _handle_logging_failures(self, update: Update) -> None:
        try:
            await self.handle_update(update)
        except Exception:
            # No caller awaits this task, so the failure is logged here and later updates are still handled.
            logger.exception("handling Telegram update %s failed", update.update_id)

    async def handle_update(self, update: Update) -> None:
        """Run the dialogue turn for an update and send its replies.

        Telegram errors are logged, not raised: Telegram has already been told
        the update arrived, and delivering it again would not help.
        """
        try:
            if update.callback_query is not None:
                await self._handle_button_press(update)
            elif update.message is not None:
                await self._handle_message(update)
            else:
                logger.debug("update %s ignored: neither a message nor a button press", update.update_id)
        except TelegramError as error:
            logger.error("Telegram call failed while handling update %s: %s", update.update_id, error)

    async def _handle_message(self, update: Update) -> None:
        message = update.message
        chat = message.chat
        if chat.type != ChatType.PRIVATE:
            # A chat id is a conversation: in a group every member would share one registration.
            logger.info("update %s ignored: from a %s chat, only private chats are served", update.update_id, chat.type)
            return
        language = user_language(message.from_user)
        if message.text is None:
            await self.bot.send_message(chat.id, NOT_TEXT_REPLY[language])
            return

        text = START_GREETING[language] if START_COMMAND.match(message.text) else message.text
        await self._converse(chat.id, update.update_id, text, language)

    async def _handle_button_press(self, update: Update) -> None:
        query = update.callback_query
        # Answer the callback query first, because the Telegram app shows a progress
        # indicator on the button until then. A query Telegram no longer accepts
        # (answered too late) still carries the user's choice.
        try:
            await self.bot.answer_callback_query(query.id)
        except TelegramError as error:
            logger.warning("answering the callback query of update %s failed: %s", update.update_id, error)
        chat = query.message.chat if query.message is not None else None
        if chat is None or chat.type != ChatType.PRIVATE or not query.data:
            logger.info("button press in update %s ignored: no private chat or no data", update.update_id)
            return

        language = user_language(query.from_user)
        payload = self.callback_data.payload_for(query.data)
        if payload is None:
            logger.info("button press in update %s carries key %s, unknown to this process", update.update_id, query.data)
            await self.bot.send_message(chat.id, UNKNOWN_BUTTON_REPLY[language])
            return
        await self._converse(chat.id, update.update_id, payload, language)

    async def _converse(self, chat_id: int, update_id: int, text: str, language: str) -> None:
        conversation = conversation_id(CHANNEL, str(chat_id))
        async with self._chat_locks.hold(chat_id):
            try:
                replies, duplicate = await converse_once(conversation, f"update:{update_id}", text)
            except EngineUnavailable:
                await self.bot.send_message(chat_id, ENGINE_UNAVAILABLE_REPLY[language])
                return
            if duplicate:
                logger.info("update %s for %s was handled before; its replies are not sent again", update_id, conversation)
                return
            await self.send_replies(chat_id, replies)

    async def push(self, conversation: str, messages: list[dict]) -> bool:
        """Send messages produced outside a chat turn; the pusher registered with ``bot.gateway``."""
        chat_id = chat_id_of(conversation)
        if chat_id is None:
            logger.warning("push to %s skipped: not a telegram:<chat id> conversation", conversation)
            return False
        try:
            await self.send_replies(chat_id, messages)
        except TelegramError as error:
            logger.warning("push to Telegram chat %s failed: %s", chat_id, error)
            return False
        return True

    async def send_replies(self, chat_id: int, replies: list[dict]) -> None:
        """Send each reply as one or more messages; raise ``TelegramError`` when Telegram rejects one."""
        for reply in replies:
            await self.send_reply(chat_id, reply)

    async def send_reply(self, chat_id: int, reply: dict) -> None:
        text = str(reply.get("text") or "")
        buttons = [button for button in reply.get("buttons") or [] if isinstance(button, dict)]
        chunks = split_text(text)
        if not chunks:
            # Replies carrying only an image or a custom payload have no Telegram form here.
            logger.warning("reply without text to chat %s skipped (it has %s)", chat_id, ", ".join(sorted(reply)))
            return

        for chunk in chunks[:-1]:
            await self.bot.send_message(chat_id, chunk)
        try:
            await self.bot.send_message(chat_id, chunks[-1], reply_markup=inline_keyboard(buttons, self.callback_data))
        except BadRequest as error:
            if not any(button.get("url") for button in buttons):
                raise
            # Telegram rejects link buttons whose URL it considers invalid, such as
            # the PayPal simulator's page on localhost; the link still works as text.
            logger.warning("Telegram rejected a link button for chat %s (%s); sending the link as text", chat_id, error.message)
            await self._send_links_as_text(chat_id, chunks[-1], buttons)

    async def _send_links_as_text(self, chat_id: int, text: str, buttons: list[dict]) -> None:
        text, remaining_buttons = links_as_text(text, buttons)
        chunks = split_text(text)
        for chunk in chunks[:-1]:
            await self.bot.send_message(chat_id, chunk)
        await self.bot.send_message(
            chat_id, chunks[-1], reply_markup=inline_keyboard(remaining_buttons, self.callback_data)
        )
