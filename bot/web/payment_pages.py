"""The pages PayPal sends the buyer back to: return (capture) and cancel."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.db import session_scope
from bot.notifications import announce_payment
from bot.payments import PaymentMismatch, capture_order, create_paypal_client, find_order
from bot.paypal.errors import PayPalRequestError, PayPalUnavailable
from bot.replies import DEFAULT_LANGUAGE, reply

logger = logging.getLogger(__name__)

router = APIRouter()
templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape()
)


def message_page(language: str, title_key: str, body: str, *, code: str | None = None, status: int = 200):
    html = templates.get_template("message.html").render(
        language=language, title=reply(title_key, language), paragraphs=[body], code=code
    )
    return HTMLResponse(html, status_code=status)


@router.get("/paypal/return")
def buyer_returned(token: str = "") -> HTMLResponse:
    """Capture the approved order named by PayPal's ``token`` and show the outcome."""
    client = create_paypal_client()
    announce = None
    try:
        with session_scope() as session:
            row = find_order(session, token) if token else None
            if row is None:
                return message_page(DEFAULT_LANGUAGE, "page_error_title",
                                    reply("page_unknown_order", DEFAULT_LANGUAGE), status=404)
            registration = row.registration
            language = registration.language
            try:
                outcome = capture_order(session, row, client)
            except PayPalUnavailable as error:
                logger.warning("capture on return failed order=%s error=%s", token, error)
                return message_page(language, "page_error_title",
                                    reply("page_paypal_unavailable", language), status=503)
            except PayPalRequestError as error:
                logger.warning("capture on return rejected order=%s issue=%s", token, error.issue)
                return message_page(language, "page_error_title",
                                    reply("page_not_approved", language), status=409)
            except PaymentMismatch as error:
                logger.error("payment mismatch: %s", error)
                return message_page(language, "page_error_title", reply("page_review", language),
                                    status=409)

            if outcome.registration.code is None:
                return message_page(language, "page_pending_title", reply("page_pending_body", language))
            if outcome.newly_paid:
                announce = registration
            body = reply(
                "page_paid_body",
                language,
                price=registration.money.display(),
                event=registration.event.text("name", language),
            )
            page = message_page(language, "page_paid_title", body, code=registration.code)
    finally:
        client.close()

    # After the commit, so the engine's confirmation action reads the paid registration.
    if announce is not None:
        with session_scope() as session:
            announce_payment(session.merge(announce))
    return page


@router.get("/paypal/cancel")
def buyer_cancelled(token: str = "") -> HTMLResponse:
    language = DEFAULT_LANGUAGE
    if token:
        with session_scope() as session:
            row = find_order(session, token)
            if row is not None:
                language = row.registration.language
    return message_page(language, "page_cancelled_title", reply("page_cancelled_body", language))
