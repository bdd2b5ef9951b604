"""The reply to a message the NLU model is unsure about: the two likeliest
meanings as buttons, and a hand-off after repeated misunderstandings."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker

from actions.conversation import language, latest_text
from bot.questions import topic_label
from bot.replies import intent_button, reply
from bot.topics import find_topics

# Intents worth offering back as a button; the rest (greet, affirm, inform...)
# mean nothing on their own.
OFFERED_INTENTS = ("register", "check_status", "ask_event", "cancel", "request_new_code", "human_handoff")
MISUNDERSTOOD_BEFORE_HANDOFF = 2
# Actions that run on every turn and say nothing about understanding.
IGNORED_ACTIONS = {"action_listen", "action_extract_slots", "action_session_start"}
OPTIONS = 2


def misunderstood_in_a_row(tracker: Tracker) -> int:
    """How many user messages in a row, the latest included, got no other answer
    than this action."""
    count = 1
    events = list(tracker.events)
    last_user = max((i for i, event in enumerate(events) if event.get("event") == "user"), default=0)
    for event in reversed(events[:last_user]):
        if event.get("event") != "action" or event.get("name") in IGNORED_ACTIONS:
            continue
        if event.get("name") != "action_clarify":
            break
        count += 1
    return count


def likeliest_options(tracker: Tracker, lang: str) -> list[dict]:
    """Buttons for the two likeliest meanings: topics the words name, then the
    NLU model's ranking."""
    buttons = [
        intent_button(topic_label(topic, lang), "ask_event", {"topic": topic})
        for topic in find_topics(latest_text(tracker))
    ]
    for ranked in (tracker.latest_message or {}).get("intent_ranking") or []:
        name = ranked.get("name")
        if name in OFFERED_INTENTS and not (name == "ask_event" and buttons):
            buttons.append(intent_button(reply(f"label_{name}", lang), name))
    return buttons[:OPTIONS]


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = language(tracker)
        handoff = intent_button(reply("button_handoff", lang), "human_handoff")
        if misunderstood_in_a_row(tracker) >= MISUNDERSTOOD_BEFORE_HANDOFF:
            dispatcher.utter_message(text=reply("clarify_offer_handoff", lang), buttons=[handoff])
            return []
        options = likeliest_options(tracker, lang)
        if options:
            dispatcher.utter_message(text=reply("clarify", lang), buttons=options)
        else:
            dispatcher.utter_message(text=reply("utter_default", lang))
        return []
