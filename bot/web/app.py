"""The application's web server: PayPal return pages and webhooks, the NLG
endpoint, the reconciliation job and, by default, the PayPal simulator."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from bot.channels import telegram as telegram_channel
from bot.channels import web as web_channel
from bot.reconcile import reconcile
from bot.settings import Settings, get_settings
from bot.web import internal, nlg, payment_pages, paypal_webhook, rest_channel

logger = logging.getLogger(__name__)


async def reconcile_periodically(interval_seconds: int) -> None:
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            await run_in_threadpool(reconcile)
        except Exception:
            # The job must outlive a bad run (database restart, a bug in one order).
            logger.exception("reconciliation run failed; next run in %s s", interval_seconds)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = None
        if settings.reconcile_interval_seconds > 0:
            task = asyncio.create_task(reconcile_periodically(settings.reconcile_interval_seconds))
        yield
        if task is not None:
            task.cancel()

    app = FastAPI(title="Registro por chat", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.include_router(payment_pages.router)
    app.include_router(paypal_webhook.router)
    app.include_router(nlg.router)
    app.include_router(internal.router)
    app.include_router(rest_channel.router)
    web_channel.install(app, settings)
    telegram_channel.install(app, settings)

    if settings.paypal_mode == "simulator":
        from bot.paypal.simulator import create_simulator_router

        app.include_router(
            create_simulator_router(
                client_id=settings.paypal_client_id,
                client_secret=settings.paypal_client_secret,
                webhook_url=settings.simulator_webhook_url,
                webhook_id=settings.paypal_webhook_id,
            ),
            prefix="/paypal-sim",
        )

    @app.get("/healthz")
    def health() -> dict:
        return {"status": "ok"}

    return app


def main() -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and the engine's API token travels in one.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    host = os.environ.get("APP_HOST", "127.0.0.1")
    port = int(os.environ.get("APP_PORT", "8000"))
    uvicorn.run(create_app(), host=host, port=port, log_level="info")


if __name__ == "__main__":
    main()
