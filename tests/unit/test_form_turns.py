"""How the registration form reads a message before filling any slot."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.form_turns import TurnKind, new_value_in, read_turn


def tracker_for(text: str, intent: str, requested: str = "phone", entities: list | None = None) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return Tracker(
        sender_id="unit",
        slots={"requested_slot": requested},
        latest_message=message,
        events=[{"event": "user", "text": text, "parse_data": message}],
        paused=False,
        followup_action=None,
        active_loop={"name": "registration_form"},
        latest_action_name="action_listen",
    )


@pytest.mark.parametrize(
    ("text", "intent", "requested", "kind"),
    [
        ("cancelar", "inform", "phone", TurnKind.STOP),
        ("Ya no quiero.", "deny", "organisation", TurnKind.STOP),
        ("para", "inform", "dietary", TurnKind.STOP),
        ("stop", "inform", "full_name", TurnKind.STOP),
        ("/cancel", "cancel", "confirmation", TurnKind.STOP),
        # The model may read a name as cancel; without cancel words it is an answer.
        ("Pedro Ruiz", "cancel", "full_name", TurnKind.ANSWER),
        ("es para mi empresa", "inform", "organisation", TurnKind.ANSWER),
        # Read as cancel by the model, but "para" here starts a question.
        ("¿para qué quieren mi correo?", "cancel", "account_email", TurnKind.QUESTION),
        ("ya no quiero seguir con esto", "cancel", "phone", TurnKind.STOP),
        ("¿cuánto cuesta la entrada VIP?", "ask_event", "phone", TurnKind.QUESTION),
        ("cuanto cuesta", "ask_event", "confirmation", TurnKind.QUESTION),
        ("how much is it?", "ask_event", "organisation", TurnKind.QUESTION),
        ("como de todo", "inform", "dietary", TurnKind.ANSWER),
        ("ana@example.com?", "inform", "account_email", TurnKind.ANSWER),
        ("cambiar mi correo", "change_field", "phone", TurnKind.CHANGE),
        ("change my phone to +52 55 1234 5678", "change_field", "dietary", TurnKind.CHANGE),
        ("quiero hablar con una persona", "human_handoff", "phone", TurnKind.HANDOFF),
        ("/human_handoff", "human_handoff", "phone", TurnKind.HANDOFF),
        # A hand-off word inside an email address is not a request for a person.
        ("marta.persona@example.com", "human_handoff", "account_email", TurnKind.ANSWER),
        ("help.team@example.org", "human_handoff", "account_email", TurnKind.ANSWER),
        ("quiero hablar con una persona, soy ana@example.com", "human_handoff", "phone", TurnKind.HANDOFF),
        # A name or organisation may contain a hand-off word, so a hand-off there needs a verb.
        ("Equipo Alfa", "human_handoff", "organisation", TurnKind.ANSWER),
        ("Human Rights Watch", "human_handoff", "organisation", TurnKind.ANSWER),
        ("Agente Sánchez", "human_handoff", "full_name", TurnKind.ANSWER),
        ("quiero hablar con el equipo", "human_handoff", "organisation", TurnKind.HANDOFF),
        ("con una persona por favor", "human_handoff", "full_name", TurnKind.HANDOFF),
        ("can I talk to someone?", "human_handoff", "full_name", TurnKind.HANDOFF),
        ("equipo", "human_handoff", "phone", TurnKind.HANDOFF),
        ("55 1234 5678", "inform", "phone", TurnKind.ANSWER),
    ],
)
def test_read_turn(text: str, intent: str, requested: str, kind: TurnKind):
    assert read_turn(tracker_for(text, intent, requested)).kind is kind


def test_change_names_the_field():
    assert read_turn(tracker_for("cambiar mi correo", "change_field")).field == "email"
    entity = [{"entity": "field", "value": "dietary"}]
    assert read_turn(tracker_for("quiero cambiar eso", "change_field", entities=entity)).field == "dietary"


def test_new_value_after_the_field_name():
    assert new_value_in("cambia mi nombre a Ana Núñez", "full_name") == "Ana Núñez"
    assert new_value_in("change my phone to +52 55 1234 5678", "phone") == "+52 55 1234 5678"
    assert new_value_in("cambiar mi teléfono", "phone") is None
