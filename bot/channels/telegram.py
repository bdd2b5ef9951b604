"""The Telegram channel."""

from __future__ import annotations

from fastapi import FastAPI

from bot.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """Add the Telegram webhook route and register the Telegram pusher, when configured."""
