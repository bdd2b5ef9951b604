"""Administration commands: ``python -m bot.cli setup-db`` and friends."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.db import session_scope
from bot.events import DEMO_EVENT_FILE, EventConfigError, get_event, load_event_file
from bot.faq import list_faq
from bot.handoff import HandoffNotFound, close_handoff, list_handoffs
from bot.models import Event
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


class CommandError(Exception):
    """Raised by a command when its arguments name something that does not exist."""


def _event_by_slug(session, slug: str) -> Event:
    event = get_event(session, slug)
    if event is None:
        raise CommandError(f"event {slug!r} not found; load it first with: python -m bot.cli load-event FILE")
    return event


def _shorten(text: str, limit: int) -> str:
    single_line = " ".join(text.split())
    return single_line if len(single_line) <= limit else single_line[: limit - 1] + "…"


def list_faq_command(slug: str) -> None:
    with session_scope() as session:
        entries = list_faq(session, _event_by_slug(session, slug))
        if not entries:
            print(f"no FAQ entries for {slug}")
        for entry in entries:
            print(f"{entry.id}\t{entry.first_question('es')}\t{_shorten(entry.answer_text('es'), 100)}")


def list_handoffs_command(slug: str | None, include_closed: bool) -> None:
    with session_scope() as session:
        event = _event_by_slug(session, slug) if slug else None
        requests = list_handoffs(session, event=event, include_closed=include_closed)
        if not requests:
            print("no hand-off requests" if include_closed else "no open hand-off requests")
        for request in requests:
            status = f"\t{request.status}" if include_closed else ""
            print(
                f"{request.id}\t{request.created_at:%Y-%m-%d %H:%M} UTC\t{request.language}\t"
                f"{request.contact}\t{_shorten(request.question, 80)}{status}"
            )


def close_handoff_command(request_id: int) -> None:
    with session_scope() as session:
        try:
            request = close_handoff(session, request_id)
        except HandoffNotFound as error:
            raise CommandError(f"{error}; list them with: python -m bot.cli handoffs list --all") from error
        print(f"hand-off request {request.id} closed")


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
    faq = commands.add_parser("faq", help="show the FAQ entries of an event").add_subparsers(
        dest="faq_command", required=True
    )
    faq_list = faq.add_parser("list", help="print id, first Spanish question and Spanish answer of each entry")
    faq_list.add_argument("--event", required=True, metavar="SLUG", help="event slug, e.g. cumbre-2027")
    handoffs = commands.add_parser("handoffs", help="questions passed on to the organisers").add_subparsers(
        dest="handoffs_command", required=True
    )
    handoffs_list = handoffs.add_parser("list", help="print open requests: id, created, language, contact, question")
    handoffs_list.add_argument("--event", metavar="SLUG", help="only requests for this event")
    handoffs_list.add_argument("--all", action="store_true", help="include closed requests")
    handoffs_close = handoffs.add_parser("close", help="mark a request as handled by the organisers")
    handoffs_close.add_argument("id", type=int)
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
        if args.command == "faq":
            list_faq_command(args.event)
        if args.command == "handoffs" and args.handoffs_command == "list":
            list_handoffs_command(args.event, args.all)
        if args.command == "handoffs" and args.handoffs_command == "close":
            close_handoff_command(args.id)
    except (SettingsError, EventConfigError, FileNotFoundError, CommandError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
