"""PayPal return and cancel pages, served by the running application with its simulator."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import select

from bot.db import session_scope
from bot.models import PayPalOrder, RegistrationStatus
from tests.web.conftest import approve, pending_registration, stored

CODE = re.compile(r"CUMBRE-[A-HJ-NP-Z2-9]{6}")


def test_return_captures_and_confirms(payments):
    registration_id, _, link = pending_registration()

    page = httpx.get(approve(link))

    assert page.status_code == 200
    assert "Pago recibido" in page.text
    assert "1,500.00 MXN" in page.text
    registration = stored(registration_id)
    assert registration.status == RegistrationStatus.PAID
    assert registration.code in page.text
    assert registration.code in payments.emails()[-1]


def test_return_opened_twice_in_parallel_captures_once(payments):
    registration_id, _, link = pending_registration()
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


def test_return_without_approval_keeps_pending(payments):
    registration_id, _, link = pending_registration()
    token = link.split("token=")[1]

    page = httpx.get(f"{payments.url}/paypal/return", params={"token": token})

    assert page.status_code == 409
    assert "no se aprobó" in page.text
    assert stored(registration_id).status == RegistrationStatus.PENDING_PAYMENT


def test_return_with_unknown_token_not_found(payments):
    page = httpx.get(f"{payments.url}/paypal/return", params={"token": "NOSUCHORDER00000"})

    assert page.status_code == 404
    assert "No encontramos ese pago" in page.text


def test_cancel_page_in_attendee_language(payments):
    registration_id, _, link = pending_registration(language="en", email="sean@example.ie")
    response = httpx.post(link, data={"action": "cancel"})

    page = httpx.get(response.headers["location"])

    assert page.status_code == 200
    assert "Payment cancelled" in page.text
    assert stored(registration_id).status == RegistrationStatus.PENDING_PAYMENT


def test_english_return_page(payments):
    _, _, link = pending_registration(language="en", email="sean@example.ie")

    page = httpx.get(approve(link))

    assert "Payment received" in page.text
    assert '<html lang="en">' in page.text
