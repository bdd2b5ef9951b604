"""Payments that go wrong in the ways real buyers and PayPal make them go wrong."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml
from sqlalchemy import func, select

from bot.db import session_scope, utcnow
from bot.events import DEMO_EVENT_FILE, get_event, load_event_file, seats_left
from bot.models import PayPalRefund, PayPalWebhookEvent, Registration, RegistrationStatus, TicketType
from bot.money import Money
from bot.payments import create_paypal_client
from bot.paypal.errors import PayPalRequestError
from bot.reconcile import reconcile
from bot.refunds import RefundNotAllowed, refund_capture
from bot.cancellation import cancel_by_chat
from bot.checkout import registration_status_reply
from tests.web.conftest import approve, pending_registration, stored


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def webhook_count() -> int:
    with session_scope() as session:
        return session.scalar(select(func.count(PayPalWebhookEvent.id)))


def test_approved_never_returned_captured_by_webhook(payments_with_webhooks):
    registration_id, _, link = pending_registration()

    approve(link)  # the buyer closes the tab: the return URL is never opened

    assert wait_until(lambda: stored(registration_id).status == RegistrationStatus.PAID)
    registration = stored(registration_id)
    assert registration.code is not None
    assert registration.orders[0].capture_status == "COMPLETED"
    assert wait_until(lambda: any(registration.code in e for e in payments_with_webhooks.emails()))


def test_approved_never_returned_captured_by_reconciliation(payments):
    registration_id, _, link = pending_registration()
    approve(link)

    report = reconcile()

    assert report.failures == 0
    assert [notice.kind for notice in report.notices] == ["paid"]
    assert stored(registration_id).status == RegistrationStatus.PAID


def test_same_event_three_times_in_parallel_changes_once(payments):
    registration_id, _, link = pending_registration()
    approve(link)
    assert wait_until(lambda: payments.recorder.of_type("CHECKOUT.ORDER.APPROVED"))
    delivery = payments.recorder.of_type("CHECKOUT.ORDER.APPROVED")[0]
    emails_before = len(payments.emails())

    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(lambda _: payments.post_webhook(delivery), range(3)))

    assert sorted(r.status_code for r in responses) == [200, 200, 200]
    assert sorted(r.json()["detail"] for r in responses) == ["duplicate", "duplicate", "paid"]
    assert stored(registration_id).status == RegistrationStatus.PAID
    assert len(payments.emails()) == emails_before + 1
    assert webhook_count() == 1


def test_forged_and_tampered_events_rejected(payments):
    registration_id, _, link = pending_registration()
    approve(link)
    assert wait_until(lambda: payments.recorder.of_type("CHECKOUT.ORDER.APPROVED"))
    delivery = payments.recorder.of_type("CHECKOUT.ORDER.APPROVED")[0]
    forged_headers = dict(delivery.headers, **{"paypal-transmission-sig": "Zm9yZ2Vk"})
    tampered_body = delivery.body.replace(b"APPROVED", b"APPROVEd", 1)

    forged = payments.post_webhook(delivery, headers=forged_headers)
    tampered = payments.post_webhook(delivery, body=tampered_body)
    unsigned = httpx.post(f"{payments.url}/paypal/webhook", content=delivery.body)

    assert (forged.status_code, tampered.status_code, unsigned.status_code) == (400, 400, 400)
    assert stored(registration_id).status == RegistrationStatus.PENDING_PAYMENT
    assert webhook_count() == 0


@pytest.mark.parametrize("currency, price, shown", [("JPY", "10000", "10,000 JPY"), ("USD", "25.50", "25.50 USD")])
def test_captured_amount_equals_displayed_amount(payments, tmp_path: Path, currency, price, shown):
    data = yaml.safe_load(DEMO_EVENT_FILE.read_text(encoding="utf-8"))
    data.update(slug=f"event-{currency.lower()}", currency=currency)
    data["ticket_types"] = [dict(data["ticket_types"][0], price=price)]
    path = tmp_path / "event.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with session_scope() as session:
        load_event_file(session, path)
    registration_id, _, link = pending_registration(event_slug=data["slug"])

    page = httpx.get(approve(link))

    registration = stored(registration_id)
    order = registration.orders[0]
    assert registration.status == RegistrationStatus.PAID
    assert shown in page.text
    assert Money(order.captured_amount, order.captured_currency).quantized() == Money(Decimal(price), currency)


def test_capture_timing_out_once_captures_once(payments):
    registration_id, order_id, link = pending_registration()
    payments.fault(order_id, "timeout")

    page = httpx.get(approve(link), timeout=30)

    assert page.status_code == 200
    registration = stored(registration_id)
    assert registration.status == RegistrationStatus.PAID
    client = create_paypal_client()
    order = client.get_order(order_id)
    client.close()
    assert [capture.id for capture in order.captures] == [registration.orders[0].capture_id]


def test_declined_instrument_gets_new_link_and_keeps_seat(payments):
    registration_id, order_id, link = pending_registration(ticket="vip")
    payments.fault(order_id, "declined")
    with session_scope() as session:
        vip = session.scalar(select(TicketType).where(TicketType.code == "vip"))
        held = seats_left(session, vip)

    page = httpx.get(approve(link))

    assert page.status_code == 402
    assert "PayPal rechazó el pago" in page.text
    registration = stored(registration_id)
    assert registration.status == RegistrationStatus.PENDING_PAYMENT
    assert [order.status for order in registration.orders] == ["DECLINED", "PAYER_ACTION_REQUIRED"]
    new_link = registration.orders[1].approve_url
    assert new_link != link
    assert any(new_link in email for email in payments.emails())
    with session_scope() as session:
        assert seats_left(session, session.get(TicketType, registration.ticket_type_id)) == held


def test_hold_expiry_releases_seat(payments):
    registration_id, _, _ = pending_registration(ticket="vip")
    with session_scope() as session:
        registration = session.get(Registration, registration_id)
        registration.hold_expires_at = utcnow() - timedelta(minutes=1)
        vip = registration.ticket_type
        assert seats_left(session, vip) == 40

    report = reconcile()

    assert [notice.kind for notice in report.notices] == ["hold_expired"]
    assert stored(registration_id).status == RegistrationStatus.EXPIRED


def test_money_after_last_seat_sold_is_refunded(payments):
    with session_scope() as session:
        session.scalar(select(TicketType).where(TicketType.code == "vip")).capacity = 1
    late_id, _, late_link = pending_registration(ticket="vip", email="late@example.com")
    with session_scope() as session:
        session.get(Registration, late_id).hold_expires_at = utcnow() - timedelta(minutes=1)
    reconcile()
    winner_id, _, winner_link = pending_registration(ticket="vip", email="winner@example.com")
    httpx.get(approve(winner_link))

    page = httpx.get(approve(late_link))

    assert stored(winner_id).status == RegistrationStatus.PAID
    late = stored(late_id)
    assert late.status == RegistrationStatus.REFUNDED
    assert page.status_code == 409
    assert "te lo reembolsamos" in page.text
    refunds = late.orders[0].refunds
    assert [(r.amount, r.reason) for r in refunds] == [(Decimal("4200.00"), "no_seat_left")]


def test_refund_inside_window_then_second_refund_refused(payments):
    registration_id, _, link = pending_registration()
    httpx.get(approve(link))
    account_id = stored(registration_id).account_id

    reply = cancel_by_chat(account_id, None, "es", confirmed=True)

    assert "te reembolsamos 1,500.00 MXN" in reply.text
    assert any("la persona canceló por chat y se le reembolsó" in e for e in payments.emails())
    registration = stored(registration_id)
    assert registration.status == RegistrationStatus.REFUNDED
    order = registration.orders[0]
    assert order.refunded_amount == Decimal("1500.00")
    with session_scope() as session:
        event = get_event(session, "cumbre-2027")
        general = next(t for t in event.ticket_types if t.code == "general")
        assert seats_left(session, general) == 300
        row = session.get(type(order), order.id)
        client = create_paypal_client()
        with pytest.raises(RefundNotAllowed):
            refund_capture(session, row, client, amount=Money(Decimal("1.00"), "MXN"), reason="test")
        with pytest.raises(PayPalRequestError) as refused:
            client.refund_capture(row.capture_id, amount=Money(Decimal("1.00"), "MXN"), request_id="beyond-1")
        client.close()
    assert refused.value.issue in ("CAPTURE_FULLY_REFUNDED", "REFUND_AMOUNT_EXCEEDED")
    again = cancel_by_chat(account_id, None, "es", confirmed=True)
    assert "No hay ningún registro" in again.text
    with session_scope() as session:
        assert session.scalar(select(func.count(PayPalRefund.id))) == 1


def test_refund_outside_window_offers_transfer(payments):
    registration_id, _, link = pending_registration()
    httpx.get(approve(link))
    with session_scope() as session:
        event = get_event(session, "cumbre-2027")
        # Yesterday in the event's time zone: in UTC it can still be today there.
        today_there = datetime.now(ZoneInfo(event.timezone)).date()
        event.refund_until = today_there - timedelta(days=1)

    reply = cancel_by_chat(stored(registration_id).account_id, None, "es", confirmed=True)

    assert reply.text.startswith("El plazo de reembolso terminó el")
    assert "transferir tu entrada" in reply.text
    assert stored(registration_id).status == RegistrationStatus.PAID


def test_pending_capture_paid_when_completed(payments_with_webhooks):
    registration_id, order_id, link = pending_registration()
    payments_with_webhooks.fault(order_id, "pending")

    page = httpx.get(approve(link))

    assert page.status_code == 202
    assert "PayPal aún no confirma tu pago" in page.text
    registration = stored(registration_id)
    assert registration.status == RegistrationStatus.PENDING_PAYMENT
    capture_id = registration.orders[0].capture_id
    assert registration.orders[0].capture_status == "PENDING"

    settled = httpx.post(f"{payments_with_webhooks.simulator}/simulator/captures/{capture_id}/complete")

    assert settled.status_code in (200, 201, 204)
    assert wait_until(lambda: stored(registration_id).status == RegistrationStatus.PAID)


def test_pending_capture_denied_keeps_registration_unpaid(payments_with_webhooks):
    registration_id, order_id, link = pending_registration()
    payments_with_webhooks.fault(order_id, "pending")
    httpx.get(approve(link))
    capture_id = stored(registration_id).orders[0].capture_id

    httpx.post(f"{payments_with_webhooks.simulator}/simulator/captures/{capture_id}/deny")

    assert wait_until(lambda: stored(registration_id).orders[0].capture_status == "DECLINED")
    assert stored(registration_id).status == RegistrationStatus.PENDING_PAYMENT


def test_amount_mismatch_marked_for_review(payments):
    registration_id, order_id, link = pending_registration()
    payments.fault(order_id, "amount_mismatch")

    page = httpx.get(approve(link))

    assert page.status_code == 409
    assert "no coincide" in page.text
    registration = stored(registration_id)
    assert registration.status == RegistrationStatus.REVIEW
    assert registration.code is None


def test_webhook_replayed_after_processing_is_acknowledged(payments):
    registration_id, _, link = pending_registration()
    httpx.get(approve(link))
    assert wait_until(lambda: payments.recorder.of_type("PAYMENT.CAPTURE.COMPLETED"))
    delivery = payments.recorder.of_type("PAYMENT.CAPTURE.COMPLETED")[0]

    first = payments.post_webhook(delivery)
    replay = payments.post_webhook(delivery)

    assert (first.status_code, first.json()["detail"]) == (200, "no change")
    assert (replay.status_code, replay.json()["detail"]) == (200, "duplicate")
    assert stored(registration_id).status == RegistrationStatus.PAID


def test_expired_order_replaced_with_same_price(payments):
    registration_id, _, link = pending_registration()
    with session_scope() as session:
        order = session.get(Registration, registration_id).orders[0]
        order.created_at -= timedelta(hours=4)
    account_id = stored(registration_id).account_id

    reply = registration_status_reply(account_id=account_id, event_slug=None, language="es")

    registration = stored(registration_id)
    assert len(registration.orders) == 2
    new_link = registration.orders[1].approve_url
    assert new_link != link
    assert new_link in reply.text
    assert "1,500.00 MXN" in reply.text
    assert registration.orders[1].amount == registration.orders[0].amount


def test_order_expired_at_paypal_replaced_when_paying(payments):
    registration_id, order_id, link = pending_registration()
    expired = httpx.post(f"{payments.simulator}/simulator/orders/{order_id}/expire")
    assert expired.status_code in (200, 204)
    account_id = stored(registration_id).account_id

    reply = registration_status_reply(account_id=account_id, event_slug=None, language="es")

    registration = stored(registration_id)
    assert [order.status for order in registration.orders] == ["EXPIRED", "PAYER_ACTION_REQUIRED"]
    assert registration.orders[1].approve_url in reply.text
    assert httpx.get(registration.orders[1].approve_url).status_code == 200


def test_reconcile_command_reports(payments, isolated_settings):
    registration_id, _, link = pending_registration()
    approve(link)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "reconcile"], capture_output=True, text=True,
        env={**os.environ}, timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 orders checked, 1 registrations changed, 0 failures"
    assert stored(registration_id).status == RegistrationStatus.PAID


def test_capture_event_before_approval_event_settles_once(payments):
    registration_id, order_id, link = pending_registration()
    approve(link)
    client = create_paypal_client()
    client.capture_order(order_id, request_id=f"capture-{order_id}")  # as our capture would
    client.close()
    assert wait_until(lambda: payments.recorder.of_type("PAYMENT.CAPTURE.COMPLETED"))
    approved = payments.recorder.of_type("CHECKOUT.ORDER.APPROVED")[0]
    completed = payments.recorder.of_type("PAYMENT.CAPTURE.COMPLETED")[0]

    first = payments.post_webhook(completed)
    second = payments.post_webhook(approved)

    assert (first.json()["detail"], second.json()["detail"]) == ("paid", "no change")
    registration = stored(registration_id)
    assert registration.status == RegistrationStatus.PAID
    assert len([e for e in payments.emails() if registration.code in e]) == 1
