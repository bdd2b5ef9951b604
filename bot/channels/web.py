"""The website chat widget channel."""

from __future__ import annotations

from fastapi import FastAPI

from bot.settings import Settings


def install(app: FastAPI, settings: Settings) -> None:
    """Add the event page, widget assets and chat connection routes."""
