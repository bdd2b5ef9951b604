from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.events import DEMO_EVENT_FILE, EventConfigError, load_event_file
from bot.faq import MIN_SCORE, FaqConfigError, list_faq, match_faq, parse_faq


def write_event_file(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(DEMO_EVENT_FILE.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "event.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def best_question(session, event, text):
    matches = match_faq(session, event, text)
    return matches[0][0].first_question("es") if matches else None


# Loading


def test_demo_faq_loaded_in_order(session, demo_event):
    entries = list_faq(session, demo_event)

    assert [entry.first_question("es") for entry in entries] == [
        "¿Hay estacionamiento en la sede?",
        "¿Habrá wifi en el evento?",
        "¿Las charlas se graban?",
        "¿Entregan constancia de asistencia?",
        "¿Para qué quieren mi correo?",
    ]
    assert [entry.position for entry in entries] == [0, 1, 2, 3, 4]
    assert entries[0].questions["en"] == ["Is there parking at the venue?", "Where can I park?"]


def test_loading_again_replaces_entries(session, demo_event, tmp_path):
    faq = [{
        "questions": {"es": ["¿Se permiten mascotas?"], "en": ["Are pets allowed?"]},
        "answer": {"es": "No, solo perros de asistencia.", "en": "No, only assistance dogs."},
    }]

    load_event_file(session, write_event_file(tmp_path, faq=faq))
    session.commit()
    entries = list_faq(session, demo_event)

    assert len(entries) == 1
    assert entries[0].answer_text("en") == "No, only assistance dogs."
    assert match_faq(session, demo_event, "¿hay estacionamiento?") == []


def test_loading_without_faq_removes_entries(session, demo_event, tmp_path):
    data = yaml.safe_load(DEMO_EVENT_FILE.read_text(encoding="utf-8"))
    del data["faq"]
    path = tmp_path / "no-faq.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    load_event_file(session, path)
    session.commit()

    assert list_faq(session, demo_event) == []


def test_every_answer_exists_in_both_languages(session, demo_event):
    certificate = list_faq(session, demo_event)[3]

    assert certificate.answer_text("es").startswith("Sí, te enviamos una constancia digital")
    assert certificate.answer_text("en").startswith("Yes, we email you a digital certificate")


def test_faq_without_english_answer_rejected():
    with pytest.raises(FaqConfigError, match="missing the English answer"):
        parse_faq([{"questions": {"es": ["¿Hay wifi?"]}, "answer": {"es": "Sí."}}])


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ("no es lista", "faq must be a list"),
        (["texto"], "faq entry 1 must have 'questions' and 'answer'"),
        ([{"questions": {"es": ["¿Hay wifi?"]}}], "faq entry 1 needs 'questions' and 'answer'"),
        ([{"questions": {"en": ["Wifi?"]}, "answer": {"es": "Sí."}}], "faq entry 1: missing a Spanish question"),
        ([{"questions": {"es": []}, "answer": {"es": "Sí."}}], "faq entry 1: missing a Spanish question"),
        ([{"questions": {"es": ["¿Wifi?"]}, "answer": {"en": "Yes."}}], "faq entry 1: missing the Spanish answer"),
        ([{"questions": {"es": ["¿Wifi?"]}, "answer": {"es": "  "}}], "faq entry 1: missing the Spanish answer"),
        ([{"questions": {"es": ["¿Wifi?"], "fr": ["Wifi ?"]}, "answer": {"es": "Sí."}}], "unknown language fr"),
        ([{"questions": {"es": "¿Wifi?"}, "answer": {"es": "Sí.", "en": "Yes."}}, {"questions": {"es": ["x"]}, "answer": {}}],
         "faq entry 2: missing the Spanish answer"),
    ],
)
def test_parse_faq_rejects_invalid(items, message):
    with pytest.raises(FaqConfigError, match=message):
        parse_faq(items)


def test_parse_faq_accepts_single_question_string():
    items = parse_faq([{"questions": {"es": "¿Hay wifi?"}, "answer": {"es": "Sí.", "en": "Yes."}}])

    assert items[0].questions == {"es": ["¿Hay wifi?"]}
    assert items[0].answer == {"es": "Sí.", "en": "Yes."}


def test_invalid_faq_keeps_event_unchanged(session, demo_event, tmp_path):
    path = write_event_file(tmp_path, faq=[{"questions": {"es": ["¿Wifi?"]}, "answer": {"en": "Yes."}}])

    with pytest.raises(EventConfigError, match="faq entry 1: missing the Spanish answer"):
        load_event_file(session, path)
    session.rollback()

    assert len(list_faq(session, demo_event)) == 5


# Matching


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¿hay estacionamiento?", "¿Hay estacionamiento en la sede?"),
        ("HAY ESTACIONAMIENTO", "¿Hay estacionamiento en la sede?"),
        ("¿dónde me estaciono? ¿hay estacionamientos?", "¿Hay estacionamiento en la sede?"),
        ("is there parking", "¿Hay estacionamiento en la sede?"),
        ("where can I park?", "¿Hay estacionamiento en la sede?"),
        ("¿hay wifi?", "¿Habrá wifi en el evento?"),
        ("will there be wifi", "¿Habrá wifi en el evento?"),
        ("¿se graban las charlas?", "¿Las charlas se graban?"),
        ("are the talks recorded", "¿Las charlas se graban?"),
        ("¿dan certificado?", "¿Entregan constancia de asistencia?"),
    ],
)
def test_match_faq_finds_entry(session, demo_event, text, expected):
    assert best_question(session, demo_event, text) == expected


@pytest.mark.parametrize("text", ["¿dónde es la sede?", "hola", "", "🚗🚗", "¿cuánto cuesta?", "gracias"])
def test_match_faq_below_threshold(session, demo_event, text):
    assert match_faq(session, demo_event, text) == []


def test_match_faq_scores_sorted(session, demo_event):
    matches = match_faq(session, demo_event, "¿hay estacionamiento en la sede?")
    scores = [score for _, score in matches]

    assert matches[0][0].first_question("es") == "¿Hay estacionamiento en la sede?"
    assert scores[0] == 1.0
    assert scores == sorted(scores, reverse=True)
    assert all(score >= MIN_SCORE for score in scores)


def test_match_faq_sees_new_entry_without_retraining(session, demo_event, tmp_path):
    faq = [{
        "questions": {"es": ["¿Se permiten mascotas?"]},
        "answer": {"es": "No, solo perros de asistencia.", "en": "No, only assistance dogs."},
    }]
    load_event_file(session, write_event_file(tmp_path, faq=faq))
    session.commit()

    matches = match_faq(session, demo_event, "¿permiten mascotas?")

    assert len(matches) == 1
    assert matches[0][0].answer_text("en") == "No, only assistance dogs."


# CLI


def test_cli_faq_list(capsys):
    assert main(["migrate"]) == 0
    assert main(["load-event", str(DEMO_EVENT_FILE)]) == 0
    capsys.readouterr()

    assert main(["faq", "list", "--event", "cumbre-2027"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    identifier, question, answer = lines[0].split("\t")
    assert identifier.isdigit()
    assert question == "¿Hay estacionamiento en la sede?"
    assert answer.startswith("Sí, el centro de convenciones tiene estacionamiento subterráneo")


def test_cli_faq_list_unknown_event(capsys):
    assert main(["migrate"]) == 0

    assert main(["faq", "list", "--event", "nope"]) == 2
    assert "event 'nope' not found" in capsys.readouterr().err
