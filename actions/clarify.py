"""Replies to messages the assistant cannot act on: the two likeliest meanings
as buttons, a hand-off after repeated misunderstandings, and a polite limit for
what is out of scope. A question the event data answers is answered first."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction

from actions.conversation import event_for, language, latest_intent, latest_text
from actions.form_turns import is_question
from bot.db import session_scope
from bot.prompts import build_message
from bot.questions import answer_question, topic_label
from bot.replies import intent_button, reply
from bot.text import is_keyboard_mash
from bot.topics import find_topics

# Intents worth offering back as a button. The others (greet, affirm, inform...)
# mean nothing on their own.
OFFERED_INTENTS = ("register", "check_status", "ask_event", "cancel", "request_new_code", "human_handoff")
# Before the email is verified there is no registration to cancel or new code to send.
WITHOUT_ACCOUNT = tuple(name for name in OFFERED_INTENTS if name not in ("cancel", "request_new_code"))
MISUNDERSTOOD_BEFORE_HANDOFF = 2
# Actions that run on every turn and say nothing about understanding.
IGNORED_ACTIONS = {"action_listen", "action_extract_slots", "action_session_start"}
OPTIONS = 2


def misunderstood_in_a_row(tracker: Tracker) -> int:
    """Count the user messages in a row, the latest included, that only this action handled."""
    count = 1
    events = list(tracker.events)
    last_user = max((i for i, event in enumerate(events) if event.get("event") == "user"), default=0)
    for index in reversed(range(last_user)):
        event = events[index]
        if event.get("event") != "action" or event.get("name") in IGNORED_ACTIONS:
            continue
        if not _misunderstood(event.get("name"), _user_text_before(events, index)):
            break
        count += 1
    return count


def _misunderstood(action: str | None, text: str) -> bool:
    return action == "action_clarify" or (action == "action_out_of_scope" and is_keyboard_mash(text))


def _user_text_before(events: list[dict], index: int) -> str:
    """Return the text of the last user message before ``events[index]``, or ""."""
    for event in reversed(events[:index]):
        if event.get("event") == "user":
            return event.get("text") or ""
    return ""


def likeliest_options(tracker: Tracker, lang: str) -> list[dict]:
    """Buttons for the two likeliest meanings: topics the words name, then the
    NLU model's ranking, then the most common requests when those give fewer than two."""
    buttons = [
        intent_button(topic_label(topic, lang), "ask_event", {"topic": topic})
        for topic in find_topics(latest_text(tracker))
    ]
    offered = OFFERED_INTENTS if tracker.get_slot("account_id") else WITHOUT_ACCOUNT
    for ranked in (tracker.latest_message or {}).get("intent_ranking") or []:
        name = ranked.get("name")
        if name in offered and not (name == "ask_event" and buttons):
            buttons.append(intent_button(reply(f"label_{name}", lang), name))
    # DIET ranks only its top 10 intents (ranking_length), so a message such as "👍" may rank
    # a single offered intent. The reply promises options, so two are always shown.
    for name in offered:
        button = intent_button(reply(f"label_{name}", lang), name)
        if len(buttons) < OPTIONS and button not in buttons:
            buttons.append(button)
    return buttons[:OPTIONS]


def answer_question_if_any(dispatcher, tracker: Tracker, lang: str) -> bool:
    """Send the answer to a question about the event that the NLU model classified
    as another intent ("¿Hay internet inalámbrico?" as inform). Return True when sent."""
    text = latest_text(tracker)
    if not is_question(text, latest_intent(tracker)):
        return False
    with session_scope() as session:
        event = event_for(session, tracker)
        answer = answer_question(session, event, text, lang) if event else None
    if answer is None:
        return False
    dispatcher.utter_message(text=answer.text)
    return True


def clarify(dispatcher, tracker: Tracker, lang: str) -> None:
    """Send the two likeliest meanings as buttons, or a hand-off offer after repeated misunderstandings."""
    handoff = intent_button(reply("button_handoff", lang), "human_handoff")
    if misunderstood_in_a_row(tracker) >= MISUNDERSTOOD_BEFORE_HANDOFF:
        dispatcher.utter_message(text=reply("clarify_offer_handoff", lang), buttons=[handoff])
        return
    options = likeliest_options(tracker, lang)
    if options:
        dispatcher.utter_message(text=reply("clarify", lang), buttons=options)
    else:
        dispatcher.utter_message(text=reply("utter_default", lang))


class ActionClarify(Action):
    """The rule for nlu_fallback and the core fallback of unsure dialogue predictions.

    It ends the turn itself. As the core fallback, nothing else would: the
    policies stay unsure after it, so Rasa would run it again until its limit of
    10 actions. Rasa 3.6 counts that limit back to the last action_listen, so
    every later message of the conversation would hit it again and get no reply.
    """

    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = language(tracker)
        if not answer_question_if_any(dispatcher, tracker, lang):
            clarify(dispatcher, tracker, lang)
        return [FollowupAction("action_listen")]


class ActionOutOfScope(Action):
    """A polite limit, unless the message is in fact a question the event data answers.

    A keyboard mash ("asdf qwer") that the NLU model read as out of scope was
    not understood, so it gets the clarifying options instead.
    """

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = language(tracker)
        if answer_question_if_any(dispatcher, tracker, lang):
            return []
        if is_keyboard_mash(latest_text(tracker)):
            clarify(dispatcher, tracker, lang)
            return []
        message = build_message("utter_out_of_scope", lang, tracker.current_slot_values())
        dispatcher.utter_message(text=message["text"])
        return []
