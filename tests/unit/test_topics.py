from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from bot.db import create_db_engine, utcnow
from bot.models import Base, SeatsDisplay
from bot.questions import looks_like_question, topic_label
from bot.settings import PROJECT_ROOT
from bot.topics import TOPICS, answer_topic, find_topics, seats_status


def ticket(event, code):
    return next(item for item in event.ticket_types if item.code == code)


# find_topics


@pytest.mark.parametrize(
    "text",
    ["cuanto cuesta", "¿Cuánto cuesta?", "CUANTO CUESTA", "¿cuánto questa la entrada?", "precio", "presio",
     "¿Cuál es el costo?", "¿cuánto vale?", "How much is it?", "PRICE?", "what's the prise"],
)
def test_find_topics_prices(text):
    assert find_topics(text) == ["prices"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¿Dónde es?", "venue"),
        ("donde es", "venue"),
        ("¿Cómo llego a la sede?", "venue"),
        ("Where is the venue?", "venue"),
        ("¿Cuándo es?", "dates"),
        ("¿Qué horario tiene?", "dates"),
        ("what time does it start", "dates"),
        ("¿Quedan lugares?", "seats"),
        ("¿hay cupo?", "seats"),
        ("ya está agotado?", "seats"),
        ("any seats left?", "seats"),
        ("is it sold out", "seats"),
        ("¿Qué incluye la entrada?", "included"),
        ("¿dan comida?", "included"),
        ("what is included", "included"),
        ("¿Hay reembolso?", "refund"),
        ("¿y la devolución?", "refund"),
        ("rembolso", "refund"),
        ("¿Puedo transferir mi entrada?", "refund"),
        ("can I get a refund", "refund"),
        ("can I transfer my ticket", "refund"),
        ("¿Hasta cuándo me puedo registrar?", "deadline"),
        ("¿Cuál es la fecha límite?", "deadline"),
        ("¿cuándo cierra el registro?", "deadline"),
        ("registration deadline", "deadline"),
        ("¿Es accesible?", "accessibility"),
        ("acesibilidad", "accessibility"),
        ("voy en silla de ruedas", "accessibility"),
        ("¿hay rampa?", "accessibility"),
        ("wheelchiar access", "accessibility"),
        ("contacto", "contact"),
        ("¿Cuál es el correo de los organizadores?", "contact"),
        ("how do I contact you", "contact"),
    ],
)
def test_find_topics_single_topic(text, expected):
    assert find_topics(text) == [expected]


@pytest.mark.parametrize("text", ["", "   ", "🎉🎉🎉", "👍", "hola", "gracias", "is there parking", "¿?"])
def test_find_topics_nothing(text):
    assert find_topics(text) == []


def test_find_topics_several_in_order():
    assert find_topics("¿dónde es y a qué hora empieza?") == ["dates", "venue"]
    assert find_topics("where is it and how much") == ["prices", "venue"]


def test_find_topics_when_is_not_how_much():
    # "cuando" and "cuanto" differ by one letter; neither is read as a typo of the other.
    assert find_topics("cuando es") == ["dates"]
    assert find_topics("cuanto es") == ["prices"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("is the venue wheelchair accessible?", ["accessibility"]),
        ("¿la sede tiene rampa?", ["accessibility"]),
        ("¿el lugar tiene elevador?", ["accessibility"]),
        ("where is the venue and is it accessible?", ["venue", "accessibility"]),
        ("¿la sede?", ["venue"]),
    ],
)
def test_find_topics_place_name_only(text, expected):
    assert find_topics(text) == expected


def test_find_topics_vale_is_not_a_price():
    # In Spain "vale" means "OK", while "¿cuánto vale?" is still a price question.
    assert find_topics("vale") == []
    assert find_topics("vale, gracias") == []
    assert find_topics("¿cuánto valen las entradas?") == ["prices"]


def test_find_topics_bank_transfer_is_not_refund():
    assert find_topics("quiero pagar por transferencia") == []


# answer_topic, from the stored demo event


