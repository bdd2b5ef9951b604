"""The options offered when the NLU model is unsure of a message."""

from __future__ import annotations

from rasa_sdk import Tracker

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarify, likeliest_options, misunderstood_in_a_row


def tracker_with(
    text: str, ranking: list[tuple[str, float]], earlier_actions: tuple[str, ...] = (), earlier_text: str = "x"
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [{"name": name, "confidence": score} for name, score in ranking],
        "entities": [],
    }
    events = []
    for name in earlier_actions:
        events += [
            {"event": "user", "text": earlier_text, "parse_data": {"intent": {"name": "inform"}}},
            {"event": "action", "name": "action_extract_slots"},
            {"event": "action", "name": name},
            {"event": "action", "name": "action_listen"},
        ]
    events.append({"event": "user", "text": text, "parse_data": message})
    return Tracker("unit", {}, message, events, False, None, None, "action_listen")


def test_two_likeliest_intents_become_buttons():
    tracker = tracker_with("mmm lo de la cosa", [("nlu_fallback", 0.4), ("register", 0.3), ("greet", 0.2),
                                                 ("check_status", 0.1), ("cancel", 0.05)])
    buttons = likeliest_options(tracker, "es")
    assert [button["payload"] for button in buttons] == ["/register", "/check_status"]
    assert buttons[0]["title"] == "Registrarme"


def test_cancel_offered_only_with_an_account():
    ranking = [("nlu_fallback", 0.4), ("cancel", 0.3), ("register", 0.2), ("check_status", 0.1)]
    tracker = tracker_with("mmm y eso otro", ranking)
    assert [button["payload"] for button in likeliest_options(tracker, "es")] == ["/register", "/check_status"]

    tracker.slots["account_id"] = "7"
    assert [button["payload"] for button in likeliest_options(tracker, "es")] == ["/cancel", "/register"]


def test_named_topics_come_first():
    tracker = tracker_with("precio fecha", [("nlu_fallback", 0.4), ("ask_event", 0.3), ("register", 0.2)])
    payloads = [button["payload"] for button in likeliest_options(tracker, "en")]
    assert len(payloads) == 2
    assert all(payload.startswith('/ask_event{"topic": ') for payload in payloads)


def test_single_ranked_option_padded_to_two():
    # A reply such as "👍" ranks affirm first and most offered intents below the top 10.
    ranking = [("affirm", 1.0), ("goodbye", 1e-30), ("human_handoff", 1e-30), ("greet", 1e-31)]
    buttons = likeliest_options(tracker_with("👍", ranking), "es")

    assert [button["payload"] for button in buttons] == ["/human_handoff", "/register"]
    assert buttons[1]["title"] == "Registrarme"


def test_no_ranking_offers_common_requests():
    buttons = likeliest_options(tracker_with("👍", []), "en")

    assert [button["payload"] for button in buttons] == ["/register", "/check_status"]


def test_clarify_ends_the_turn():
    dispatcher = CollectingDispatcher()
    tracker = tracker_with("😀🎉👍", [("affirm", 1.0)])

    events = asyncio.run(ActionClarify().run(dispatcher, tracker, {}))

    assert events == [{"event": "followup", "timestamp": None, "name": "action_listen"}]
    assert len(dispatcher.messages) == 1


def test_misunderstood_messages_in_a_row_are_counted():
    assert misunderstood_in_a_row(tracker_with("???", [])) == 1
    assert misunderstood_in_a_row(tracker_with("???", [], ("utter_greet",))) == 1
    assert misunderstood_in_a_row(tracker_with("???", [], ("utter_greet", "action_clarify"))) == 2
    assert misunderstood_in_a_row(tracker_with("???", [], ("action_clarify", "utter_greet"))) == 1


def test_keyboard_mash_out_of_scope_counted():
    mash = tracker_with("asdf", [], ("action_out_of_scope",), earlier_text="qwer zxcv")
    joke = tracker_with("asdf", [], ("action_out_of_scope",), earlier_text="cuéntame un chiste")

    assert misunderstood_in_a_row(mash) == 2
    assert misunderstood_in_a_row(joke) == 1
