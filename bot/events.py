"""Events and ticket types: loading from a data file, lookups, open events and seats left."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.models import Event, Registration, RegistrationStatus, SeatsDisplay, TicketType
from bot.money import PAYPAL_CURRENCIES
from bot.text import fold

DEMO_EVENT_FILE = Path(__file__).parent / "demo" / "cumbre-2027.yml"


class EventConfigError(ValueError):
    """Raised when an event data file is invalid."""


def load_event_file(session: Session, path: Path) -> Event:
    """Create or update the event described by a YAML file, matched by slug."""
    # Imported here because bot.faq imports bot.topics, which imports this module.
    from bot.faq import FaqConfigError, parse_faq, replace_faq

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    currency = str(data["currency"]).upper()
    if currency not in PAYPAL_CURRENCIES:
        raise EventConfigError(
            f"currency {currency!r} in {path} is not accepted by PayPal; "
            f"use one of {', '.join(sorted(PAYPAL_CURRENCIES))}"
        )

    try:
        faq = parse_faq(data.get("faq"))
    except FaqConfigError as error:
        raise EventConfigError(f"{path}: {error}") from error
    seats_display, few_seats_threshold = _seats_settings(data, path)
    keywords = data.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(word, str) and word.strip() for word in keywords):
        raise EventConfigError(f"keywords in {path} must be a list of names, e.g. [cumbre, summit]")

    event = session.scalar(select(Event).where(Event.slug == data["slug"])) or Event(slug=data["slug"])
    zone = ZoneInfo(data["timezone"])
    closes_local = datetime.strptime(str(data["registration_closes_at"]), "%Y-%m-%d %H:%M")
    closes_utc = closes_local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    event.name = data["name"]
    event.timezone = data["timezone"]
    event.timezone_label = data.get("timezone_label")
    event.starts_on = _as_date(data["starts_on"])
    event.ends_on = _as_date(data["ends_on"])
    event.daily_start = data["daily_start"]
    event.daily_end = data["daily_end"]
    event.registration_closes_at = closes_utc
    event.venue = data["venue"]
    event.address = data["address"]
    event.country = data["country"]
    event.currency = currency
    event.included = data["included"]
    event.refund_until = _as_date(data["refund_until"]) if data.get("refund_until") else None
    event.refund_policy = data["refund_policy"]
    event.contact_email = data["contact_email"]
    event.code_prefix = data["code_prefix"]
    event.directions = _optional_texts(data, "directions", path)
    event.accessibility = _optional_texts(data, "accessibility", path)
    event.seats_display = seats_display
    event.few_seats_threshold = few_seats_threshold
    event.keywords = [word.strip() for word in keywords]
    session.add(event)
    session.flush()
    replace_faq(session, event, faq)

    existing = {ticket.code: ticket for ticket in event.ticket_types}
    for position, item in enumerate(data["ticket_types"]):
        ticket = existing.get(item["code"]) or TicketType(event_id=event.id, code=item["code"])
        ticket.name = item["name"]
        ticket.description = item.get("description") or {}
        ticket.synonyms = item.get("synonyms") or []
        ticket.price = Decimal(str(item["price"]))
        ticket.capacity = int(item["capacity"])
        ticket.position = position
        session.add(ticket)
    session.flush()
    session.refresh(event)
    return event


def _optional_texts(data: dict, field: str, path: Path) -> dict:
    """Return an optional per-language text such as ``directions``, or {} when absent."""
    values = data.get(field) or {}
    if not isinstance(values, dict) or not all(language in ("es", "en") for language in values):
        raise EventConfigError(f"{field} in {path} must have the keys es and en, e.g. {field}: {{es: ..., en: ...}}")
    return {language: str(text).strip() for language, text in values.items() if text and str(text).strip()}


def _seats_settings(data: dict, path: Path) -> tuple[str, int]:
    seats_display = data.get("seats_display") or SeatsDisplay.EXACT
    if seats_display not in SeatsDisplay.ALL:
        raise EventConfigError(
            f"seats_display {seats_display!r} in {path} is invalid; use one of {', '.join(SeatsDisplay.ALL)}"
        )
    threshold = data.get("few_seats_threshold", 10)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise EventConfigError(f"few_seats_threshold {threshold!r} in {path} must be a whole number of 0 or more")
    return seats_display, threshold


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def get_event(session: Session, slug: str) -> Event | None:
    return session.scalar(select(Event).where(Event.slug == slug))


def is_registration_open(event: Event, now: datetime | None = None) -> bool:
    return (now or utcnow()) <= event.registration_closes_at


def open_events(session: Session, now: datetime | None = None) -> list[Event]:
    """Return the events whose registration has not closed, soonest start first."""
    query = (
        select(Event)
        .where(Event.registration_closes_at >= (now or utcnow()))
        .order_by(Event.starts_on, Event.id)
    )
    return list(session.scalars(query))


def _folded_words(text: str) -> str:
    """Return ``text`` folded, as words separated by single spaces and padded with one
    space at each end, so a name can be searched for as whole words."""
    return " " + " ".join(re.findall(r"[a-z0-9ñ]+", fold(text))) + " "


def event_names(event: Event) -> list[str]:
    """Return the names that identify an event in a message: its names, slug and keywords."""
    return [*event.name.values(), event.slug, *(event.keywords or [])]


def detect_event(text: str, events: list[Event]) -> Event | None:
    """Return the one event of ``events`` named in ``text``, or None when none or several are."""
    message = _folded_words(text)
    named = [
        event
        for event in events
        if any(_folded_words(name).strip() and _folded_words(name) in message for name in event_names(event))
    ]
    return named[0] if len(named) == 1 else None


def seats_taken(session: Session, ticket: TicketType, now: datetime | None = None) -> int:
    """Count seats sold plus seats held by pending registrations whose hold has not expired."""
    now = now or utcnow()
    held = (Registration.status == RegistrationStatus.PENDING_PAYMENT) & or_(
        Registration.hold_expires_at.is_(None), Registration.hold_expires_at > now
    )
    sold = Registration.status.in_((RegistrationStatus.PAID, RegistrationStatus.CONFIRMED))
    query = select(func.count(Registration.id)).where(
        Registration.ticket_type_id == ticket.id, or_(sold, held)
    )
    return session.scalar(query) or 0


def seats_left(session: Session, ticket: TicketType, now: datetime | None = None) -> int:
    return max(ticket.capacity - seats_taken(session, ticket, now), 0)


@dataclass(frozen=True)
class TicketAvailability:
    ticket: TicketType
    seats_left: int


def ticket_availability(session: Session, event: Event) -> list[TicketAvailability]:
    return [TicketAvailability(ticket, seats_left(session, ticket)) for ticket in event.ticket_types]


def find_ticket_type(event: Event, text: str) -> TicketType | None:
    """Find the ticket type named in ``text`` by its code, names or synonyms as whole words."""
    words = set(fold(text).replace(",", " ").replace(".", " ").split())
    for ticket in event.ticket_types:
        names = {ticket.code, *ticket.name.values(), *ticket.synonyms}
        if any(fold(name) in words for name in names if name):
            return ticket
    return None
