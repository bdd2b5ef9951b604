"""PayPal return and cancel pages, served by the running application with its simulator."""

from __future__ import annotations

import email
import re
from concurrent.futures import ThreadPoolExecutor
from email.policy import default as default_policy

import httpx
import pytest
from sqlalchemy import select

from bot.accounts import issue_code
from bot.cli import migrate
from bot.db import session_scope
from bot.events import DEMO_EVENT_FILE, get_event, load_event_file
from bot.models import PayPalOrder, Registration, RegistrationStatus
from bot.payments import create_paypal_client, start_checkout
from bot.registrations import RegistrationDraft, create_registration
from bot.settings import get_settings
from bot.web.app import create_app
from tests.servers import bound_socket, serve_in_thread

CODE = re.compile(r"CUMBRE-[A-HJ-NP-Z2-9]{6}")


@pytest.fixture
def app_url(isolated_settings, monkeypatch):
    sock = bound_socket()
    origin = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("PUBLIC_URL", origin)
    monkeypatch.setenv("ENGINE_URL", "http://127.0.0.1:9")  # nothing listens: the push is skipped
    get_settings.cache_clear()
    migrate()
    with session_scope() as session:
        load_event_file(session, DEMO_EVENT_FILE)
    with serve_in_thread(create_app(), sock) as url:
        yield url


def pending_registration(language="es", email_address="ana@example.com") -> tuple[int, str]:
    """Store a pending General registration with its PayPal order; return its id and approval link."""
    settings = get_settings()
    with session_scope() as session:
        event = get_event(session, "cumbre-2027")
        account = issue_code(session, email=email_address, name="Ana Núñez", language=language,
                             secret_key=settings.secret_key).account
        draft = RegistrationDraft("general", "Ana Núñez", None, None, None, language, "chat-ana")
        registration = create_registration(session, event=event, account=account, draft=draft, hold_minutes=30)
        session.commit()
        client = create_paypal_client(settings)
        order = start_checkout(session, registration, client, settings)
        client.close()
        return registration.id, order.approve_url


def approve(approval_url: str) -> str:
    """Approve at the simulator and return the return URL PayPal redirects to."""
    response = httpx.post(approval_url, data={"action": "approve"})
    assert response.status_code == 303
    return response.headers["location"]


def stored(registration_id: int) -> Registration:
    with session_scope() as session:
        return session.get(Registration, registration_id)


def test_return_captures_and_confirms(app_url, isolated_settings):
    registration_id, link = pending_registration()

    page = httpx.get(approve(link))

    assert page.status_code == 200
    assert "Pago recibido" in page.text
    assert "1,500.00 MXN" in page.text
    registration = stored(registration_id)
    assert registration.status == RegistrationStatus.PAID
    assert registration.code in page.text
    messages = [email.message_from_bytes(p.read_bytes(), policy=default_policy)
                for p in sorted((isolated_settings / "outbox").glob("*.eml"))]
    assert registration.code in messages[-1]["Subject"]


def test_return_opened_twice_in_parallel_captures_once(app_url):
    registration_id, link = pending_registration()
    return_url = approve(link)

    with ThreadPoolExecutor(max_workers=2) as pool:
        pages = list(pool.map(lambda _: httpx.get(return_url, timeout=30), range(2)))

    assert [page.status_code for page in pages] == [200, 200]
    assert all("Pago recibido" in page.text for page in pages)
    codes = {CODE.search(page.text).group(0) for page in pages}
    assert codes == {stored(registration_id).code}
    with session_scope() as session:
        orders = session.scalars(select(PayPalOrder).where(PayPalOrder.registration_id == registration_id)).all()
    assert len(orders) == 1
    assert orders[0].capture_id is not None


def test_return_without_approval_keeps_pending(app_url):
    registration_id, link = pending_registration()
    token = link.split("token=")[1]

    page = httpx.get(f"{app_url}/paypal/return", params={"token": token})

    assert page.status_code == 409
    assert "no se aprobó" in page.text
    assert stored(registration_id).status == RegistrationStatus.PENDING_PAYMENT


def test_return_with_unknown_token_not_found(app_url):
    page = httpx.get(f"{app_url}/paypal/return", params={"token": "NOSUCHORDER00000"})

    assert page.status_code == 404
    assert "No encontramos ese pago" in page.text


def test_cancel_page_in_attendee_language(app_url):
    registration_id, link = pending_registration(language="en", email_address="sean@example.ie")
    response = httpx.post(link, data={"action": "cancel"})

    page = httpx.get(response.headers["location"])

    assert page.status_code == 200
    assert "Payment cancelled" in page.text
    assert stored(registration_id).status == RegistrationStatus.PENDING_PAYMENT


def test_english_return_page(app_url):
    _, link = pending_registration(language="en", email_address="sean@example.ie")

    page = httpx.get(approve(link))

    assert "Payment received" in page.text
    assert '<html lang="en">' in page.text
