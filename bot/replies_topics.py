"""Texts for answers by topic, topic buttons and the hand-off email, in Spanish and English.

``bot.replies`` merges ``TOPIC_TEXTS`` into its catalogue, so ``reply(key, language)``
serves these keys like any other.
"""

from __future__ import annotations

TOPIC_TEXTS: dict[str, dict[str, str]] = {
    # Answers by topic, filled from the stored event
    "topic_dates": {
        "es": "Fechas: {dates}, de {start} a {end} ({timezone}).",
        "en": "Dates: {dates}, {start} to {end} ({timezone}).",
    },
    "topic_venue": {
        "es": "Es en {venue}, {address}.",
        "en": "It takes place at {venue}, {address}.",
    },
    "topic_directions": {
        "es": "Cómo llegar: {directions}",
        "en": "Getting there: {directions}",
    },
    "topic_prices": {
        "es": "Precios de las entradas:\n{tickets}",
        "en": "Ticket prices:\n{tickets}",
    },
    "topic_seats": {
        "es": "Lugares por tipo de entrada:\n{tickets}",
        "en": "Seats by ticket type:\n{tickets}",
    },
    "topic_seats_line": {"es": "• {name}: {status}", "en": "• {name}: {status}"},
    "seats_exact": {"es": "quedan {seats} lugares", "en": "{seats} seats left"},
    "seats_exact_one": {"es": "queda 1 lugar", "en": "1 seat left"},
    "seats_few": {"es": "quedan pocos lugares", "en": "only a few seats left"},
    "seats_available": {"es": "hay lugares disponibles", "en": "seats available"},
    "topic_included": {
        "es": "La entrada incluye {included}.",
        "en": "Your ticket includes {included}.",
    },
    "topic_refund": {"es": "{refund_policy}", "en": "{refund_policy}"},
    "topic_deadline_open": {
        "es": "Puedes registrarte hasta el {closes} ({timezone}).",
        "en": "You can register until {closes} ({timezone}).",
    },
    "topic_deadline_closed": {
        "es": "El registro cerró el {closes} ({timezone}).",
        "en": "Registration closed on {closes} ({timezone}).",
    },
    "topic_accessibility": {
        "es": "Accesibilidad: {accessibility}",
        "en": "Accessibility: {accessibility}",
    },
    "topic_accessibility_unknown": {
        "es": "No tengo datos de accesibilidad de la sede. Escribe a {contact} y el equipo te "
        "responderá.",
        "en": "I don't have accessibility details for the venue. Write to {contact} and the "
        "team will answer.",
    },
    "topic_contact": {
        "es": "Puedes escribir a los organizadores a {contact}.",
        "en": "You can write to the organisers at {contact}.",
    },
    # Button labels, one per topic
    "topic_label_dates": {"es": "Fechas y horario", "en": "Dates and times"},
    "topic_label_venue": {"es": "Sede y cómo llegar", "en": "Venue and directions"},
    "topic_label_prices": {"es": "Precios", "en": "Prices"},
    "topic_label_seats": {"es": "Lugares disponibles", "en": "Seats left"},
    "topic_label_included": {"es": "Qué incluye", "en": "What's included"},
    "topic_label_refund": {"es": "Reembolsos y transferencias", "en": "Refunds and transfers"},
    "topic_label_deadline": {"es": "Fecha límite de registro", "en": "Registration deadline"},
    "topic_label_accessibility": {"es": "Accesibilidad", "en": "Accessibility"},
    "topic_label_contact": {"es": "Contacto", "en": "Contact"},
    "assistant_capabilities": {
        "es": "Puedo registrarte y cobrar tu entrada con PayPal, decirte cómo va tu registro o "
        "tu pago, reenviarte el código de verificación, cancelar tu registro y contestar "
        "preguntas sobre el evento: fechas, sede, precios, lugares, qué incluye, reembolsos, "
        "accesibilidad y más. Si necesitas a una persona, escribe «hablar con una persona».",
        "en": "I can register you and take your ticket payment with PayPal, tell you how your "
        "registration or payment is going, send you a new verification code, cancel your "
        "registration and answer questions about the event: dates, venue, prices, seats, "
        "what is included, refunds, accessibility and more. If you need a person, write "
        "\"talk to a person\".",
    },
    # Email to the organisers about a hand-off request. Organisers read Spanish, and the
    # English text exists because every catalogue key has both languages.
    "handoff_email_subject": {
        "es": "Solicitud de atención #{request_id} — {event}",
        "en": "Help request #{request_id} — {event}",
    },
    "handoff_email_body": {
        "es": "Una persona pidió hablar con el equipo de {event}.\n\n"
        "Solicitud: #{request_id}\nConversación: {conversation_id}\nIdioma: {attendee_language}\n"
        "Contacto: {contact}\n\nPregunta:\n{question}\n\n"
        "Contéstale directamente y después cierra la solicitud con:\n"
        "    python -m bot.cli handoffs close {request_id}\n",
        "en": "Someone asked to talk to the {event} team.\n\n"
        "Request: #{request_id}\nConversation: {conversation_id}\nLanguage: {attendee_language}\n"
        "Contact: {contact}\n\nQuestion:\n{question}\n\n"
        "Reply to them directly, then close the request with:\n"
        "    python -m bot.cli handoffs close {request_id}\n",
    },
}
