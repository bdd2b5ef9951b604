"""The public event page: ``GET /`` (the default event) and ``GET /events/{slug}``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from bot.db import session_scope
from bot.event_info import format_dates, format_local_datetime
from bot.event_page_texts import page_language, page_text
from bot.events import get_event, is_registration_open, ticket_availability
from bot.models import Event
from bot.settings import get_settings
from bot.topics import seats_status

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "web" / "templates"
templates = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape())

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def default_event_page(request: Request, lang: str | None = None) -> HTMLResponse:
    return render_event_page(request, get_settings().default_event_slug, lang)


@router.get("/events/{slug}", response_class=HTMLResponse)
def event_page(request: Request, slug: str, lang: str | None = None) -> HTMLResponse:
    return render_event_page(request, slug, lang)


def render_event_page(request: Request, slug: str, requested_language: str | None) -> HTMLResponse:
    language = page_language(requested_language)
    with session_scope() as session:
        event = get_event(session, slug)
        if event is None:
            html = templates.get_template("event_not_found.html").render(
                language=language, text=page_text,
                title=page_text("not_found_title", language),
                body=page_text("not_found_body", language, slug=slug),
            )
            return HTMLResponse(html, status_code=404)
        details = event_details(session, event, language)

    other = "en" if language == "es" else "es"
    html = templates.get_template("event.html").render(
        language=language,
        text=page_text,
        event=details,
        other_language_url=f"{request.url.path}?lang={other}",
    )
    return HTMLResponse(html)


def event_details(session: Session, event: Event, language: str) -> dict:
    """Collect what the page shows, in ``language``, while the session is open."""
    timezone = (event.timezone_label or {}).get(language) or event.timezone
    tickets = []
    for availability in ticket_availability(session, event):
        ticket = availability.ticket
        money = ticket.money
        tickets.append(
            {
                "name": ticket.display_name(language),
                "description": (ticket.description or {}).get(language) or "",
                "price": page_text("ticket_free", language) if money.is_zero() else money.display(),
                # As the organiser chose to show them: a count, "few left", or only sold out.
                "seats": seats_status(event, availability.seats_left, language).capitalize(),
                "sold_out": availability.seats_left == 0,
            }
        )
    return {
        "name": event.text("name", language),
        "when": page_text(
            "when_body", language,
            dates=format_dates(event, language), start=event.daily_start, end=event.daily_end,
            timezone=timezone,
        ),
        "venue": event.venue,
        "address": event.address,
        "tickets": tickets,
        "included": sentence_case(event.text("included", language)),
        "refund_policy": event.text("refund_policy", language),
        "contact": event.contact_email,
        "open": is_registration_open(event),
        "closes": page_text(
            "registration_closes", language,
            closes=format_local_datetime(event, event.registration_closes_at, language), timezone=timezone,
        ),
    }


def sentence_case(text: str) -> str:
    """Capitalise the first letter only: "café y comida" reads as a list item under a heading."""
    return text[:1].upper() + text[1:]
