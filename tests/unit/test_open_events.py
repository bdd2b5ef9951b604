from datetime import datetime, timedelta

import pytest
import yaml

from bot.db import utcnow
from bot.events import DEMO_EVENT_FILE, EventConfigError, detect_event, load_event_file, open_events


def write_event_file(tmp_path, file_name="event.yml", **changes):
    data = yaml.safe_load(DEMO_EVENT_FILE.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / file_name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def workshop(session, demo_event, tmp_path):
    """A second event that starts before the summit and closes registration earlier."""
    path = write_event_file(
        tmp_path, "taller.yml",
        slug="taller-python-2027",
        name={"es": "Taller de Python Científico", "en": "Scientific Python Workshop"},
        starts_on="2027-03-10", ends_on="2027-03-10",
        registration_closes_at="2027-03-08 18:00",
        keywords=["taller", "workshop", "pycientifico"],
        code_prefix="TALLER",
        faq=[],
    )
    event = load_event_file(session, path)
    session.commit()
    return event


# open_events


def test_open_events_sorted_by_start(session, demo_event, workshop):
    before_both_close = datetime(2027, 1, 1)

    assert open_events(session, now=before_both_close) == [workshop, demo_event]


def test_open_events_leaves_out_closed(session, demo_event, workshop):
    # The workshop closes 8 March 2027 18:00 Mexico City time, 9 March 00:00 UTC.
    assert open_events(session, now=datetime(2027, 3, 9, 0, 1)) == [demo_event]
    assert open_events(session, now=datetime(2027, 3, 9, 0, 0)) == [workshop, demo_event]
    assert open_events(session, now=datetime(2027, 6, 1)) == []


def test_open_events_defaults_to_now(session, demo_event, workshop):
    demo_event.registration_closes_at = utcnow() - timedelta(minutes=1)
    session.commit()

    assert demo_event not in open_events(session)


# detect_event


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Quiero registrarme a la Cumbre de Tecnología Abierta 2027", "cumbre-2027"),
        ("register me for the open technology summit 2027", "cumbre-2027"),
        ("¿cuánto cuesta la CUMBRE?", "cumbre-2027"),
        ("info about the summit please", "cumbre-2027"),
        ("cta 2027", "cumbre-2027"),
        ("cumbre-2027", "cumbre-2027"),
        ("¿Cuándo es el taller?", "taller-python-2027"),
        ("Scientific Python Workshop", "taller-python-2027"),
        ("taller de python cientifico", "taller-python-2027"),
        ("taller-python-2027", "taller-python-2027"),
    ],
)
def test_detect_event_unique(session, demo_event, workshop, text, slug):
    detected = detect_event(text, [demo_event, workshop])

    assert detected is not None
    assert detected.slug == slug


@pytest.mark.parametrize(
    "text",
    ["hola", "", "🎉", "quiero registrarme", "¿es en la cumbre o en el taller?", "summit and workshop",
     "cumbreras", "talleres"],
)
def test_detect_event_none_or_ambiguous(session, demo_event, workshop, text):
    assert detect_event(text, [demo_event, workshop]) is None


def test_detect_event_only_among_given(session, demo_event, workshop):
    assert detect_event("el taller", [demo_event]) is None
    assert detect_event("la cumbre", []) is None


# Event file settings


def test_demo_event_settings_loaded(session, demo_event):
    assert demo_event.seats_display == "few"
    assert demo_event.few_seats_threshold == 20
    assert demo_event.keywords == ["cumbre", "summit", "CTA 2027", "cumbre abierta"]
    assert demo_event.directions["es"].startswith("A dos cuadras de la estación Reforma")
    assert demo_event.accessibility["en"].startswith("Step-free main entrance")


def test_event_file_defaults(session, tmp_path):
    data = yaml.safe_load(DEMO_EVENT_FILE.read_text(encoding="utf-8"))
    for field in ("directions", "accessibility", "seats_display", "few_seats_threshold", "keywords", "faq"):
        del data[field]
    data["slug"] = "minimo"
    path = tmp_path / "minimo.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    event = load_event_file(session, path)

    assert event.seats_display == "exact"
    assert event.few_seats_threshold == 10
    assert event.keywords == []
    assert event.directions == {}
    assert event.accessibility == {}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"seats_display": "some"}, "seats_display 'some'"),
        ({"few_seats_threshold": -1}, "few_seats_threshold -1"),
        ({"few_seats_threshold": "veinte"}, "few_seats_threshold 'veinte'"),
        ({"keywords": "cumbre"}, "keywords in"),
        ({"keywords": ["cumbre", ""]}, "keywords in"),
        ({"directions": "por el metro"}, "directions in"),
        ({"accessibility": {"fr": "rampe"}}, "accessibility in"),
    ],
)
def test_event_file_rejects_invalid_settings(session, tmp_path, changes, message):
    with pytest.raises(EventConfigError, match=message):
        load_event_file(session, write_event_file(tmp_path, **changes))
