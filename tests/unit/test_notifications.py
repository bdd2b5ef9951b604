"""Notices reach the attendee's chat first, without blocking the database, then the inbox.

The push goes to the application's ``/internal/push`` endpoint, served here on
127.0.0.1 by a stand-in that, like the engine's actions during a chat turn,
needs SQLite's write lock while it handles the push.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi import FastAPI

from bot.cli import migrate
from bot.db import session_scope
from bot.events import DEMO_EVENT_FILE, load_event_file
from bot.models import Account
from bot.notices import Notice, NoticeKind
from bot.notifications import deliver
from bot.registrations import RegistrationDraft, create_registration
from bot.settings import get_settings
from tests.servers import serve_in_thread

LOCK_WAIT_SECONDS = 0.5


def push_endpoint(database_file: str, outbox: Path, outcomes: list[str], pushed: list[dict]) -> FastAPI:
    """Record each push, whether a write transaction could start while it was handled,
    and how many emails the outbox had by then."""
    app = FastAPI()

    @app.post("/internal/push")
    def push(body: dict) -> dict:
        connection = sqlite3.connect(database_file, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            outcomes.append("free")
        except sqlite3.OperationalError as error:
            outcomes.append(str(error))
        finally:
            connection.close()
        pushed.append(body | {"emails_before": len(list(outbox.glob("*.eml")))})
        return {"delivered": True}

    return app


@pytest.fixture
def registration_id() -> int:
    migrate()
    with session_scope() as session:
        event = load_event_file(session, DEMO_EVENT_FILE)
        account = Account(email="ana@example.com", name="Ana Núñez", language="es")
        session.add(account)
        draft = RegistrationDraft(
            ticket_code="general", full_name="Ana Núñez", phone=None, organisation=None,
            dietary=None, language="es", conversation_id="rest:ana",
        )
        registration = create_registration(session, event=event, account=account, draft=draft, hold_minutes=30)
        session.flush()
        return registration.id


def test_push_runs_after_transaction_ends(registration_id, monkeypatch):
    database_file = get_settings().database_url.removeprefix("sqlite:///")
    outcomes: list[str] = []
    pushed: list[dict] = []

    outbox = get_settings().outbox_dir
    with serve_in_thread(push_endpoint(database_file, outbox, outcomes, pushed)) as origin:
        monkeypatch.setenv("APP_INTERNAL_URL", origin)
        deliver([Notice(NoticeKind.PAID, registration_id)])

    assert outcomes == ["free"]
    assert pushed[0]["conversation_id"] == "rest:ana"
    assert "Recibimos tu pago" in pushed[0]["messages"][0]["text"]


def test_push_goes_before_emails(registration_id, monkeypatch):
    database_file = get_settings().database_url.removeprefix("sqlite:///")
    outbox = get_settings().outbox_dir
    pushed: list[dict] = []

    with serve_in_thread(push_endpoint(database_file, outbox, [], pushed)) as origin:
        monkeypatch.setenv("APP_INTERNAL_URL", origin)
        deliver([Notice(NoticeKind.PAID, registration_id)])

    assert pushed[0]["emails_before"] == 0
    assert len(list(outbox.glob("*.eml"))) == 1
