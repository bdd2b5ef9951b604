import pytest

from bot.questions import answer_question, asks_capabilities


def test_question_faq_first(session, demo_event):
    answer = answer_question(session, demo_event, "¿hay estacionamiento?", "es")

    assert answer is not None
    assert answer.topic.startswith("faq:")
    assert answer.text.startswith("Sí, el centro de convenciones tiene estacionamiento")


def test_question_faq_in_english(session, demo_event):
    answer = answer_question(session, demo_event, "is there parking", "en")

    assert answer is not None
    assert answer.topic.startswith("faq:")
    assert answer.text.startswith("Yes, the convention centre has an underground car park")


def test_question_several_topics(session, demo_event):
    answer = answer_question(session, demo_event, "¿Cuánto cuesta y dónde es?", "es")

    assert answer is not None
    assert answer.topic == "prices+venue"
    assert "• General: 1,500.00 MXN" in answer.text
    assert "Es en Centro de Convenciones Reforma" in answer.text


def test_question_at_most_three_topics(session, demo_event):
    answer = answer_question(session, demo_event, "precio, fecha, sede, reembolso y contacto", "es")

    assert answer is not None
    assert len(answer.topic.split("+")) == 3


def test_question_nothing_matches(session, demo_event):
    assert answer_question(session, demo_event, "¿me recomiendas un hotel?", "es") is None
    assert answer_question(session, demo_event, "🎉", "es") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [("¿cuánto cuesta el estacionamiento?", "es"), ("cuanto cuesta estacionarse", "es"),
     ("how much does parking cost?", "en"), ("what's the price of parking", "en")],
)
def test_faq_subject_beats_prices(session, demo_event, text, language):
    answer = answer_question(session, demo_event, text, language)

    assert answer is not None
    assert answer.topic.startswith("faq:")
    assert "40 MXN" in answer.text
    assert "General" not in answer.text


def test_subject_outside_faq_gets_topic(session, demo_event):
    # "entrada" is in no FAQ entry, so the parking entry does not cover this question.
    answer = answer_question(session, demo_event, "¿cuánto cuesta la entrada y hay estacionamiento?", "es")

    assert answer is not None
    assert answer.topic == "prices"


@pytest.mark.parametrize(("text", "language"), [("¿tienen un correo de contacto?", "es"), ("is there a contact email?", "en")])
def test_shared_word_is_not_same_subject(session, demo_event, text, language):
    # "correo" is in the entry "¿Por qué me piden mi correo?", which is another question.
    answer = answer_question(session, demo_event, text, language)

    assert answer is not None
    assert answer.topic == "contact"


def test_venue_accessibility_question(session, demo_event):
    answer = answer_question(session, demo_event, "is the venue wheelchair accessible?", "en")

    assert answer is not None
    assert answer.topic == "accessibility"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [("¿qué puedes hacer?", "es", "Puedo registrarte"), ("Que sabes hacer", "es", "Puedo registrarte"),
     ("¿en qué me puedes ayudar?", "es", "Puedo registrarte"), ("what can you do?", "en", "I can register you"),
     ("WHO ARE YOU", "en", "I can register you")],
)
def test_question_about_assistant(session, demo_event, text, language, expected):
    answer = answer_question(session, demo_event, text, language)

    assert answer is not None
    assert answer.topic == "capabilities"
    assert answer.text.startswith(expected)


@pytest.mark.parametrize(
    "text",
    ["¿qué incluye?", "¿qué hacen con mis datos?", "quiero registrarme", "what time is it",
     "What do you do with my data?", "¿qué haces con mi correo?"],
)
def test_asks_capabilities_false(text):
    assert not asks_capabilities(text)
