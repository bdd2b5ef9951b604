import pytest

from bot.language import conversation_language, detect_language, language_of_events


@pytest.mark.parametrize(
    "text, language",
    [
        ("hola", "es"),
        ("¿ya está mi registro?", "es"),
        ("cuanto cuesta", "es"),
        ("quiero una entrada de estudiante, soy Ana Núñez", "es"),
        ("hi", "en"),
        ("is my registration confirmed?", "en"),
        ("I want to register", "en"),
        ("in english please", "en"),
        ("en español por favor", "es"),
    ],
)
def test_language_detected(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["Ana Núñez", "Seán O'Brien", "ana@example.com", "482913", "/affirm", "", None])
def test_names_emails_codes_and_payloads_not_decisive(text):
    assert detect_language(text) is None


def test_conversation_keeps_language_of_newest_decisive_message():
    assert conversation_language(["482913", "Seán O'Brien", "I want to register", "hola"]) == "en"
    assert conversation_language(["482913"]) == "es"


def test_language_of_events_skips_pushed_and_external_events():
    events = [
        {"event": "user", "text": "I want to register"},
        {"event": "bot", "text": "¡Hola!"},
        {"event": "user", "text": "EXTERNAL: reminder", "metadata": {"is_external": True}},
    ]

    assert language_of_events(events) == "en"
