"""Chat replies for submitting a registration when PayPal cannot be reached."""

from __future__ import annotations

from sqlalchemy import select

from bot.accounts import issue_code
from bot.checkout import registration_status_reply, submit_registration
from bot.cli import migrate
from bot.db import session_scope
from bot.events import DEMO_EVENT_FILE, load_event_file
from bot.models import PayPalOrder, Registration, RegistrationStatus
from bot.registrations import RegistrationDraft
from bot.settings import get_settings


def prepare_account() -> int:
    migrate()
    with session_scope() as session:
        load_event_file(session, DEMO_EVENT_FILE)
        issued = issue_code(session, email="ana@example.com", name="Ana", language="es",
                            secret_key=get_settings().secret_key)
        return issued.account.id


def test_paypal_down_keeps_registration_pending(isolated_settings, monkeypatch):
    # Port 9 (discard) has no listener on loopback, so every PayPal call is refused.
    monkeypatch.setenv("PUBLIC_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    account_id = prepare_account()
    draft = RegistrationDraft("vip", "Ana Núñez", None, None, None, "es", "chat-1")

    message = submit_registration(account_id=account_id, event_slug=None, draft=draft, language="es")
    status = registration_status_reply(account_id=account_id, event_slug=None, language="es")

    assert "no está disponible en este momento" in message.text
    assert message.buttons == []
    assert "no está disponible en este momento" in status.text
    with session_scope() as session:
        registrations = session.scalars(select(Registration)).all()
        assert [r.status for r in registrations] == [RegistrationStatus.PENDING_PAYMENT]
        assert session.scalars(select(PayPalOrder)).all() == []


def test_free_ticket_confirmed_with_code(isolated_settings):
    account_id = prepare_account()
    draft = RegistrationDraft("prensa", "Lucía", None, "Diario", None, "en", "chat-2")

    message = submit_registration(account_id=account_id, event_slug=None, draft=draft, language="en")

    assert message.text.startswith("Done, Lucía! Your registration for Open Technology Summit 2027 is confirmed.")
    emails = list((isolated_settings / "outbox").glob("*.eml"))
    assert len(emails) == 1
    assert "Registration confirmed: Open Technology Summit 2027 (CUMBRE-" in emails[0].read_text()
