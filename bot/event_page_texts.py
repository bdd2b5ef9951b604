"""Texts of the public event page, in Spanish and English, keyed by name.

Kept apart from ``bot.replies`` (the chat's catalogue) with the same lookup, so a
translator finds every page text here. The chat widget's own labels live in
``bot/web/static/widget.js``, because the widget must show them before it has
talked to the server.
"""

from __future__ import annotations

from bot.replies import DEFAULT_LANGUAGE, LANGUAGES

PAGE_TEXTS: dict[str, dict[str, str]] = {
    "page_title": {"es": "{event}: registro", "en": "{event}: registration"},
    "other_language": {"es": "English", "en": "Español"},
    "other_language_label": {"es": "Read this page in English", "en": "Leer esta página en español"},
    "when_heading": {"es": "Cuándo", "en": "When"},
    "when_body": {
        "es": "{dates}, de {start} a {end} ({timezone})",
        "en": "{dates}, {start} to {end} ({timezone})",
    },
    "where_heading": {"es": "Dónde", "en": "Where"},
    "tickets_heading": {"es": "Entradas", "en": "Tickets"},
    "ticket_column": {"es": "Entrada", "en": "Ticket"},
    "price_column": {"es": "Precio", "en": "Price"},
    "seats_column": {"es": "Disponibles", "en": "Available"},
    "ticket_free": {"es": "Gratis", "en": "Free"},
    "included_heading": {"es": "Qué incluye", "en": "What's included"},
    "refund_heading": {"es": "Reembolsos", "en": "Refunds"},
    "contact_heading": {"es": "Contacto", "en": "Contact"},
    "contact_body": {"es": "Escríbenos a", "en": "Write to us at"},
    "registration_closes": {
        "es": "El registro cierra el {closes} ({timezone}).",
        "en": "Registration closes on {closes} ({timezone}).",
    },
    "registration_closed": {"es": "El registro ya cerró.", "en": "Registration has closed."},
    "register_heading": {"es": "Regístrate por chat", "en": "Register by chat"},
    "register_body": {
        "es": "Nuestro asistente te registra y cobra tu entrada con PayPal en unos minutos. "
        "También contesta tus preguntas sobre el evento.",
        "en": "Our assistant registers you and takes your ticket payment with PayPal in a few "
        "minutes. It also answers your questions about the event.",
    },
    "register_button": {"es": "Abrir el chat", "en": "Open the chat"},
    "no_script": {
        "es": "El chat necesita JavaScript. También puedes escribirnos a {contact}.",
        "en": "The chat needs JavaScript. You can also write to us at {contact}.",
    },
    "not_found_title": {"es": "Evento no encontrado", "en": "Event not found"},
    "not_found_body": {
        "es": "No encontramos el evento «{slug}». Revisa la dirección de la página.",
        "en": "We couldn't find the event \"{slug}\". Please check the page address.",
    },
}


def page_text(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """Return the page text for ``key`` in ``language`` with ``params`` filled in."""
    texts = PAGE_TEXTS[key]
    template = texts.get(language) or texts[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template


def page_language(requested: str | None) -> str:
    """Return ``requested`` when it is a supported language code, else Spanish."""
    language = (requested or "").strip().lower()
    return language if language in LANGUAGES else DEFAULT_LANGUAGE
