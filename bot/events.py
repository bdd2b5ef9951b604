"""Events and ticket types: loading from a data file, lookups and seats left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.models import Event, Registration, RegistrationStatus, TicketType
from bot.money import PAYPAL_CURRENCIES
from bot.text import fold

DEMO_EVENT_FILE = Path(__file__).parent / "demo" / "cumbre-2027.yml"


class EventConfigError(ValueError):
    """Raised when an event data file is invalid."""


def load_event_file(session: Session, path: Path) -> Event:
    """Create or update the event described by a YAML file, matched by slug."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    currency = str(data["currency"]).upper()
    if currency not in PAYPAL_CURRENCIES:
        raise EventConfigError(
            f"currency {currency!r} in {path} is not accepted by PayPal; "
            f"use one of {', '.join(sorted(PAYPAL_CURRENCIES))}"
        )

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
    session.add(event)
    session.flush()

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


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def get_event(session: Session, slug: str) -> Event | None:
    return session.scalar(select(Event).where(Event.slug == slug))


def is_registration_open(event: Event, now: datetime | None = None) -> bool:
    return (now or utcnow()) <= event.registration_closes_at


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