def test_answer_dates_both_languages(session, demo_event):
    spanish = answer_topic(session, demo_event, "dates", "es")
    english = answer_topic(session, demo_event, "dates", "en")

    assert spanish == "Fechas: 20 y 21 de mayo de 2027, de 09:00 a 18:00 (hora de la Ciudad de México)."
    assert english == "Dates: 20 and 21 May 2027, 09:00 to 18:00 (Mexico City time)."


def test_answer_dates_follows_stored_event(session, demo_event):
    demo_event.daily_start = "10:30"
    session.flush()

    assert "de 10:30 a 18:00" in answer_topic(session, demo_event, "dates", "es")


def test_answer_venue_with_directions(session, demo_event):
    spanish = answer_topic(session, demo_event, "venue", "es")
    english = answer_topic(session, demo_event, "venue", "en")

    assert spanish.startswith("Es en Centro de Convenciones Reforma, Paseo de la Reforma 500")
    assert "Cómo llegar: A dos cuadras de la estación Reforma del Metrobús" in spanish
    assert english.startswith("It takes place at Centro de Convenciones Reforma")
    assert "Getting there: Two blocks from the Reforma Metrobús station" in english


def test_answer_venue_english_falls_back_to_spanish(session, demo_event):
    demo_event.directions = {"es": "Sal por la puerta 3 del metro."}
    session.flush()

    assert "Getting there: Sal por la puerta 3 del metro." in answer_topic(session, demo_event, "venue", "en")


def test_answer_venue_without_directions(session, demo_event):
    demo_event.directions = {}
    session.flush()

    answer = answer_topic(session, demo_event, "venue", "es")

    assert answer == "Es en Centro de Convenciones Reforma, Paseo de la Reforma 500, Ciudad de México."


def test_answer_prices_lists_every_ticket(session, demo_event):
    spanish = answer_topic(session, demo_event, "prices", "es")
    english = answer_topic(session, demo_event, "prices", "en")

    assert "• General: 1,500.00 MXN" in spanish
    assert "• Estudiante: 600.00 MXN" in spanish
    assert "• VIP: 4,200.00 MXN" in spanish
    assert "• Prensa: gratis" in spanish
    assert "• Student: 600.00 MXN" in english
    assert "• Press: free" in english


def test_answer_prices_shows_changed_price(session, demo_event):
    # The answer reads the database, so a new price needs no retraining.
    ticket(demo_event, "general").price = Decimal("1750.00")
    session.flush()

    answer = answer_topic(session, demo_event, "prices", "es")

    assert "• General: 1,750.00 MXN" in answer
    assert "1,500.00" not in answer


def test_answer_prices_marks_sold_out(session, demo_event):
    ticket(demo_event, "vip").capacity = 0
    session.flush()

    assert "• VIP: 4,200.00 MXN (primeras filas y cena de networking el 20 de mayo; agotado)" in answer_topic(
        session, demo_event, "prices", "es"
    )
    assert "; sold out)" in answer_topic(session, demo_event, "prices", "en")


def test_answer_included_refund_contact(session, demo_event):
    assert answer_topic(session, demo_event, "included", "es") == "La entrada incluye café y comida ambos días."
    assert answer_topic(session, demo_event, "included", "en") == "Your ticket includes coffee and lunch on both days."
    assert answer_topic(session, demo_event, "refund", "es").startswith("Reembolso completo hasta el 6 de mayo de 2027.")
    assert "transfer your ticket to another person" in answer_topic(session, demo_event, "refund", "en")
    assert answer_topic(session, demo_event, "contact", "es") == (
        "Puedes escribir a los organizadores a registro@cumbre-abierta.example."
    )
    assert answer_topic(session, demo_event, "contact", "en") == (
        "You can write to the organisers at registro@cumbre-abierta.example."
    )


def test_answer_contact_follows_stored_event(session, demo_event):
    demo_event.contact_email = "hola@otra.example"
    session.flush()

    assert "hola@otra.example" in answer_topic(session, demo_event, "contact", "en")


