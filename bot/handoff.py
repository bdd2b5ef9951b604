"""Hand-off requests: questions passed on to the event's organisers by email."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.mail import MailError, send_email
from bot.models import Event, HandoffRequest, HandoffStatus
from bot.replies import reply
from bot.text import MAX_MESSAGE_LENGTH
from bot.validation import InvalidValue, find_email, normalise_email, normalise_phone

logger = logging.getLogger(__name__)

# Maximum question length stored, the same limit chat messages already have.
MAX_QUESTION_LENGTH = MAX_MESSAGE_LENGTH

# A run of digits with the usual separators, optionally after "+", inside a longer text.
PHONE_CANDIDATE = re.compile(r"\+?\d[\d\s().-]{5,}\d")


class HandoffNotFound(LookupError):
    """Raised when no hand-off request has the given id."""


def parse_contact(text: str, region: str) -> str:
    """Return the email (lower-cased) or phone number (E.164) in ``text``.

    Numbers without a country code are read in ``region``, the event's
    country. Raises ``InvalidValue`` when ``text`` contains neither.
    """
    email = find_email(text)
    if email:
        return normalise_email(email)
    candidate = PHONE_CANDIDATE.search(text)
    if candidate is None:
        raise InvalidValue("no email address or phone number found")
    return normalise_phone(candidate.group(0), region)


def clean_question(text: str) -> str:
    """Return the question with outer spaces trimmed, or raise ``InvalidValue``."""
    question = text.strip()
    if not question:
        raise InvalidValue("empty question")
    if len(question) > MAX_QUESTION_LENGTH:
        raise InvalidValue(f"question longer than {MAX_QUESTION_LENGTH} characters")
    return question


def create_handoff(
    session: Session,
    *,
    event: Event,
    conversation_id: str,
    question: str,
    contact: str,
    language: str,
    account_id: int | None = None,
) -> HandoffRequest:
    """Store a hand-off request, commit it, then email the organisers about it.

    ``contact`` is expected already normalised by ``parse_contact``. The commit
    comes first, so a failed email is logged and the request stays stored and
    listed by ``python -m bot.cli handoffs list``. Raises ``InvalidValue`` for
    an empty or too long question.
    """
    request = HandoffRequest(
        event_id=event.id,
        conversation_id=conversation_id,
        language=language,
        question=clean_question(question),
        contact=contact,
        account_id=account_id,
        status=HandoffStatus.OPEN,
    )
    session.add(request)
    session.commit()
    logger.info("hand-off request %s stored for conversation %s", request.id, conversation_id)

    _email_organisers(event, request)
    return request


def _email_organisers(event: Event, request: HandoffRequest) -> None:
    """Email the event's contact address in Spanish, the language organisers read first."""
    params = dict(
        request_id=request.id,
        event=event.text("name", "es"),
        conversation_id=request.conversation_id,
        attendee_language=request.language,
        contact=request.contact,
        question=request.question,
    )
    subject = reply("handoff_email_subject", "es", **params)
    body = reply("handoff_email_body", "es", **params)
    try:
        send_email(event.contact_email, subject, body)
    except (MailError, OSError) as error:
        # An unwritable outbox raises OSError. The log line has the request id and the
        # error (server or file), never the attendee's contact or question.
        logger.error("organiser email for hand-off request %s failed: %s", request.id, error)


def list_handoffs(session: Session, *, event: Event | None = None, include_closed: bool = False) -> list[HandoffRequest]:
    """Return hand-off requests, oldest first: open ones only unless ``include_closed``."""
    query = select(HandoffRequest).order_by(HandoffRequest.created_at, HandoffRequest.id)
    if event is not None:
        query = query.where(HandoffRequest.event_id == event.id)
    if not include_closed:
        query = query.where(HandoffRequest.status == HandoffStatus.OPEN)
    return list(session.scalars(query))


def close_handoff(session: Session, request_id: int) -> HandoffRequest:
    """Mark a request closed; closing a closed request changes nothing. Raises ``HandoffNotFound``."""
    request = session.get(HandoffRequest, request_id)
    if request is None:
        raise HandoffNotFound(f"hand-off request {request_id} not found")
    if request.status != HandoffStatus.CLOSED:
        request.status = HandoffStatus.CLOSED
        request.closed_at = utcnow()
        session.flush()
    return request
