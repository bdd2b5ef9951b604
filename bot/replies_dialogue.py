"""Texts for the turns that leave the main path: stopping the form, help after
repeated invalid answers, clarifying questions, out-of-scope messages, hand-off
to the organisers and choosing among several events."""

from __future__ import annotations

DIALOGUE_TEXTS: dict[str, dict[str, str]] = {
    # Stopping the registration form
    "utter_ask_stop_confirmed": {
        "es": "¿Quieres dejar el registro? No guardaré una inscripción a medias.",
        "en": "Do you want to stop registering? I won't keep a half-finished registration.",
    },
    "button_stop_yes": {"es": "Sí, dejarlo", "en": "Yes, stop"},
    "button_stop_no": {"es": "No, seguir", "en": "No, continue"},
    "stop_declined": {"es": "Perfecto, seguimos.", "en": "Great, let's carry on."},
    # Questions and corrections inside the form
    "question_without_answer": {
        "es": "No tengo ese dato. Puedes escribir al equipo organizador a {contact} o pedirme "
        "hablar con una persona.",
        "en": "I don't have that information. You can write to the organisers at {contact} or ask "
        "me to talk to a person.",
    },
    "value_kept": {
        "es": "Dejé «{field}» como estaba: {value}.",
        "en": "I kept \"{field}\" as it was: {value}.",
    },
    "field_account_email": {"es": "Correo", "en": "Email"},
    "field_account_name": {"es": "Nombre", "en": "Name"},
    # Help after three invalid answers to the same question
    "format_help_account_name": {
        "es": "Necesito tu nombre como quieres que aparezca, sin números ni @. Por ejemplo: "
        "María-José D’Ávila.",
        "en": "I need your name as you want it shown, without digits or @. For example: "
        "Seán O'Brien.",
    },
    "format_help_account_email": {
        "es": "Necesito un correo completo, con @ y dominio. Por ejemplo: ana.lopez@gmail.com.",
        "en": "I need a complete email address, with @ and a domain. For example: "
        "ana.lopez@gmail.com.",
    },
    "format_help_verification_code": {
        "es": "El código son 6 cifras que te llegaron por correo, por ejemplo 482 913. Si no lo "
        "encuentras, revisa la carpeta de spam o pide otro.",
        "en": "The code is the 6 digits we emailed you, for example 482 913. If you can't find "
        "it, check your spam folder or ask for a new one.",
    },
    "format_help_ticket_type": {
        "es": "Escribe el nombre de una de las entradas de la lista o usa sus botones. Por "
        "ejemplo: General.",
        "en": "Write the name of one of the tickets listed or use their buttons. For example: "
        "General.",
    },
    "format_help_full_name": {
        "es": "Necesito el nombre de quien asistirá, sin números ni @. Por ejemplo: Ana Núñez.",
        "en": "I need the name of the person attending, without digits or @. For example: "
        "Ana Núñez.",
    },
    "format_help_phone": {
        "es": "Escribe un teléfono de 10 dígitos o con código de país. Por ejemplo: 55 1234 5678 "
        "o +34 612 345 678. Si no quieres darlo, escribe «omitir».",
        "en": "Write a phone number with its country code, for example +1 415 555 0100 or "
        "+52 55 1234 5678. If you'd rather not give one, write \"skip\".",
    },
    "format_help_organisation": {
        "es": "Escribe el nombre de tu empresa u organización en menos de {limit} caracteres, "
        "por ejemplo «Universidad de Guadalajara», o «omitir».",
        "en": "Write your company or organisation in under {limit} characters, for example "
        "\"University of Texas\", or \"skip\".",
    },
    "format_help_dietary": {
        "es": "Escribe tus necesidades de alimentación en menos de {limit} caracteres, por "
        "ejemplo «vegetariana» o «sin gluten», o «omitir».",
        "en": "Write your dietary needs in under {limit} characters, for example \"vegetarian\" "
        "or \"gluten-free\", or \"skip\".",
    },
    "format_help_confirmation": {
        "es": "Si todo está bien, escribe «confirmar». Para corregir algo, escribe qué dato, por "
        "ejemplo «cambiar mi teléfono».",
        "en": "If everything is right, write \"confirm\". To correct something, say which, for "
        "example \"change my phone\".",
    },
    "format_help_offer": {
        "es": "Si prefieres, puedo cancelar el registro o pasar tu consulta a una persona del "
        "equipo.",
        "en": "If you prefer, I can cancel the registration or pass your question to someone "
        "from the team.",
    },
    "button_cancel_registration": {"es": "Cancelar registro", "en": "Cancel registration"},
    "button_handoff": {"es": "Hablar con una persona", "en": "Talk to a person"},
    # Clarifying questions and messages out of scope
    "clarify": {
        "es": "No estoy seguro de haberte entendido. ¿Te refieres a alguna de estas opciones?",
        "en": "I'm not sure I understood. Do you mean one of these?",
    },
    "clarify_offer_handoff": {
        "es": "Parece que no logro entenderte. ¿Quieres que pase tu consulta a una persona del "
        "equipo organizador?",
        "en": "I don't seem to be understanding you. Shall I pass your question to someone from "
        "the organising team?",
    },
    "label_register": {"es": "Registrarme", "en": "Register"},
    "label_check_status": {"es": "Ver mi registro o pagar", "en": "Check my registration or pay"},
    "label_ask_event": {"es": "Información del evento", "en": "Event information"},
    "label_cancel": {"es": "Cancelar mi registro", "en": "Cancel my registration"},
    "label_request_new_code": {"es": "Pedir otro código", "en": "Get a new code"},
    "label_change_field": {"es": "Cambiar un dato", "en": "Change something"},
    "label_human_handoff": {"es": "Hablar con una persona", "en": "Talk to a person"},
    "utter_out_of_scope": {
        "es": "Eso se sale de lo que puedo hacer: te ayudo con el registro, el pago y las "
        "preguntas sobre {event}. ¿Te ayudo con algo de eso?",
        "en": "That's outside what I can do: I help with registration, payment and questions "
        "about {event}. Can I help with any of those?",
    },
    # Hand-off to the organisers
    "utter_ask_handoff_question": {
        "es": "Claro. Escribe en un mensaje tu pregunta o lo que necesitas y se lo paso al "
        "equipo organizador.",
        "en": "Sure. Write your question or what you need in one message and I'll pass it to "
        "the organising team.",
    },
    "utter_ask_handoff_contact": {
        "es": "¿A qué correo o teléfono te pueden contestar?",
        "en": "Which email address or phone number should they answer you at?",
    },
    "button_use_contact": {"es": "Usar {contact}", "en": "Use {contact}"},
    "invalid_contact": {
        "es": "No reconozco «{value}» como correo ni como teléfono. Escribe, por ejemplo, "
        "ana@gmail.com o 55 1234 5678.",
        "en": "I can't read \"{value}\" as an email address or a phone number. Write, for "
        "example, ana@gmail.com or +1 415 555 0100.",
    },
    "invalid_handoff_question": {
        "es": "Escribe tu pregunta en un mensaje de hasta {limit} caracteres.",
        "en": "Please write your question in one message of up to {limit} characters.",
    },
    "handoff_created": {
        "es": "Listo: tu consulta #{request_id} ya está con el equipo organizador; te contestarán "
        "en {contact}.",
        "en": "Done: your request #{request_id} is with the organising team; they'll answer you "
        "at {contact}.",
    },
    "handoff_cancelled": {
        "es": "De acuerdo, no envié nada al equipo.",
        "en": "OK, I didn't send anything to the team.",
    },
    "registration_paused": {
        "es": "Tu registro quedó a medias; escribe «registrarme» para seguir donde te quedaste.",
        "en": "Your registration is half done; write \"register\" to carry on where you left off.",
    },
    "empty_message": {
        "es": "No recibí ningún texto. Escríbeme, por ejemplo, «quiero registrarme» o «¿cuánto "
        "cuesta?».",
        "en": "I didn't get any text. Write, for example, \"I want to register\" or \"how much "
        "is it?\".",
    },
    # Several open events
    "utter_ask_event_slug": {
        "es": "Hay varios eventos con registro abierto. ¿Cuál te interesa?",
        "en": "Several events are open for registration. Which one are you interested in?",
    },
    "events_joiner": {"es": " y ", "en": " and "},
}
