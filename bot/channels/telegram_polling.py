"""Receive Telegram updates by long polling, for installations without a public HTTPS address.

Run it beside the application (which still sends pushes such as payment
confirmations), with the application's environment::

    TELEGRAM_MODE=polling TELEGRAM_BOT_TOKEN=<token> .venv/bin/python -m bot.channels.telegram_polling

It deletes the bot's webhook first, because Telegram serves getUpdates only to a
bot without one, then hands every update to the same ``TelegramChannel`` as the
webhook route. SIGINT or SIGTERM stops it after the turns under way finish. It
exits with 2 for a configuration error and 1 when Telegram rejects the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.channels.telegram_config import (
    ALLOWED_UPDATES,
    TelegramConfig,
    connect_retry_delays,
    create_request,
    load_telegram_config,
    quiet_token_loggers,
)
from bot.channels.telegram_handler import TelegramChannel
from bot.settings import SettingsError, get_settings

# Named explicitly: run with `python -m`, this module is `__main__`.
logger = logging.getLogger("bot.channels.telegram_polling")

# Seconds each getUpdates call waits on Telegram's side for an update to arrive.
LONG_POLLING_TIMEOUT_SECONDS = 10


def build_application(config: TelegramConfig) -> Application:
    """Return a python-telegram-bot ``Application`` whose every update goes to a ``TelegramChannel``."""
    application = (
        Application.builder()
        .token(config.token)
        .base_url(config.bot_api_base_url)
        .request(create_request())
        .get_updates_request(create_request(long_polling=True))
        # Updates of different chats are handled side by side; TelegramChannel keeps
        # each chat's turns one at a time and in order.
        .concurrent_updates(True)
        .build()
    )
    channel = TelegramChannel(application.bot)

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await channel.handle_update(update)

    async def log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("handling Telegram update %s failed", update_id, exc_info=context.error)

    application.add_handler(TypeHandler(Update, handle))
    application.add_error_handler(log_error)
    return application


async def initialize(application: Application, stop: asyncio.Event) -> bool:
    """Initialize the application, retrying while the Bot API cannot be reached.

    Returns False when Telegram rejects the token or ``stop`` is set first.
    """
    for attempt, delay in enumerate(connect_retry_delays(), start=1):
        try:
            await application.initialize()
            return True
        except InvalidToken:
            # The exception's message contains the token, so it is not logged.
            logger.error("Telegram rejected TELEGRAM_BOT_TOKEN; correct it (BotFather's /token) and start again")
            return False
        except TelegramError as error:
            logger.warning("connecting to the Telegram Bot API failed (attempt %s): %s; retrying in %s s", attempt, error, delay)
        if await _stop_set_within(stop, delay):
            return False
    return False


async def _stop_set_within(stop: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()


async def poll(config: TelegramConfig) -> int:
    """Poll until SIGINT or SIGTERM; return the process exit code."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    application = build_application(config)
    if not await initialize(application, stop):
        await application.shutdown()
        return 0 if stop.is_set() else 1

    try:
        await application.updater.start_polling(timeout=LONG_POLLING_TIMEOUT_SECONDS, allowed_updates=ALLOWED_UPDATES)
        await application.start()
        logger.info("polling Telegram for updates to @%s", application.bot.username)
        await stop.wait()
        logger.info("stopping the Telegram polling runner")
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
    return 0


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_token_loggers()
    try:
        config = load_telegram_config(get_settings().public_url)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if config is None:
        print("error: TELEGRAM_BOT_TOKEN is not set; set it to the token BotFather gave you", file=sys.stderr)
        return 2
    if config.mode != "polling":
        # Polling deletes the webhook, which would cut off an application in webhook mode.
        print(
            f"error: TELEGRAM_MODE is {config.mode!r}; polling deletes the bot's webhook, so it runs only "
            "with TELEGRAM_MODE=polling",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(poll(config))


if __name__ == "__main__":
    sys.exit(main())
