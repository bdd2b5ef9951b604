import email
import logging
import socket

import pytest
from sqlalchemy.orm import sessionmaker

from bot.cli import main
from bot.db import create_db_engine
from bot.events import DEMO_EVENT_FILE
from bot.handoff import HandoffNotFound, close_handoff, create_handoff, list_handoffs, parse_contact
from bot.models import HandoffRequest, HandoffStatus
from bot.settings import get_settings
from bot.validation import InvalidValue

QUESTION = "¿Puedo cambiar mi entrada General por una de Estudiante?"


def outbox_messages(var_dir):
    outbox = var_dir / "outbox"
    if not outbox.exists():
        return []
    return [email.message_from_bytes(path.read_bytes()) for path in sorted(outbox.glob("*.eml"))]


def body_of(message):
    return message.get_payload(decode=True).decode(message.get_content_charset())


def closed_port() -> int:
    """Return a loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# parse_contact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ana@example.com", "ana@example.com"),
        ("  Ana.Nunez@Example.COM ", "ana.nunez@example.com"),
        ("escríbeme a ana@example.com por favor", "ana@example.com"),
        ("55 1234 5678", "+525512345678"),
        ("(55) 1234-5678", "+525512345678"),
        ("mi cel es 55 1234 5678", "+525512345678"),
        ("+34 612 345 678", "+34612345678"),
    ],
)
def test_parse_contact_valid(text, expected):
    assert parse_contact(text, "MX") == expected


@pytest.mark.parametrize("text", ["", "hola", "ana@", "123", "mañana", "55 12"])
def test_parse_contact_invalid(text):
    with pytest.raises(InvalidValue):
        parse_contact(text, "MX")


# create_handoff


def test_handoff_stored_and_organisers_emailed(session, demo_event, isolated_settings):
    request = create_handoff(
        session, event=demo_event, conversation_id="web-abc123", question=QUESTION,
        contact="ana@example.com", language="en",
    )

    assert request.id is not None
    assert request.status == HandoffStatus.OPEN
    assert request.account_id is None
    assert request.closed_at is None

    messages = outbox_messages(isolated_settings)
    assert len(messages) == 1
    message = messages[0]
    body = body_of(message)
    assert message["To"] == "registro@cumbre-abierta.example"
    assert str(email.header.make_header(email.header.decode_header(message["Subject"]))) == (
        f"Solicitud de atención #{request.id} — Cumbre de Tecnología Abierta 2027"
    )
    assert QUESTION in body
    assert "Contacto: ana@example.com" in body
    assert "Conversación: web-abc123" in body
    assert f"Solicitud: #{request.id}" in body
    assert "Idioma: en" in body
    assert f"python -m bot.cli handoffs close {request.id}" in body


def test_handoff_survives_new_session(session, demo_event, database_url):
    request = create_handoff(
        session, event=demo_event, conversation_id="tg-42", question=QUESTION,
        contact="+525512345678", language="es",
    )

    engine = create_db_engine(database_url)
    with sessionmaker(bind=engine)() as other:
        stored = other.get(HandoffRequest, request.id)
        assert stored is not None
        assert stored.question == QUESTION
        assert stored.contact == "+525512345678"
        assert stored.conversation_id == "tg-42"
        assert stored.event_id == demo_event.id
    engine.dispose()


def test_mail_failure_keeps_request(session, demo_event, database_url, monkeypatch, caplog):
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(closed_port()))
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    get_settings.cache_clear()

    with caplog.at_level(logging.ERROR, logger="bot.handoff"):
        request = create_handoff(
            session, event=demo_event, conversation_id="web-xyz", question=QUESTION,
            contact="ana@example.com", language="es",
        )

    engine = create_db_engine(database_url)
    with sessionmaker(bind=engine)() as other:
        assert other.get(HandoffRequest, request.id) is not None
    engine.dispose()
    assert f"organiser email for hand-off request {request.id} failed" in caplog.text
    assert "ana@example.com" not in caplog.text
    assert QUESTION not in caplog.text


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_handoff_rejects_bad_question(session, demo_event, question):
    with pytest.raises(InvalidValue):
        create_handoff(
            session, event=demo_event, conversation_id="web-1", question=question,
            contact="ana@example.com", language="es",
        )


def test_handoff_keeps_account(session, demo_event):
    from bot.models import Account

    account = Account(email="ana@example.com", name="Ana Núñez", language="es")
    session.add(account)
    session.commit()

    request = create_handoff(
        session, event=demo_event, conversation_id="web-1", question=QUESTION,
        contact="ana@example.com", language="es", account_id=account.id,
    )

    assert request.account_id == account.id


# Listing and closing


def test_list_and_close(session, demo_event):
    first = create_handoff(
        session, event=demo_event, conversation_id="web-1", question="Primera", contact="a@example.com", language="es",
    )
    second = create_handoff(
        session, event=demo_event, conversation_id="web-2", question="Second", contact="b@example.com", language="en",
    )

    close_handoff(session, first.id)
    session.commit()

    assert first.status == HandoffStatus.CLOSED
    assert first.closed_at is not None
    assert list_handoffs(session) == [second]
    assert list_handoffs(session, include_closed=True) == [first, second]
    assert list_handoffs(session, event=demo_event) == [second]


def test_close_twice_keeps_first_time(session, demo_event):
    request = create_handoff(
        session, event=demo_event, conversation_id="web-1", question="Hola", contact="a@example.com", language="es",
    )
    close_handoff(session, request.id)
    closed_at = request.closed_at

    close_handoff(session, request.id)

    assert request.closed_at == closed_at


def test_close_unknown_raises(session, demo_event):
    with pytest.raises(HandoffNotFound, match="hand-off request 999 not found"):
        close_handoff(session, 999)


def test_cli_handoffs_list_and_close(capsys):
    assert main(["migrate"]) == 0
    assert main(["load-event", str(DEMO_EVENT_FILE)]) == 0
    from bot.db import session_scope
    from bot.events import get_event

    with session_scope() as session:
        event = get_event(session, "cumbre-2027")
        request = create_handoff(
            session, event=event, conversation_id="web-1", question="¿Hay descuento para grupos? " * 5,
            contact="+525512345678", language="es",
        )
        request_id = request.id
    capsys.readouterr()

    assert main(["handoffs", "list", "--event", "cumbre-2027"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1
    identifier, created, language, contact, question = listed[0].split("\t")
    assert identifier == str(request_id)
    assert created.endswith(" UTC")
    assert language == "es"
    assert contact == "+525512345678"
    assert question.startswith("¿Hay descuento para grupos?")
    assert len(question) == 80

    assert main(["handoffs", "close", str(request_id)]) == 0
    assert capsys.readouterr().out.strip() == f"hand-off request {request_id} closed"
    assert main(["handoffs", "list"]) == 0
    assert capsys.readouterr().out.strip() == "no open hand-off requests"
    assert main(["handoffs", "list", "--all"]) == 0
    assert capsys.readouterr().out.strip().endswith("\tclosed")


def test_cli_close_unknown_request(capsys):
    assert main(["migrate"]) == 0

    assert main(["handoffs", "close", "999"]) == 2
    assert "hand-off request 999 not found" in capsys.readouterr().err
