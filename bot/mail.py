"""Outgoing email: a local outbox folder by default, SMTP when configured."""

from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from bot.db import utcnow
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)


class MailError(RuntimeError):
    """Raised when a message cannot be written to the outbox or sent by SMTP."""


def build_message(*, sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="registro.local")
    message.set_content(body)
    return message


def write_to_outbox(message: EmailMessage, outbox: Path) -> Path:
    """Write the message as one ``.eml`` file; the name sorts by creation time."""
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    path = outbox / name
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(bytes(message))
    temporary.rename(path)  # readers never see half a file
    return path


def send_by_smtp(message: EmailMessage, settings: Settings) -> None:
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"SMTP delivery to {settings.smtp_host}:{settings.smtp_port} failed: {error}") from error


def send_email(to: str, subject: str, body: str, settings: Settings | None = None) -> None:
    """Send one plain-text message. Raises ``MailError`` when delivery fails."""
    settings = settings or get_settings()
    message = build_message(sender=settings.mail_from, to=to, subject=subject, body=body)
    # Subjects and bodies stay out of the log: a verification code travels in both.
    if settings.smtp_host:
        send_by_smtp(message, settings)
        logger.info("email sent by SMTP")
        return
    try:
        path = write_to_outbox(message, settings.outbox_dir)
    except OSError as error:
        raise MailError(f"writing to the outbox {settings.outbox_dir} failed: {error}") from error
    logger.info("email written to outbox file=%s", path.name)
