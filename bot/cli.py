"""Administration commands: ``python -m bot.cli setup-db`` and friends."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.db import session_scope
from bot.events import DEMO_EVENT_FILE, EventConfigError, load_event_file
from bot.settings import PROJECT_ROOT, SettingsError, get_settings


def migrate(database_url: str | None = None) -> None:
    """Create or upgrade the database schema to the newest Alembic revision."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url or get_settings().database_url
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


def load_event(path: Path) -> str:
    with session_scope() as session:
        return load_event_file(session, path).slug


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    load = commands.add_parser("load-event", help="create or update an event from a YAML file")
    load.add_argument("file", type=Path)
    commands.add_parser("setup-db", help="migrate, then load the demo event (cumbre-2027)")
    token = commands.add_parser("rest-token", help="print a JWT for a REST client (sub = SENDER, valid 24 h)")
    token.add_argument("sender")
    commands.add_parser(
        "reconcile", help="settle PayPal orders still awaiting money and expire seat holds (also runs periodically)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    try:
        if args.command in ("migrate", "setup-db"):
            migrate()
        if args.command == "load-event":
            print(f"loaded event {load_event(args.file)}")
        if args.command == "setup-db":
            print(f"database ready; demo event {load_event(DEMO_EVENT_FILE)} loaded")
        if args.command == "rest-token":
            from bot.rest_auth import mint_token

            print(mint_token(args.sender))
        if args.command == "reconcile":
            from bot.reconcile import reconcile

            report = reconcile()
            print(
                f"{report.orders_checked} orders checked, {len(report.notices)} registrations changed, "
                f"{report.failures} failures"
            )
            return 1 if report.failures else 0
    except (SettingsError, EventConfigError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
