"""Database engine and sessions (SQLite by default, MySQL/MariaDB through PyMySQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import get_settings


def utcnow() -> datetime:
    """Return the current time as naive UTC, the form every datetime column stores,
    because MySQL's DATETIME keeps no time zone."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def create_db_engine(url: str) -> Engine:
    """Create an engine; SQLite gets its folder, a busy timeout and write-locking
    transactions so that two seat holds never read the same free count."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        # SQLAlchemy's documented recipe for SQLite: let SQLAlchemy emit BEGIN, and
        # make it BEGIN IMMEDIATE so the write lock is taken before the first read.
        @event.listens_for(engine, "connect")
        def _disable_pysqlite_begin(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    if parsed.get_backend_name() == "mysql":
        # utf8mb4 keeps emoji and every accented name intact.
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
        return create_engine(parsed, pool_pre_ping=True, pool_recycle=3600)
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=8)
def _session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=create_db_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """Yield a session on ``url`` (default: the configured database) that commits
    on success and rolls back on any error."""
    session = _session_factory(url or get_settings().database_url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
