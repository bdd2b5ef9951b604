"""Every text a person reads, in Spanish and English, keyed by reply name.

Rasa response names (``utter_*``) are served from here by the application's NLG
endpoint, and the actions, emails and web pages use the same catalogue, so a
reply never mixes languages.
"""

from __future__ import annotations

import json

from bot.replies_dialogue import DIALOGUE_TEXTS
from bot.replies_topics import TOPIC_TEXTS

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"

CATALOGUE: dict[str, dict[str, str]] = {
    # Conversation
    "utter_greet": {
        "es": "¡Hola! Soy el asistente de registro de {event}. Puedo registrarte y cobrar tu "
        "entrada con PayPal, contestar tus preguntas sobre el evento y decirte cómo va tu "
        "registro. ¿Qué quieres hacer?",
        "en": "Hi! I'm the registration assistant for {event}. I can register you and take "
        "your ticket payment with PayPal, answer your questions about the event and tell you "
        "how your registration is going. What would you like to do?",
    },
    "button_register": {"es": "Registrarme", "en": "Register"},
    "button_ask_event": {"es": "Preguntar por el evento", "en": "Ask about the event"},
    "button_check_status": {"es": "Ver mi registro", "en": "Check my registration"},
    "utter_goodbye": {
        "es": "¡Hasta pronto! Aquí estaré si necesitas algo más.",
        "en": "Goodbye! I'll be here if you need anything else.",
    },
    "utter_you_are_welcome": {
        "es": "¡Con gusto! ¿Te ayudo con algo más?",
        "en": "You're welcome! Can I help with anything else?",
    },
    "utter_default": {
        "es": "Perdona, no entendí. Puedo registrarte, contestar preguntas sobre el evento o "
        "decirte el estado de tu registro.",
        "en": "Sorry, I didn't understand. I can register you, answer questions about the "
        "event or tell you the status of your registration.",
    },
    "turn_stuck": {
        "es": "Perdona, me trabé con tu mensaje. ¿Me lo escribes otra vez?",
        "en": "Sorry, I got stuck on your message. Could you send it again?",
    },
    "form_cancelled": {
        "es": "De acuerdo, cancelé el registro en curso; no quedó ninguna inscripción a medias. "
        "Escribe «registrarme» cuando quieras empezar de nuevo.",
        "en": "OK, I cancelled the registration in progress; no half-finished registration was "
        "kept. Write \"register\" whenever you want to start again.",
    },
    "nothing_to_cancel": {
        "es": "No hay ningún registro en curso que cancelar.",
        "en": "There is no registration in progress to cancel.",
    },
    "utter_registration_closed": {
        "es": "El registro para {event} ya cerró.",
        "en": "Registration for {event} has closed.",
    },
    "utter_message_too_long": {
        "es": "Tu mensaje es demasiado largo; escríbelo en menos de {limit} caracteres, por favor.",
        "en": "Your message is too long; please keep it under {limit} characters.",
    },
    # Event information
    "event_summary": {
        "es": "{event}: {dates}, de {start} a {end} ({timezone}), en {venue}, "
        "{address}.\nEntradas:\n{tickets}\nIncluye {included}.\n{refund_policy}\n"
        "El registro cierra el {closes}. Contacto: {contact}.",
        "en": "{event}: {dates}, {start} to {end} ({timezone}), at {venue}, "
        "{address}.\nTickets:\n{tickets}\nIncluded: {included}.\n{refund_policy}\n"
        "Registration closes on {closes}. Contact: {contact}.",
    },
    "ticket_line": {"es": "• {name}: {price}{note}", "en": "• {name}: {price}{note}"},
    "ticket_free": {"es": "gratis", "en": "free"},
    "ticket_sold_out": {"es": "agotado", "en": "sold out"},
    # Account and verification code
    "utter_ask_account_name": {
        "es": "Para crear tu cuenta necesito tu nombre y tu correo. ¿Cómo te llamas?",
        "en": "To create your account I need your name and email. What's your name?",
    },
    "utter_ask_account_email": {
        # No thanks in it, because the form repeats it after an invalid email or a question.
        "es": "{account_name}, ¿a qué correo te envío el código de verificación?",
        "en": "{account_name}, which email should I send the verification code to?",
    },
    "utter_ask_verification_code": {
        "es": "Escribe el código de 6 dígitos que te envié a {account_email}. Si no te llegó, "
        "pide otro.",
        "en": "Type the 6-digit code I sent to {account_email}. If it didn't arrive, ask for "
        "a new one.",
    },
    "button_new_code": {"es": "Enviar otro código", "en": "Send a new code"},
    "invalid_name": {
        "es": "Eso no parece un nombre. Escribe tu nombre y apellidos, sin números; por "
        "ejemplo: Ana Núñez.",
        "en": "That doesn't look like a name. Please type your first and last name, without "
        "digits; for example: Ana Núñez.",
    },
    "invalid_email": {
        "es": "«{value}» no es un correo válido. Escríbelo completo, por ejemplo "
        "ana@ejemplo.com.",
        "en": "\"{value}\" is not a valid email. Please type the whole address, for example "
        "ana@example.com.",
    },
    "code_sent": {
        "es": "Te envié un código de verificación a {email}. Vence en {minutes} minutos.",
        "en": "I sent a verification code to {email}. It expires in {minutes} minutes.",
    },
    "code_sent_existing_account": {
        "es": "Ese correo ya tiene una cuenta. Te envié un código nuevo a {email} para "
        "verificar que eres tú; vence en {minutes} minutos.",
        "en": "That email already has an account. I sent a new code to {email} to check it's "
        "you; it expires in {minutes} minutes.",
    },
    "code_resent": {
        "es": "Listo, te envié un código nuevo a {email}; vence en {minutes} minutos. El anterior ya "
        "no sirve.",
        "en": "Done, I sent a new code to {email}; it expires in {minutes} minutes. The previous one "
        "no longer works.",
    },
    "code_not_understood": {
        "es": "El código tiene 6 dígitos, por ejemplo 482913. Escríbelo tal como llegó a tu "
        "correo.",
        "en": "The code has 6 digits, for example 482913. Type it as it arrived in your email.",
    },
    "code_wrong": {
        "es": "Ese código no es correcto. Te quedan {attempts} intentos.",
        "en": "That code is not correct. You have {attempts} attempts left.",
    },
    "code_expired": {
        "es": "Ese código ya venció. Pide uno nuevo con el botón.",
        "en": "That code has expired. Ask for a new one with the button.",
    },
    "code_locked": {
        "es": "Demasiados intentos con ese código. Pide uno nuevo con el botón.",
        "en": "Too many attempts with that code. Ask for a new one with the button.",
    },
    "email_failed": {
        "es": "No pude enviar el correo en este momento. Inténtalo de nuevo en unos minutos.",
        "en": "I couldn't send the email right now. Please try again in a few minutes.",
    },
    "account_verified": {
        "es": "¡Correo verificado! Ahora completemos tu registro.",
        "en": "Email verified! Now let's complete your registration.",
    },
    "code_email_subject": {
        "es": "Tu código de verificación: {code}",
        "en": "Your verification code: {code}",
    },
    "code_email_body": {
        "es": "Hola, {name}:\n\nTu código para verificar tu correo en el registro de {event} "
        "es:\n\n    {code}\n\nVence en {minutes} minutos. Si no lo pediste, ignora este "
        "mensaje.\n",
        "en": "Hello {name},\n\nYour code to verify your email for {event} registration "
        "is:\n\n    {code}\n\nIt expires in {minutes} minutes. If you didn't ask for it, ignore "
        "this message.\n",
    },
    # Registration form
    "utter_ask_ticket_type": {
        "es": "¿Qué tipo de entrada quieres?",
        "en": "Which ticket type would you like?",
    },
    "invalid_ticket_type": {
        "es": "No reconozco ese tipo de entrada. Elige una de estas: {choices}.",
        "en": "I don't recognise that ticket type. Choose one of these: {choices}.",
    },
    "ticket_type_sold_out": {
        "es": "Las entradas {ticket} están agotadas. Elige otra: {choices}.",
        "en": "{ticket} tickets are sold out. Please choose another: {choices}.",
    },
    "all_sold_out": {
        "es": "Lo siento, ya no quedan entradas para {event}.",
        "en": "Sorry, there are no tickets left for {event}.",
    },
    "utter_ask_full_name": {
        "es": "¿Qué nombre completo pongo en tu registro y tu gafete?",
        "en": "Which full name should go on your registration and badge?",
    },
    "utter_ask_phone": {
        "es": "¿Un teléfono de contacto? Es opcional; escribe «no» para omitirlo.",
        "en": "A contact phone number? It's optional; write \"no\" to skip it.",
    },
    "invalid_phone": {
        "es": "«{value}» no es un teléfono válido. Escríbelo con lada, por ejemplo "
        "55 1234 5678 o +52 55 1234 5678, o escribe «no» para omitirlo.",
        "en": "\"{value}\" is not a valid phone number. Type it with the area code, for "
        "example +52 55 1234 5678, or write \"no\" to skip it.",
    },
    "utter_ask_organisation": {
        "es": "¿De qué empresa u organización vienes? Es opcional; escribe «no» para omitirlo.",
        "en": "Which company or organisation are you from? It's optional; write \"no\" to "
        "skip it.",
    },
    "utter_ask_dietary": {
        "es": "¿Tienes alguna necesidad de alimentación (vegetariana, sin gluten, alergias)? "
        "Escribe «ninguna» si no.",
        "en": "Any dietary needs (vegetarian, gluten-free, allergies)? Write \"none\" if not.",
    },
    "invalid_free_text": {
        "es": "Esa respuesta es demasiado larga; resúmela en menos de {limit} caracteres, o "
        "escribe «no» para omitirla.",
        "en": "That answer is too long; please keep it under {limit} characters, or write "
        "\"no\" to skip it.",
    },
    "button_skip": {"es": "Omitir", "en": "Skip"},
    "summary": {
        "es": "Revisa tu registro para {event}:\n• Entrada: {ticket} ({price})\n"
        "• Nombre: {full_name}\n• Correo: {email}\n• Teléfono: {phone}\n"
        "• Organización: {organisation}\n• Alimentación: {dietary}\n¿Lo confirmo?",
        "en": "Please check your registration for {event}:\n• Ticket: {ticket} ({price})\n"
        "• Name: {full_name}\n• Email: {email}\n• Phone: {phone}\n"
        "• Organisation: {organisation}\n• Dietary needs: {dietary}\nShall I confirm it?",
    },
    "not_given": {"es": "(sin indicar)", "en": "(not given)"},
    "button_confirm": {"es": "Confirmar", "en": "Confirm"},
    "button_change": {"es": "Cambiar un dato", "en": "Change something"},
    "button_cancel": {"es": "Cancelar", "en": "Cancel"},
    "ask_field_to_change": {
        "es": "¿Qué dato quieres cambiar?",
        "en": "What would you like to change?",
    },
    "field_ticket_type": {"es": "Entrada", "en": "Ticket"},
    "field_full_name": {"es": "Nombre", "en": "Name"},
    "field_phone": {"es": "Teléfono", "en": "Phone"},
    "field_organisation": {"es": "Organización", "en": "Organisation"},
    "field_dietary": {"es": "Alimentación", "en": "Dietary needs"},
    "confirmation_not_understood": {
        "es": "Responde «confirmar» para terminar, o dime qué dato quieres cambiar.",
        "en": "Reply \"confirm\" to finish, or tell me what you want to change.",
    },
    # Payment and status
    "pay_with_paypal": {
        "es": "Tu lugar está apartado por {minutes} minutos. Paga {price} con PayPal en este "
        "enlace: {url}\nCuando termines, escríbeme y te confirmo tu registro.",
        "en": "Your seat is held for {minutes} minutes. Pay {price} with PayPal at this link: "
        "{url}\nWhen you're done, write to me and I'll confirm your registration.",
    },
    "button_pay": {"es": "Pagar con PayPal", "en": "Pay with PayPal"},
    "payment_unavailable": {
        "es": "El pago con PayPal no está disponible en este momento. Tu registro quedó "
        "guardado como pendiente de pago; escribe «quiero pagar» en unos minutos y te doy el "
        "enlace.",
        "en": "PayPal payment is temporarily unavailable. Your registration is saved as "
        "pending payment; write \"I want to pay\" in a few minutes and I'll send the link.",
    },
    "free_confirmed": {
        "es": "¡Listo, {name}! Tu registro para {event} está confirmado. Tu código de registro "
        "es {code}. También te lo envié por correo.",
        "en": "Done, {name}! Your registration for {event} is confirmed. Your registration "
        "code is {code}. I've also sent it by email.",
    },
    "payment_received": {
        "es": "¡Recibimos tu pago de {price}! Tu registro para {event} está confirmado. Tu "
        "código de registro es {code}. También te lo envié por correo.",
        "en": "We received your payment of {price}! Your registration for {event} is "
        "confirmed. Your registration code is {code}. I've also sent it by email.",
    },
    "status_pending": {
        "es": "Tu registro ({ticket}) está pendiente de pago: {price}. Puedes pagar aquí: {url}",
        "en": "Your registration ({ticket}) is pending payment: {price}. You can pay here: {url}",
    },
    "status_paid": {
        "es": "Tu registro para {event} está pagado y confirmado ({ticket}). Tu código es {code}.",
        "en": "Your registration for {event} is paid and confirmed ({ticket}). Your code is "
        "{code}.",
    },
    "status_confirmed": {
        "es": "Tu registro para {event} está confirmado ({ticket}). Tu código es {code}.",
        "en": "Your registration for {event} is confirmed ({ticket}). Your code is {code}.",
    },
    "status_none": {
        "es": "Aún no tienes un registro para {event}. ¿Quieres registrarte?",
        "en": "You don't have a registration for {event} yet. Would you like to register?",
    },
    "status_needs_account": {
        "es": "Para ver tu registro primero verifico tu correo. Escribe «registrarme» o pulsa "
        "el botón y te pediré tu nombre y correo.",
        "en": "To show your registration I first need to verify your email. Write "
        "\"register\" or press the button and I'll ask for your name and email.",
    },
    "already_registered": {
        "es": "Ya tienes un registro para {event}.",
        "en": "You already have a registration for {event}.",
    },
    "confirmation_email_subject": {
        "es": "Registro confirmado: {event} ({code})",
        "en": "Registration confirmed: {event} ({code})",
    },
    "confirmation_email_body": {
        "es": "Hola, {name}:\n\nTu registro para {event} está confirmado.\n\nCódigo de "
        "registro: {code}\nEntrada: {ticket}\nImporte: {price}\nFechas: {dates}\nLugar: "
        "{venue}, {address}\n\nPresenta este código en la entrada. Dudas: {contact}\n",
        "en": "Hello {name},\n\nYour registration for {event} is confirmed.\n\nRegistration "
        "code: {code}\nTicket: {ticket}\nAmount: {price}\nDates: {dates}\nVenue: {venue}, "
        "{address}\n\nShow this code at the entrance. Questions: {contact}\n",
    },
    # Told by chat and email when a payment changes outside a chat turn
    "capture_pending": {
        "es": "PayPal está revisando tu pago de {price}. Tu lugar sigue apartado; te avisaremos en "
        "cuanto se confirme.",
        "en": "PayPal is reviewing your payment of {price}. Your seat stays held; we'll tell you as "
        "soon as it is confirmed.",
    },
    "payment_declined": {
        "es": "PayPal rechazó el pago de tu registro ({ticket}). Tu lugar sigue apartado un rato; "
        "puedes intentarlo de nuevo, con otra tarjeta o cuenta, en este enlace: {url}",
        "en": "PayPal declined the payment for your registration ({ticket}). Your seat stays held "
        "for a while; you can try again, with another card or account, at this link: {url}",
    },
    "payment_declined_no_link": {
        "es": "PayPal rechazó el pago de tu registro ({ticket}). Escribe «quiero pagar» para recibir "
        "un enlace nuevo.",
        "en": "PayPal declined the payment for your registration ({ticket}). Write \"I want to "
        "pay\" to get a new link.",
    },
    "payment_review": {
        "es": "Recibimos un pago que no coincide con el precio de tu entrada. El equipo de {event} lo "
        "revisará y te escribirá a tu correo.",
        "en": "We received a payment that does not match your ticket price. The {event} team will "
        "review it and write to you by email.",
    },
    "refunded_no_seat": {
        "es": "Tu pago llegó después de que venció el apartado de tu lugar, y ya no quedan entradas "
        "{ticket}. Te reembolsamos el total ({price}); puede tardar unos días en verse.",
        "en": "Your payment arrived after your seat hold had expired, and there are no {ticket} "
        "tickets left. We refunded the full amount ({price}); it may take a few days to show.",
    },
    "refunded_after_cancel": {
        "es": "Recibimos un pago para un registro que ya habías cancelado, así que te lo reembolsamos "
        "completo ({price}).",
        "en": "We received a payment for a registration you had already cancelled, so we refunded it "
        "in full ({price}).",
    },
    "refunded": {
        "es": "Cancelamos tu registro para {event} y te reembolsamos {price}. El reembolso puede "
        "tardar unos días en verse en tu cuenta.",
        "en": "We cancelled your registration for {event} and refunded {price}. The refund may take a "
        "few days to show in your account.",
    },
    "reversed": {
        "es": "PayPal nos informó que el pago de tu registro para {event} se reembolsó o se revirtió, "
        "así que tu registro quedó cancelado. Si no esperabas esto, escribe a {contact}.",
        "en": "PayPal told us the payment for your {event} registration was refunded or reversed, so "
        "your registration is cancelled. If you didn't expect this, write to {contact}.",
    },
    "hold_expired": {
        "es": "Venció el apartado de tu lugar ({ticket}) porque no recibimos el pago a tiempo. Si aún "
        "quieres ir a {event}, escribe «registrarme».",
        "en": "Your seat hold ({ticket}) expired because the payment did not arrive in time. If you "
        "still want to attend {event}, write \"register\".",
    },
    "notice_email_subject": {
        "es": "{event}: novedades de tu registro",
        "en": "{event}: an update on your registration",
    },
    "notice_email_body": {
        "es": "Hola, {name}:\n\n{message}\n\nDudas: {contact}\n",
        "en": "Hello {name},\n\n{message}\n\nQuestions: {contact}\n",
    },
    # For organisers, by email
    "organiser_notice_subject": {
        "es": "{event}: registro {registration_id}",
        "en": "{event}: registration {registration_id}",
    },
    "organiser_notice_body": {
        "es": "Registro {registration_id} ({name}, {email}, {ticket}, {price}): {kind}.\n",
        "en": "Registration {registration_id} ({name}, {email}, {ticket}, {price}): {kind}.\n",
    },
    "organiser_review": {
        "es": "llegó un pago que no coincide con el precio; revísalo en PayPal",
        "en": "a payment that does not match the price arrived; check it in PayPal",
    },
    "organiser_refunded_no_seat": {
        "es": "el pago llegó sin lugar disponible y se reembolsó completo",
        "en": "the payment arrived with no seat left and was refunded in full",
    },
    "organiser_refunded_after_cancel": {
        "es": "llegó un pago para un registro cancelado y se reembolsó completo",
        "en": "a payment for a cancelled registration arrived and was refunded in full",
    },
    "organiser_refunded": {
        "es": "la persona canceló por chat y se le reembolsó",
        "en": "the attendee cancelled by chat and was refunded",
    },
    "organiser_reversed": {
        "es": "PayPal informó un reembolso o una reversión hecha fuera del asistente",
        "en": "PayPal reported a refund or reversal made outside the assistant",
    },
    # Cancelling a registration by chat
    "ask_cancel_paid": {
        "es": "¿Seguro que quieres cancelar tu registro ({ticket})? Te reembolsaremos {price} a tu "
        "cuenta de PayPal.",
        "en": "Are you sure you want to cancel your registration ({ticket})? We'll refund {price} to "
        "your PayPal account.",
    },
    "ask_cancel_unpaid": {
        "es": "¿Seguro que quieres cancelar tu registro ({ticket})? Se liberará tu lugar.",
        "en": "Are you sure you want to cancel your registration ({ticket})? Your seat will be "
        "released.",
    },
    "button_yes_cancel": {"es": "Sí, cancelar", "en": "Yes, cancel"},
    "button_keep": {"es": "No, conservarlo", "en": "No, keep it"},
    "cancel_kept": {
        "es": "De acuerdo, tu registro sigue igual.",
        "en": "OK, your registration stays as it is.",
    },
    "cancelled_unpaid": {
        "es": "Listo, cancelé tu registro para {event} y liberé tu lugar. No se hizo ningún cargo.",
        "en": "Done, I cancelled your registration for {event} and released your seat. You were not "
        "charged.",
    },
    "outside_refund_window": {
        "es": "El plazo de reembolso terminó el {refund_until}. {refund_policy} Para transferir tu "
        "entrada, escribe a {contact} con el nombre y el correo de la otra persona y tu código {code}.",
        "en": "The refund period ended on {refund_until}. {refund_policy} To transfer your ticket, "
        "write to {contact} with the other person's name and email and your code {code}.",
    },
    "refund_failed": {
        "es": "No pude hacer el reembolso en este momento porque PayPal no responde. Tu registro "
        "sigue activo; inténtalo de nuevo en unos minutos.",
        "en": "I couldn't make the refund right now because PayPal is not responding. Your "
        "registration is still active; please try again in a few minutes.",
    },
    # Pages the buyer sees on returning from PayPal
    "page_paid_title": {"es": "Pago recibido", "en": "Payment received"},
    "page_paid_body": {
        "es": "Recibimos tu pago de {price} para {event}. Tu registro está confirmado; tu código "
        "de registro es el de abajo y también te lo enviamos por correo. Ya puedes volver al chat.",
        "en": "We received your payment of {price} for {event}. Your registration is confirmed; "
        "your registration code is below and we've also emailed it to you. You can go back to "
        "the chat now.",
    },
    "page_pending_title": {"es": "Pago en proceso", "en": "Payment in progress"},
    "page_pending_body": {
        "es": "PayPal aún no confirma tu pago. Te avisaremos en el chat y por correo en cuanto se "
        "complete.",
        "en": "PayPal has not confirmed your payment yet. We'll tell you in the chat and by email "
        "as soon as it completes.",
    },
    "page_cancelled_title": {"es": "Pago cancelado", "en": "Payment cancelled"},
    "page_cancelled_body": {
        "es": "No se hizo ningún cargo. Tu lugar sigue apartado por un tiempo: vuelve al chat y "
        "escribe «quiero pagar» para intentarlo de nuevo.",
        "en": "You were not charged. Your seat stays held for a while: go back to the chat and "
        "write \"I want to pay\" to try again.",
    },
    "page_error_title": {"es": "No pudimos confirmar tu pago", "en": "We couldn't confirm your payment"},
    "page_unknown_order": {
        "es": "No encontramos ese pago. Vuelve al chat y pregunta por el estado de tu registro.",
        "en": "We couldn't find that payment. Go back to the chat and ask for your registration "
        "status.",
    },
    "page_paypal_unavailable": {
        "es": "PayPal no responde en este momento. Si aprobaste el pago, lo confirmaremos en "
        "cuanto PayPal responda; puedes recargar esta página en unos minutos.",
        "en": "PayPal is not responding right now. If you approved the payment, we'll confirm it "
        "as soon as PayPal responds; you can reload this page in a few minutes.",
    },
    "page_not_approved": {
        "es": "PayPal indica que el pago no se aprobó. Vuelve al chat y escribe «quiero pagar» "
        "para recibir un enlace nuevo.",
        "en": "PayPal says the payment was not approved. Go back to the chat and write \"I want "
        "to pay\" to get a new link.",
    },
    "page_declined": {
        "es": "PayPal rechazó el pago. Tu lugar sigue apartado un rato: vuelve al chat, donde te "
        "enviamos un enlace nuevo para intentarlo otra vez.",
        "en": "PayPal declined the payment. Your seat stays held for a while: go back to the chat, "
        "where we sent you a new link to try again.",
    },
    "page_refunded": {
        "es": "Recibimos tu pago, pero llegó cuando ya no quedaba lugar, así que te lo reembolsamos "
        "completo. Te escribimos por correo con los detalles.",
        "en": "We received your payment, but it arrived when no seat was left, so we refunded it in "
        "full. We've emailed you the details.",
    },
    "page_review": {
        "es": "Recibimos un pago que no coincide con el importe de tu entrada; el equipo del "
        "evento lo revisará y te escribirá a tu correo.",
        "en": "We received a payment that does not match your ticket price; the event team will "
        "review it and write to you by email.",
    },
}


CATALOGUE.update(DIALOGUE_TEXTS)
CATALOGUE.update(TOPIC_TEXTS)


def reply(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """Return the text for ``key`` in ``language`` with ``params`` filled in."""
    texts = CATALOGUE[key]
    template = texts.get(language) or texts[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template


def intent_button(title: str, intent: str, entities: dict | None = None) -> dict:
    """Return a quick-reply button whose payload triggers ``intent`` directly, so the
    choice is understood in any language."""
    payload = f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")
    return {"title": title, "payload": payload}


def link_button(title: str, url: str) -> dict:
    """Return a button that opens ``url`` (Rasa's ``web_url`` button type)."""
    return {"title": title, "url": url, "type": "web_url"}
