"""The Telegram channel: webhook route, pusher and start-up.

Telegram delivers updates to ``POST /telegram/webhook`` (``TELEGRAM_MODE=webhook``,
the default) or to the polling runner ``python -m bot.channels.telegram_polling``
(``TELEGRAM_MODE=polling``); both hand them to ``TelegramChannel``. In both modes
the application sends pushes (payment captured, refund, seat released) to the
chat. Settings: ``bot.channels.telegram_config``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from telegram.error import BadRequest, InvalidToken, TelegramError

from bot.channels.telegram_config import (
    ALLOWED_UPDATES,
    WEBHOOK_PATH,
    TelegramConfig,
    connect_retry_delays,
    create_bot,
    load_telegram_config,
    quiet_token_loggers,
)
from bot.channels.telegram_handler import CHANNEL, TelegramChannel, parse_update
from bot.gateway import register_pusher
from bot.settings import Settings

logger = logging.getLogger(__name__)

SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Seconds that stopping the application waits for updates still being handled.
SHUTDOWN_GRACE_SECONDS = 10.0


def install(app: FastAPI, settings: Settings) -> None:
    """Add the Telegram webhook route and register the Telegram pusher, when configured.

    Does nothing without ``TELEGRAM_BOT_TOKEN``. Raises ``SettingsError`` for an
    invalid configuration, such as webhook mode without a webhook secret.
    """
    config = load_telegram_config(settings.public_url)
    if config is None:
        logger.info("Telegram channel off: TELEGRAM_BOT_TOKEN is not set")
        return

    quiet_token_loggers()
    channel = TelegramChannel(create_bot(config))
    register_pusher(CHANNEL, channel.push)

    # FastAPI runs an included router's lifespan inside the application's own.
    # Start-up event handlers (router.on_startup, add_event_handler) would never
    # run, because FastAPI (0.165 here) ignores them when the application has a
    # lifespan, as create_app's has.
    router = APIRouter(lifespan=_lifespan(channel, config))
    if config.mode == "webhook":
        router.add_api_route(
            WEBHOOK_PATH, _webhook_endpoint(channel, config.webhook_secret), methods=["POST"], include_in_schema=False
        )
    app.include_router(router)
    logger.info("Telegram channel on, %s mode", config.mode)


def _webhook_endpoint(channel: TelegramChannel, secret: str) -> Callable:
    expected = secret.encode("utf-8")

    async def telegram_webhook(request: Request) -> Response:
        """Accept an update from Telegram and respond at once, because the turn runs in the background.

        Telegram sends the secret token given to setWebhook in every request's
        ``X-Telegram-Bot-Api-Secret-Token`` header (Bot API, setWebhook). It
        delivers an update again after any response other than 2xx.
        """
        received = request.headers.get(SECRET_TOKEN_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(received, expected):
            logger.warning("Telegram webhook request rejected: %s secret token", "wrong" if received else "missing")
            return JSONResponse({"error": "invalid or missing secret token"}, status_code=401)

        try:
            update = parse_update(await request.json(), channel.bot)
        except ValueError as error:
            logger.warning("Telegram webhook request rejected: %s", error)
            return JSONResponse({"error": "the body must be a Telegram Update object in JSON"}, status_code=400)

        channel.schedule(update)
        return Response(status_code=200)

    return telegram_webhook


def _lifespan(channel: TelegramChannel, config: TelegramConfig) -> Callable:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # In the background, so that an unreachable Bot API does not hold up the
        # PayPal pages and the other channels.
        connecting = asyncio.create_task(connect(channel, config))
        try:
            yield
        finally:
            connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await connecting
            await channel.drain(SHUTDOWN_GRACE_SECONDS)
            await channel.bot.shutdown()

    return lifespan


async def connect(channel: TelegramChannel, config: TelegramConfig) -> None:
    """Check the token and, in webhook mode, point Telegram at ``PUBLIC_URL/telegram/webhook``.

    Retries while the Bot API cannot be reached; gives up, with an error in the
    log, when Telegram rejects the token.
    """
    bot = channel.bot
    for attempt, delay in enumerate(connect_retry_delays(), start=1):
        try:
            await bot.initialize()
            if config.mode == "webhook":
                await bot.set_webhook(
                    url=config.webhook_url, secret_token=config.webhook_secret, allowed_updates=ALLOWED_UPDATES
                )
        except InvalidToken:
            # The exception's message contains the token, so it is not logged.
            logger.error(
                "Telegram rejected TELEGRAM_BOT_TOKEN; the Telegram channel gets no updates until the "
                "token is corrected (BotFather's /token) and the application restarted"
            )
            return
        except BadRequest as error:
            # Not worth retrying: Telegram accepts only HTTPS webhook URLs on ports 443, 80, 88 or 8443.
            logger.error(
                "Telegram rejected the webhook URL %s: %s; set PUBLIC_URL to the application's public "
                "HTTPS address and restart, or use TELEGRAM_MODE=polling", config.webhook_url, error.message
            )
            return
        except TelegramError as error:
            logger.warning(
                "connecting to the Telegram Bot API failed (attempt %s): %s; retrying in %s s", attempt, error, delay
            )
            await asyncio.sleep(delay)
        else:
            break

    if config.mode == "webhook":
        logger.info("Telegram bot @%s: webhook set to %s", bot.username, config.webhook_url)
    else:
        logger.info("Telegram bot @%s: pushes on; updates come through the polling runner", bot.username)
