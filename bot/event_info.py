"""Event facts written for people, in Spanish or English, from the stored event."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.events import TicketAvailability, ticket_availability
from bot.models import Event
from bot.replies import reply

MONTHS = {
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    "en": "January February March April May June July August September October November December".split(),
}


def format_date(day: date, language: str) -> str:
    month = MONTHS[language][day.month - 1]
    return f"{day.day} de {month} de {day.year}" if language == "es" else f"{day.day} {month} {day.year}"


def format_dates(event: Event, language: str) -> str:
    """"20 y 21 de mayo de 2027" / "20 and 21 May 2027" for a two-day event."""
    start, end = event.starts_on, event.ends_on
    if start == end:
        return format_date(start, language)
    if (start.year, start.month) == (end.year, end.month) and (end - start).days == 1:
        joiner = "y" if language == "es" else "and"
        return f"{start.day} {joiner} {format_date(end, language)}"
    joiner = "al" if language == "es" else "to"
    return f"{format_date(start, language)} {joiner} {format_date(end, language)}"


def format_local_datetime(event: Event, moment_utc: datetime, language: str) -> str:
    local = moment_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(event.timezone))
    return f"{format_date(local.date(), language)}, {local:%H:%M}"


def ticket_line(availability: TicketAvailability, language: str) -> str:
    ticket = availability.ticket
    money = ticket.money
    price = reply("ticket_free", language) if money.is_zero() else money.display()
    notes = []
    description = ticket.description.get(language) if ticket.description else ""
    if description:
        notes.append(description)
    if availability.seats_left == 0:
        notes.append(reply("ticket_sold_out", language))
    note = f" ({'; '.join(notes)})" if notes else ""
    return reply("ticket_line", language, name=ticket.display_name(language), price=price, note=note)


def event_summary(session: Session, event: Event, language: str) -> str:
    tickets = "\n".join(ticket_line(item, language) for item in ticket_availability(session, event))
    return reply(
        "event_summary",
        language,
        event=event.text("name", language),
        dates=format_dates(event, language),
        start=event.daily_start,
        end=event.daily_end,
        timezone=(event.timezone_label or {}).get(language) or event.timezone,
        venue=event.venue,
        address=event.address,
        tickets=tickets,
        included=event.text("included", language),
        refund_policy=event.text("refund_policy", language),
        closes=format_local_datetime(event, event.registration_closes_at, language),
        contact=event.contact_email,
    )