def test_answer_deadline_open_and_closed(session, demo_event):
    assert answer_topic(session, demo_event, "deadline", "es") == (
        "Puedes registrarte hasta el 18 de mayo de 2027, 23:59 (hora de la Ciudad de México)."
    )
    assert answer_topic(session, demo_event, "deadline", "en") == (
        "You can register until 18 May 2027, 23:59 (Mexico City time)."
    )

    demo_event.registration_closes_at = utcnow() - timedelta(days=1)
    session.flush()

    assert answer_topic(session, demo_event, "deadline", "es").startswith("El registro cerró el ")
    assert answer_topic(session, demo_event, "deadline", "en").startswith("Registration closed on ")


def test_answer_accessibility_known_and_unknown(session, demo_event):
    assert "rampa" in answer_topic(session, demo_event, "accessibility", "es")
    assert "wheelchair spaces" in answer_topic(session, demo_event, "accessibility", "en")

    demo_event.accessibility = None
    session.flush()

    assert answer_topic(session, demo_event, "accessibility", "es") == (
        "No tengo datos de accesibilidad de la sede. Escribe a registro@cumbre-abierta.example y el "
        "equipo te responderá."
    )


@pytest.mark.parametrize("topic", TOPICS)
@pytest.mark.parametrize("language", ["es", "en"])
def test_answer_every_topic_in_both_languages(session, demo_event, topic, language):
    answer = answer_topic(session, demo_event, topic, language)

    assert answer.strip()
    assert "{" not in answer


def test_answer_unknown_topic_raises(session, demo_event):
    with pytest.raises(ValueError, match="unknown topic 'parking'"):
        answer_topic(session, demo_event, "parking", "es")


# Seats display modes


def test_seats_exact_shows_count(session, demo_event):
    demo_event.seats_display = SeatsDisplay.EXACT
    ticket(demo_event, "estudiante").capacity = 12
    ticket(demo_event, "vip").capacity = 1
    ticket(demo_event, "prensa").capacity = 0
    session.flush()

    spanish = answer_topic(session, demo_event, "seats", "es")
    english = answer_topic(session, demo_event, "seats", "en")

    assert "• Estudiante: quedan 12 lugares" in spanish
    assert "• VIP: queda 1 lugar" in spanish
    assert "• Prensa: agotado" in spanish
    assert "• General: quedan 300 lugares" in spanish
    assert "• Student: 12 seats left" in english
    assert "• VIP: 1 seat left" in english
    assert "• Press: sold out" in english


def test_seats_few_hides_count(session, demo_event):
    assert demo_event.seats_display == SeatsDisplay.FEW
    assert demo_event.few_seats_threshold == 20
    ticket(demo_event, "estudiante").capacity = 19
    ticket(demo_event, "vip").capacity = 20
    ticket(demo_event, "prensa").capacity = 0
    session.flush()

    spanish = answer_topic(session, demo_event, "seats", "es")

    assert "• Estudiante: quedan pocos lugares" in spanish
    assert "• VIP: hay lugares disponibles" in spanish
    assert "• Prensa: agotado" in spanish
    assert "19" not in spanish
    assert "Student: only a few seats left" in answer_topic(session, demo_event, "seats", "en")


@pytest.mark.parametrize(
    ("mode", "threshold", "seats_left", "expected"),
    [
        (SeatsDisplay.EXACT, 10, 5, "quedan 5 lugares"),
        (SeatsDisplay.EXACT, 10, 0, "agotado"),
        (SeatsDisplay.FEW, 10, 9, "quedan pocos lugares"),
        (SeatsDisplay.FEW, 10, 10, "hay lugares disponibles"),
        (SeatsDisplay.FEW, 10, 0, "agotado"),
        (SeatsDisplay.FEW, 0, 1, "hay lugares disponibles"),
        (SeatsDisplay.HIDDEN, 10, 2, "hay lugares disponibles"),
        (SeatsDisplay.HIDDEN, 10, 0, "agotado"),
    ],
)
def test_seats_status_modes(session, demo_event, mode, threshold, seats_left, expected):
    demo_event.seats_display = mode
    demo_event.few_seats_threshold = threshold

    assert seats_status(demo_event, seats_left, "es") == expected


