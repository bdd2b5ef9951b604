"""Telegram channel settings, read from the environment, and the Bot API client built from them.

| Variable | Default | Meaning |
|---|---|---|
| ``TELEGRAM_BOT_TOKEN`` | unset: channel off | the bot's token from BotFather |
| ``TELEGRAM_MODE`` | ``webhook`` | ``webhook`` (Telegram posts to ``PUBLIC_URL/telegram/webhook``) or ``polling`` |
| ``TELEGRAM_WEBHOOK_SECRET`` | required for ``webhook`` | secret token Telegram sends with every webhook request |
| ``TELEGRAM_API_BASE_URL`` | ``https://api.telegram.org`` | origin of the Bot API server (a local Bot API server, or the tests' fake) |
"""

from __future__ import annotations

import itertools
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.settings import SettingsError

TELEGRAM_API_ORIGIN = "https://api.telegram.org"
TELEGRAM_MODES = ("webhook", "polling")
WEBHOOK_PATH = "/telegram/webhook"
# Only these update types reach the bot (setWebhook and getUpdates ``allowed_updates``).
ALLOWED_UPDATES = ["message", "callback_query"]
# The Bot API accepts 1-256 characters of A-Z, a-z, 0-9, "_" and "-" as a webhook secret token.
SECRET_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
SECRET_TOKEN_HINT = (
    "1-256 characters of A-Z, a-z, 0-9, _ or -, for example the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
)

# Seconds between attempts to reach the Bot API at start-up; the last one repeats.
CONNECT_RETRY_DELAYS = (5, 15, 60, 300)
# Bot API calls other than getUpdates; getUpdates adds its long-polling time to the read timeout.
CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 10.0
WRITE_TIMEOUT_SECONDS = 10.0
POOL_TIMEOUT_SECONDS = 5.0

# Every Bot API URL contains the bot token (https://api.telegram.org/bot<token>/<method>).
# httpx logs each request URL at INFO, and python-telegram-bot logs the base URL and
# every request's parameters at DEBUG.
TOKEN_BEARING_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram.Bot": logging.INFO,
    "telegram.ext.ExtBot": logging.INFO,
    "telegram.request": logging.INFO,
}


@dataclass(frozen=True)
class TelegramConfig:
    token: str = field(repr=False)
    mode: str
    webhook_secret: str = field(repr=False)
    api_base_url: str
    webhook_url: str

    @property
    def bot_api_base_url(self) -> str:
        """``base_url`` for python-telegram-bot, which appends the token to it."""
        return f"{self.api_base_url}/bot"


def load_telegram_config(public_url: str) -> TelegramConfig | None:
    """Read the Telegram settings; return None when ``TELEGRAM_BOT_TOKEN`` is unset.

    Raises ``SettingsError`` for an unknown mode, or for a missing or malformed
    webhook secret in webhook mode.
    """
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        return None

    mode = os.environ.get("TELEGRAM_MODE", "webhook").strip().lower() or "webhook"
    if mode not in TELEGRAM_MODES:
        raise SettingsError(f"TELEGRAM_MODE must be one of {', '.join(TELEGRAM_MODES)}, got {mode!r}")

    secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
    if mode == "webhook" and not secret:
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_MODE=webhook; set it to " + SECRET_TOKEN_HINT
        )
    if secret and not SECRET_TOKEN_PATTERN.fullmatch(secret):
        raise SettingsError(f"TELEGRAM_WEBHOOK_SECRET is invalid; Telegram accepts {SECRET_TOKEN_HINT}")

    api_base_url = (os.environ.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API_ORIGIN).strip().rstrip("/")
    return TelegramConfig(
        token=token,
        mode=mode,
        webhook_secret=secret,
        api_base_url=api_base_url,
        webhook_url=f"{public_url.rstrip('/')}{WEBHOOK_PATH}",
    )


def quiet_token_loggers() -> None:
    """Raise the level of the loggers that would write Bot API URLs, and so the token."""
    for name, level in TOKEN_BEARING_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < level:
            logger.setLevel(level)


def connect_retry_delays() -> Iterator[int]:
    return itertools.chain(CONNECT_RETRY_DELAYS, itertools.repeat(CONNECT_RETRY_DELAYS[-1]))


def create_request(*, long_polling: bool = False) -> HTTPXRequest:
    """Return the HTTP client for Bot API calls; ``long_polling`` sizes it for getUpdates."""
    return HTTPXRequest(
        connection_pool_size=1 if long_polling else 32,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        write_timeout=WRITE_TIMEOUT_SECONDS,
        pool_timeout=POOL_TIMEOUT_SECONDS,
    )


def create_bot(config: TelegramConfig) -> Bot:
    return Bot(
        config.token,
        base_url=config.bot_api_base_url,
        request=create_request(),
        get_updates_request=create_request(long_polling=True),
    )
