import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.events import DEMO_EVENT_FILE, EventConfigError, find_ticket_type, load_event_file, seats_left
from bot.models import Account, Registration, RegistrationStatus
from bot.money import Money
from bot.registrations import (
    AlreadyRegistered,
    RegistrationClosed,
    RegistrationDraft,
    SoldOut,
    create_registration,
    mark_paid,
)

CODE_PATTERN = r"^CUMBRE-[A-HJ-NP-Z2-9]{6}$"


def make_account(session, email="ana@example.com"):
    account = Account(email=email, name="Ana Núñez", language="es")
    session.add(account)
    session.commit()
    return account


def draft(ticket="general", **changes):
    values = dict(
        ticket_code=ticket, full_name="Ana Núñez", phone="+525512345678", organisation=None,
        dietary="vegetariana", language="es", conversation_id="chat-1",
    )
    values.update(changes)
    return RegistrationDraft(**values)


def register(session, event, account, ticket="general"):
    registration = create_registration(session, event=event, account=account, draft=draft(ticket), hold_minutes=30)
    session.commit()
    return registration


def test_demo_event_loaded_with_ticket_types(session, demo_event):
    codes = [(t.code, t.price, t.capacity) for t in demo_event.ticket_types]

    assert demo_event.name["es"] == "Cumbre de Tecnología Abierta 2027"
    assert demo_event.currency == "MXN"
    assert codes == [
        ("general", Decimal("1500.00"), 300),
        ("estudiante", Decimal("600.00"), 100),
        ("vip", Decimal("4200.00"), 40),
        ("prensa", Decimal("0.00"), 20),
    ]
    # 18 May 2027 23:59 in Mexico City (UTC-6) is 19 May 05:59 UTC.
    assert demo_event.registration_closes_at.isoformat() == "2027-05-19T05:59:00"


def test_loading_event_twice_updates_in_place(session, demo_event):
    again = load_event_file(session, DEMO_EVENT_FILE)
    session.commit()

    assert again.id == demo_event.id
    assert len(again.ticket_types) == 4


def test_paid_ticket_is_pending_and_holds_a_seat(session, demo_event):
    general = demo_event.ticket_types[0]
    registration = register(session, demo_event, make_account(session))

    assert registration.status == RegistrationStatus.PENDING_PAYMENT
    assert registration.code is None
    assert registration.money == Money(Decimal("1500.00"), "MXN")
    assert seats_left(session, general) == 299


def test_free_ticket_confirmed_at_once_with_code(session, demo_event):
    registration = register(session, demo_event, make_account(session), ticket="prensa")

    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.code is not None
    assert registration.code.startswith("CUMBRE-")


def test_expired_hold_frees_the_seat(session, demo_event):
    general = demo_event.ticket_types[0]
    registration = register(session, demo_event, make_account(session))
    registration.hold_expires_at -= timedelta(minutes=31)
    session.commit()

    assert seats_left(session, general) == 300


def test_sold_out_ticket_refused(session, demo_event):
    vip = demo_event.ticket_types[2]
    vip.capacity = 1
    session.commit()
    register(session, demo_event, make_account(session, "a@example.com"), ticket="vip")

    with pytest.raises(SoldOut):
        register(session, demo_event, make_account(session, "b@example.com"), ticket="vip")


def test_second_registration_for_same_event_refused(session, demo_event):
    account = make_account(session)
    first = register(session, demo_event, account)

    with pytest.raises(AlreadyRegistered) as raised:
        register(session, demo_event, account, ticket="vip")

    assert raised.value.registration.id == first.id


def test_closed_registration_refused(session, demo_event):
    demo_event.registration_closes_at = demo_event.registration_closes_at.replace(year=2020)
    session.commit()

    with pytest.raises(RegistrationClosed):
        register(session, demo_event, make_account(session))


def test_mark_paid_sets_code_once(session, demo_event):
    registration = register(session, demo_event, make_account(session))

    first = mark_paid(session, registration, registration.money)
    code = registration.code
    second = mark_paid(session, registration, registration.money)
    session.commit()
    session.expire_all()
    stored = session.scalar(select(Registration))

    assert (first, second) == (True, False)
    assert stored.status == RegistrationStatus.PAID
    assert stored.code == code
    assert stored.hold_expires_at is None
    assert stored.paid_at is not None


def test_registration_code_format(session, demo_event):
    registration = register(session, demo_event, make_account(session), ticket="prensa")

    assert registration.code is not None
    assert re.match(CODE_PATTERN, registration.code)


def test_answers_with_emoji_and_accents_round_trip(session, demo_event):
    account = make_account(session)
    answers = draft(full_name="María-José D’Ávila 🌮", organisation="Café Ñandú", dietary="sin gluten 🌾")
    create_registration(session, event=demo_event, account=account, draft=answers, hold_minutes=30)
    session.commit()
    session.expire_all()

    stored = session.scalar(select(Registration))
    assert (stored.full_name, stored.organisation, stored.dietary) == (
        "María-José D’Ávila 🌮", "Café Ñandú", "sin gluten 🌾",
    )


@pytest.mark.parametrize(
    "text, code",
    [("ESTUDIANTE", "estudiante"), ("la de estudiánte", "estudiante"), ("student", "estudiante"),
     ("press pass", "prensa"), ("VIP por favor", "vip"), ("una de las caras", None)],
)
def test_ticket_type_found_by_name_or_synonym(session, demo_event, text, code):
    ticket = find_ticket_type(demo_event, text)

    assert (ticket.code if ticket else None) == code


def test_currency_paypal_rejects_refused_when_loading(session, tmp_path):
    data = DEMO_EVENT_FILE.read_text(encoding="utf-8").replace("currency: MXN", "currency: ARS")
    path = tmp_path / "event.yml"
    path.write_text(data, encoding="utf-8")

    with pytest.raises(EventConfigError) as raised:
        load_event_file(session, path)

    assert "currency 'ARS'" in str(raised.value)
    assert "not accepted by PayPal" in str(raised.value)
