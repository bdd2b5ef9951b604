"""Shared fixtures: a migrated database with the demo event, on SQLite and MySQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import migrate
from bot.db import create_db_engine
from bot.events import DEMO_EVENT_FILE, load_event_file
from bot.models import Base, Event

MYSQL_URL = os.environ.get("TEST_MYSQL_URL")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point settings at a fresh var folder (outbox, SQLite file) for every test."""
    from bot.settings import get_settings

    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'test.db'}")
    monkeypatch.delenv("SMTP_HOST", raising=False)
    monkeypatch.delenv("PAYPAL_MODE", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def reset_mysql(engine: Engine) -> None:
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(params=["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: SQLite always, MySQL where TEST_MYSQL_URL is set."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'storage.db'}"
        migrate(url)
        yield url
        return

    if not MYSQL_URL:
        pytest.skip("TEST_MYSQL_URL is not set (CI sets it to the local MariaDB)")
    engine = create_db_engine(MYSQL_URL)
    reset_mysql(engine)
    migrate(MYSQL_URL)
    yield MYSQL_URL
    reset_mysql(engine)
    engine.dispose()


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = create_db_engine(database_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session:
        yield session
    engine.dispose()


@pytest.fixture
def demo_event(session: Session) -> Event:
    event = load_event_file(session, DEMO_EVENT_FILE)
    session.commit()
    return event