def test_seats_counts_registrations(session, demo_event):
    from bot.models import Account
    from bot.registrations import RegistrationDraft, create_registration

    demo_event.seats_display = SeatsDisplay.EXACT
    ticket(demo_event, "prensa").capacity = 2
    account = Account(email="ana@example.com", name="Ana Núñez", language="es")
    session.add(account)
    session.flush()
    draft = RegistrationDraft(
        ticket_code="prensa", full_name="Ana Núñez", phone=None, organisation=None, dietary=None,
        language="es", conversation_id="chat-1",
    )
    create_registration(session, event=demo_event, account=account, draft=draft, hold_minutes=30)
    session.flush()

    assert "• Prensa: queda 1 lugar" in answer_topic(session, demo_event, "seats", "es")


# looks_like_question, topic_label


@pytest.mark.parametrize(
    "text",
    ["¿Dónde es?", "precio?", "Que incluye", "cuanto cuesta", "como llego", "hay estacionamiento",
     "se puede llevar comida", "tienen wifi", "What time?", "is there parking", "can I bring a friend",
     "do you have wifi", "does it include lunch", "WHERE IS IT"],
)
def test_looks_like_question_true(text):
    assert looks_like_question(text)


@pytest.mark.parametrize("text", ["hola", "Ana Núñez", "quiero registrarme", "ana@example.com", "", "👍", "issues"])
def test_looks_like_question_false(text):
    assert not looks_like_question(text)


def test_topic_labels():
    assert topic_label("prices", "es") == "Precios"
    assert topic_label("prices", "en") == "Prices"
    assert topic_label("dates", "es") == "Fechas y horario"
    assert topic_label("dates", "en") == "Dates and times"
    for language in ("es", "en"):
        labels = [topic_label(topic, language) for topic in TOPICS]
        assert all(labels)
        assert len(set(labels)) == len(TOPICS)


def test_topic_label_unknown_raises():
    with pytest.raises(ValueError, match="unknown topic 'parking'"):
        topic_label("parking", "es")


# Migration 0004


def alembic_config(url):
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    return config


def test_migration_0004_fills_defaults(tmp_path):
    url = f"sqlite:///{tmp_path / 'upgrade.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0003")
    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO events (slug, name, timezone, starts_on, ends_on, daily_start, daily_end, "
            "registration_closes_at, venue, address, country, currency, included, refund_policy, "
            "contact_email, code_prefix) VALUES ('old', '{\"es\": \"Viejo\"}', 'UTC', '2027-01-01', "
            "'2027-01-01', '09:00', '10:00', '2027-01-01 00:00:00', 'Sala', 'Calle 1', 'MX', 'MXN', "
            "'{\"es\": \"nada\"}', '{\"es\": \"sin reembolso\"}', 'a@example.com', 'OLD')"
        ))

    command.upgrade(config, "head")

    with engine.connect() as connection:
        row = connection.execute(sa.text(
            "SELECT directions, accessibility, keywords, seats_display, few_seats_threshold FROM events"
        )).one()
    engine.dispose()
    assert row.directions == "{}"
    assert row.accessibility == "{}"
    assert row.keywords == "[]"
    assert row.seats_display == "exact"
    assert row.few_seats_threshold == 10


def test_migration_0004_downgrade_and_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    config = alembic_config(url)
    command.upgrade(config, "head")

    command.downgrade(config, "0003")
    engine = create_db_engine(url)
    tables = sa.inspect(engine).get_table_names()
    engine.dispose()
    assert "faq_entries" not in tables
    assert "handoff_requests" not in tables

    command.upgrade(config, "head")


def test_migrations_match_models(database_url):
    engine = create_db_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()

    assert differences == []
