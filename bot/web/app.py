"""The application's web server: PayPal return pages, the NLG endpoint and, by
default, the PayPal simulator."""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI

from bot.settings import Settings, get_settings
from bot.web import nlg, payment_pages


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="Registro por chat", docs_url=None, redoc_url=None)
    app.include_router(payment_pages.router)
    app.include_router(nlg.router)

    if settings.paypal_mode == "simulator":
        from bot.paypal.simulator import create_simulator_router

        app.include_router(
            create_simulator_router(
                client_id=settings.paypal_client_id, client_secret=settings.paypal_client_secret
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
    host = os.environ.get("APP_HOST", "127.0.0.1")
    port = int(os.environ.get("APP_PORT", "8000"))
    uvicorn.run(create_app(), host=host, port=port, log_level="info")


if __name__ == "__main__":
    main()
