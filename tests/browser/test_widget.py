"""The chat widget in headless Chromium, used as a visitor would, against the whole stack."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -r requirements.txt)")

from playwright.sync_api import Locator, expect  # noqa: E402

from tests.browser.widget import Widget, latest_code  # noqa: E402

pytestmark = pytest.mark.conversation

PHONE_WIDTH = 360  # the viewport width of the phone_context fixture
# Opens a socket as the widget does and sends a hello with ``token``. Resolves with
# the type of the server's first frame, or with the close code.
FIRST_ANSWER_TO_TOKEN = """token => new Promise(resolve => {
    const socket = new WebSocket(location.origin.replace(/^http/, "ws") + "/chat/ws");
    socket.onopen = () => socket.send(JSON.stringify({type: "hello", session: token, pending: []}));
    socket.onmessage = event => { resolve(JSON.parse(event.data).type); socket.close(); };
    socket.onclose = event => resolve(event.code);
})"""


def register_until_payment(widget: Widget, outbox: Path, name: str, address: str) -> Locator:
    """Register for a General ticket by typing and clicking; return the message with the PayPal link."""
    widget.say("Quiero registrarme")
    widget.wait_for("¿Cómo te llamas?")
    widget.say(name)
    widget.wait_for("¿a qué correo te envío el código")
    widget.say(address)
    widget.wait_for("Escribe el código de 6 dígitos")
    widget.say(latest_code(outbox, address))
    widget.wait_for("¿Qué tipo de entrada quieres?")
    widget.click(re.compile(r"^General"))
    expect(widget.user_messages().last).to_have_text(re.compile(r"General · 1,500\.00 MXN"))
    for question in ("teléfono de contacto", "empresa u organización", "necesidad de alimentación"):
        widget.wait_for(question)
        widget.click("Omitir")
    widget.wait_for("Revisa tu registro para Cumbre de Tecnología Abierta 2027")
    widget.click("Confirmar")
    return widget.wait_for("Paga 1,500.00 MXN con PayPal")


def test_register_and_pay_in_widget(context, stack, outbox, reports_dir):
    page = context.new_page()
    page.goto(f"{stack.app_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cumbre de Tecnología Abierta 2027")
    widget = Widget(page)
    widget.open()

    payment = register_until_payment(widget, outbox, "Lucía Ramírez", "lucia.ramirez@example.com")
    sent_before_paying = widget.user_messages().count()

    with context.expect_page() as new_tab:
        payment.get_by_role("link", name=re.compile("Pagar con PayPal")).click()
    paypal = new_tab.value
    paypal.locator('button[name="action"][value="approve"]').click()
    expect(paypal.get_by_role("heading", name="Pago recibido")).to_be_visible()
    code = paypal.locator(".code").inner_text()

    page.bring_to_front()
    confirmation = widget.wait_for("¡Recibimos tu pago de 1,500.00 MXN!")
    expect(confirmation).to_contain_text(f"Tu código de registro es {code}.")
    assert widget.user_messages().count() == sent_before_paying
    page.screenshot(path=reports_dir / "widget-conversation.png")

    page.reload()
    expect(widget.panel).to_be_visible()
    expect(widget.bot_message("¡Recibimos tu pago")).to_contain_text(code)
    expect(widget.user_messages().filter(has_text="Lucía Ramírez")).to_have_count(1)
    expect(widget.user_messages().filter(has_text="Omitir")).to_have_count(3)
    expect(widget.user_messages().filter(has_text=re.compile(r"^/"))).to_have_count(0)
    widget.say("¿ya está mi registro?")
    widget.wait_for("está pagado y confirmado")
    expect(widget.log.locator(".message.bot").filter(has_text="¡Recibimos tu pago")).to_have_count(1)


def test_payment_while_page_closed_shown_once(context, stack, outbox):
    page = context.new_page()
    page.goto(f"{stack.app_url}/")
    widget = Widget(page)
    widget.open()
    payment = register_until_payment(widget, outbox, "Mateo Salas", "mateo.salas@example.com")
    link = payment.get_by_role("link", name=re.compile("Pagar con PayPal")).get_attribute("href")
    page.close()

    paypal = context.new_page()
    paypal.goto(link)
    paypal.locator('button[name="action"][value="approve"]').click()
    expect(paypal.get_by_role("heading", name="Pago recibido")).to_be_visible()
    page = context.new_page()
    page.goto(f"{stack.app_url}/")
    widget = Widget(page)
    widget.open()

    widget.wait_for("¡Recibimos tu pago de 1,500.00 MXN!")
    widget.say("gracias")
    widget.wait_for("¿Te ayudo con algo más?")
    expect(widget.log.locator(".message.bot").filter(has_text="¡Recibimos tu pago")).to_have_count(1)


def test_forged_session_rejected(context, stack):
    page = context.new_page()
    page.goto(f"{stack.app_url}/")
    widget = Widget(page)
    widget.open()
    widget.say("hola")
    widget.wait_for("¿Qué quieres hacer?")
    real = widget.session_token()
    session_id, issued, signature = real.split(".")
    forged = f"{session_id}.{issued}.{'A' * len(signature)}"

    assert page.evaluate(FIRST_ANSWER_TO_TOKEN, real) == "history"
    assert page.evaluate(FIRST_ANSWER_TO_TOKEN, forged) == 4401

    widget.replace_session_token(forged)
    page.reload()
    expect(widget.log).to_contain_text("Tu conversación anterior ya no está disponible")
    widget.say("hola")
    widget.wait_for("¿Qué quieres hacer?")

    expect(widget.log).to_contain_text("Tu conversación anterior ya no está disponible")
    expect(widget.user_messages()).to_have_count(1)
    renewed = widget.session_token()
    assert renewed is not None
    assert renewed not in (forged, real)


def test_dropped_connection_loses_and_repeats_nothing(context, stack):
    page = context.new_page()
    drop = {"armed": False}
    connections = []

    def relay(route):
        """Pass frames through; when armed, cut the connection right after the next message."""
        server = route.connect_to_server()
        connections.append(route)

        def from_page(frame):
            server.send(frame)
            if drop["armed"] and json.loads(frame).get("type") == "message":
                drop["armed"] = False
                route.close(code=1001, reason="network lost")
                server.close()

        route.on_message(from_page)

    page.route_web_socket(re.compile(r"/chat/ws$"), relay)
    page.goto(f"{stack.app_url}/")
    widget = Widget(page)
    widget.open()
    widget.say("hola")
    widget.wait_for("¿Qué quieres hacer?")

    drop["armed"] = True
    widget.say("quiero registrarme")
    widget.wait_for("¿Cómo te llamas?")

    assert not drop["armed"]
    assert len(connections) == 2
    expect(widget.user_messages().filter(has_text="quiero registrarme")).to_have_count(1)
    expect(widget.log.locator(".message.bot").filter(has_text="¿Cómo te llamas?")).to_have_count(1)
    page.reload()
    widget.wait_for("¿Cómo te llamas?")
    expect(widget.user_messages().filter(has_text="quiero registrarme")).to_have_count(1)
    expect(widget.log.locator(".message.bot").filter(has_text="¿Cómo te llamas?")).to_have_count(1)


def test_widget_on_organiser_site_in_english(context, stack, embedding_site, site_root):
    (site_root / "partner.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner site</title></head>'
        "<body><h1>Our partner's event</h1>"
        f'<script src="{stack.app_url}/widget.js" defer></script></body></html>',
        encoding="utf-8",
    )
    page = context.new_page()
    page.goto(f"{embedding_site}/partner.html")
    widget = Widget(page, "en")
    widget.open()

    widget.click("I want to register")
    widget.wait_for("What's your name?")
    expect(widget.user_messages().last).to_have_text(re.compile("I want to register"))


def test_widget_fits_phone_screen(phone_context, stack, reports_dir):
    page = phone_context.new_page()
    page.goto(f"{stack.app_url}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    widget = Widget(page)

    page.get_by_role("button", name="Abrir el chat", exact=True).click()
    expect(widget.panel).to_be_visible()
    box = widget.panel.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE_WIDTH
    widget.input.focus()
    widget.say("hola")
    greeting = widget.wait_for("¿Qué quieres hacer?")
    register = greeting.get_by_role("button", name="Registrarme")
    register.focus()
    page.keyboard.press("Enter")
    widget.wait_for("¿Cómo te llamas?")
    expect(widget.user_messages().last).to_have_text(re.compile("Registrarme"))
    assert widget.log.evaluate("node => node.scrollWidth <= node.clientWidth")
    page.screenshot(path=reports_dir / "widget-360.png")

    widget.input.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
