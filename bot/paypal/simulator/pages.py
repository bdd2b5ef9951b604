"""The buyer's approval page (``/checkoutnow?token=``), the simulator's version of PayPal's checkout."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader

from bot.paypal.simulator.errors import SimulatedApiError
from bot.paypal.simulator.events import publish_order_approved
from bot.paypal.simulator.models import SimulatedOrder
from bot.paypal.simulator.rendering import CHECKOUT_ROUTE, ResourceUrls, with_query
from bot.paypal.simulator.state import SimulatorState
from bot.paypal.simulator.webhooks import WebhookSender

logger = logging.getLogger(__name__)

PAGE_TEXT = {
    "es": {
        "simulator_notice": "Simulador de PayPal: no se cobra dinero real.",
        "checkout_title": "Confirma tu pago",
        "default_brand": "Pago con PayPal",
        "amount_label": "Total a pagar",
        "approve_button": "Pagar ahora",
        "cancel_button": "Cancelar y volver",
        "missing_token_title": "Enlace incompleto",
        "missing_token_message": "Al enlace le falta el código del pedido. Vuelve a la conversación y pide un enlace de pago nuevo.",
        "not_found_title": "Pedido no encontrado",
        "not_found_message": "No existe ningún pedido con el código {order_id}. Vuelve a la conversación y pide un enlace de pago nuevo.",
        "captured_title": "Pago ya realizado",
        "captured_message": "El pedido {order_id} ya está pagado, así que no se te cobrará otra vez.",
        "expired_title": "Enlace vencido",
        "expired_message": "El pedido {order_id} venció y ya no se puede pagar. Vuelve a la conversación y pide un enlace de pago nuevo.",
        "invalid_action_title": "Acción no válida",
        "invalid_action_message": "Elige «Pagar ahora» o «Cancelar y volver».",
        "approved_title": "Pago aprobado",
        "approved_message": "Aprobaste el pago del pedido {order_id}. Ya puedes cerrar esta página.",
        "cancelled_title": "Pago cancelado",
        "cancelled_message": "No se cobró nada por el pedido {order_id}. Ya puedes cerrar esta página.",
    },
    "en": {
        "simulator_notice": "PayPal simulator: no real money is charged.",
        "checkout_title": "Confirm your payment",
        "default_brand": "Pay with PayPal",
        "amount_label": "Total to pay",
        "approve_button": "Pay now",
        "cancel_button": "Cancel and return",
        "missing_token_title": "Incomplete link",
        "missing_token_message": "The link has no order code. Go back to the conversation and ask for a new payment link.",
        "not_found_title": "Order not found",
        "not_found_message": "There is no order with the code {order_id}. Go back to the conversation and ask for a new payment link.",
        "captured_title": "Already paid",
        "captured_message": "Order {order_id} is already paid, so you will not be charged again.",
        "expired_title": "Payment link expired",
        "expired_message": "Order {order_id} expired and can no longer be paid. Go back to the conversation and ask for a new payment link.",
        "invalid_action_title": "Invalid action",
        "invalid_action_message": "Choose “Pay now” or “Cancel and return”.",
        "approved_title": "Payment approved",
        "approved_message": "You approved the payment for order {order_id}. You can close this page.",
        "cancelled_title": "Payment cancelled",
        "cancelled_message": "Nothing was charged for order {order_id}. You can close this page.",
    },
}

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
    autoescape=True,  # Brand and description come from the API caller.
)


def add_checkout_routes(router: APIRouter, state: SimulatorState, webhooks: WebhookSender) -> None:
    """Add the approval page, whose form POSTs ``action=approve|cancel`` and redirects with 303.

    Approving sends the CHECKOUT.ORDER.APPROVED webhook event.
    """
    @router.get("/checkoutnow", name=CHECKOUT_ROUTE)
    async def show_checkout(request: Request, token: str | None = None) -> Response:
        order = state.find_order(token) if token else None
        language = _page_language(order, request)
        problem = _checkout_problem(token, order, language)
        if problem is not None:
            return problem

        return _render_page(
            "checkout.html",
            language,
            title=PAGE_TEXT[language]["checkout_title"],
            brand_name=order.experience.get("brand_name"),
            description=order.purchase_unit.get("description"),
            amount=order.amount.display(),
            form_url=ResourceUrls(request).checkout(order.id),
        )

    @router.post("/checkoutnow")
    async def submit_checkout(request: Request, token: str | None = None) -> Response:
        action = (await request.form()).get("action")
        order = state.find_order(token) if token else None
        language = _page_language(order, request)
        problem = _checkout_problem(token, order, language)
        if problem is not None:
            return problem

        if action == "approve":
            try:
                order = state.approve_order(order.id)
            except SimulatedApiError:
                # Another request captured or expired the order after find_order, so show the page that GET shows.
                return _checkout_problem(token, state.find_order(order.id), language)

            publish_order_approved(webhooks, order, ResourceUrls(request), state.merchant_id)
            return _redirect_or_page(
                order.experience.get("return_url"),
                {"token": order.id, "PayerID": state.payer_id},
                language,
                "approved",
                order.id,
            )
        if action == "cancel":
            return _redirect_or_page(
                order.experience.get("cancel_url"), {"token": order.id}, language, "cancelled", order.id
            )
        return _message_page(language, "invalid_action", order.id, 400)


def _page_language(order: SimulatedOrder | None, request: Request) -> str:
    """Return ``en`` when the order's locale, or else the browser's language, is English."""
    locale = order.experience.get("locale", "") if order is not None else request.headers.get("Accept-Language", "")
    return "en" if locale.lower().startswith("en") else "es"


def _checkout_problem(token: str | None, order: SimulatedOrder | None, language: str) -> Response | None:
    """Return the error page for a checkout link that cannot be paid, or None."""
    if not token:
        return _message_page(language, "missing_token", "", 400)
    if order is None:
        return _message_page(language, "not_found", token, 404)
    if order.status == "COMPLETED":
        return _message_page(language, "captured", order.id, 409)
    if order.expired:
        return _message_page(language, "expired", order.id, 410)
    return None


def _redirect_or_page(
    url: str | None, params: dict[str, str], language: str, page: str, order_id: str
) -> Response:
    # The return and cancel URLs are optional at PayPal. Without one the buyer stays here.
    if url is None:
        return _message_page(language, page, order_id, 200)
    return RedirectResponse(with_query(url, params), status_code=303)


def _message_page(language: str, page: str, order_id: str, status_code: int) -> HTMLResponse:
    if status_code >= 400:
        logger.info("PayPal simulator checkout page for order %r returned %s (%s)", order_id, status_code, page)

    text = PAGE_TEXT[language]
    return _render_page(
        "message.html",
        language,
        status_code=status_code,
        title=text[f"{page}_title"],
        message=text[f"{page}_message"].format(order_id=order_id),
    )


def _render_page(template: str, language: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _templates.get_template(template).render(language=language, text=PAGE_TEXT[language], **context)
    return HTMLResponse(html, status_code=status_code)
