"""The website chat widget channel: event page, widget files, sessions and the chat socket.

Routes:

- ``GET /`` and ``GET /events/{slug}``: the public event page (``?lang=en`` for English).
- ``GET /widget.js`` and ``GET /widget.css``: the widget, embedded with one script tag.
- ``POST /chat/session``: a new signed session token, ``{"session": "<token>"}``.
- ``WebSocket /chat/ws``: the conversation (frames in ``bot.channels.web_socket``).

``WIDGET_ALLOWED_ORIGINS`` lists the other sites that may embed the widget
(``bot.channels.web_origins``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from bot.channels.web_origins import OriginPolicy
from bot.channels.web_page import router as page_router
from bot.channels.web_sessions import issue_session
from bot.channels.web_socket import ChatEndpoint, ConnectionRegistry, Turns
from bot.gateway import register_pusher
from bot.settings import Settings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
# Browsers revalidate with the ETag on each page load, so an update reaches every site at once.
ASSET_HEADERS = {"Cache-Control": "no-cache"}
ASSET_TYPES = {"widget.js": "text/javascript; charset=utf-8", "widget.css": "text/css; charset=utf-8"}


def install(app: FastAPI, settings: Settings) -> None:
    """Add the event page, widget assets and chat connection routes, and register the pusher."""
    policy = OriginPolicy.from_environment(settings.public_url)
    registry = ConnectionRegistry()

    app.include_router(page_router)
    app.include_router(asset_router())
    app.include_router(session_router(policy, settings.secret_key))
    app.add_api_websocket_route("/chat/ws", ChatEndpoint(policy, settings.secret_key, registry, Turns()))
    register_pusher("web", registry.push)
    if policy.allowed:
        logger.info("the widget may be embedded by %s", ", ".join(sorted(policy.allowed)))


def asset_router() -> APIRouter:
    router = APIRouter()

    def serve(name: str):
        async def asset() -> FileResponse:
            return FileResponse(STATIC_DIR / name, media_type=ASSET_TYPES[name], headers=ASSET_HEADERS)

        return asset

    for name in ASSET_TYPES:
        router.add_api_route(f"/{name}", serve(name), methods=["GET"], include_in_schema=False)
    return router


def session_router(policy: OriginPolicy, secret_key: str) -> APIRouter:
    router = APIRouter()

    @router.post("/chat/session")
    async def create_session(request: Request) -> JSONResponse:
        origin, host = request.headers.get("origin"), request.headers.get("host")
        if not policy.allows(origin, host):
            logger.info("widget session rejected for origin %s", origin)
            return JSONResponse({"error": f"the origin {origin} may not embed this chat"}, status_code=403)
        return JSONResponse({"session": issue_session(secret_key)}, headers=policy.cors_headers(origin, host))

    @router.options("/chat/session")
    async def session_preflight(request: Request) -> Response:
        """CORS preflight (Fetch standard), for pages that send the request with headers of their own."""
        origin, host = request.headers.get("origin"), request.headers.get("host")
        headers = policy.cors_headers(origin, host)
        if not headers:
            return Response(status_code=403)
        headers |= {
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
        }
        return Response(status_code=204, headers=headers)

    return router
