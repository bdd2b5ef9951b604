"""The pages PayPal sends the buyer back to: return (capture) and cancel."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.db import session_scope
from bot.models import RegistrationStatus
from bot.notices import NoticeKind
from bot.notifications import deliver
from bot.payments import create_paypal_client, find_order, settle_order
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
    notices = []
    try:
        with session_scope() as session:
            row = find_order(session, token) if token else None
            if row is None:
                return message_page(DEFAULT_LANGUAGE, "page_error_title",
                                    reply("page_unknown_order", DEFAULT_LANGUAGE), status=404)
            registration = row.registration
            language = registration.language
            try:
                notices = settle_order(session, row, client)
            except PayPalUnavailable as error:
                logger.warning("capture on return failed order=%s error=%s", token, error)
                return message_page(language, "page_error_title",
                                    reply("page_paypal_unavailable", language), status=503)
            except PayPalRequestError as error:
                logger.warning("capture on return rejected order=%s issue=%s", token, error.issue)
                return message_page(language, "page_error_title",
                                    reply("page_not_approved", language), status=409)
            page = _outcome_page(registration, row, {notice.kind for notice in notices})
    finally:
        client.close()

    # After the commit, so nobody is told of a change that was rolled back.
    deliver(notices)
    return page


def _outcome_page(registration, row, kinds: set[str]) -> HTMLResponse:
    language = registration.language
    status = registration.status
    if status == RegistrationStatus.PAID:
        body = reply(
            "page_paid_body",
            language,
            price=registration.money.display(),
            event=registration.event.text("name", language),
        )
        return message_page(language, "page_paid_title", body, code=registration.code)
    if status == RegistrationStatus.REVIEW:
        return message_page(language, "page_error_title", reply("page_review", language), status=409)
    if status == RegistrationStatus.REFUNDED:
        return message_page(language, "page_error_title", reply("page_refunded", language), status=409)
    if NoticeKind.DECLINED in kinds:
        return message_page(language, "page_error_title", reply("page_declined", language), status=402)
    if row.capture_status is None:
        # PayPal has no approval for this order: the buyer came back without paying.
        return message_page(language, "page_error_title", reply("page_not_approved", language), status=409)
    return message_page(language, "page_pending_title", reply("page_pending_body", language), status=202)


@router.get("/paypal/cancel")
def buyer_cancelled(token: str = "") -> HTMLResponse:
    language = DEFAULT_LANGUAGE
    if token:
        with session_scope() as session:
            row = find_order(session, token)
            if row is not None:
                language = row.registration.language
    return message_page(language, "page_cancelled_title", reply("page_cancelled_body", language))
