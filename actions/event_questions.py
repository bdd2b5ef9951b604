"""Answers to questions about the event, outside the registration form."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.conversation import event_for, language, latest_entity, latest_text, needs_event_choice, remember_event
from actions.registration_actions import ask_which_event
from bot.db import session_scope
from bot.event_info import event_summary
from bot.questions import answer_question
from bot.text import MAX_MESSAGE_LENGTH
from bot.topics import TOPICS, answer_topic


class ActionEventInfo(Action):
    """Answer questions about the event from its stored data and FAQ entries.

    A topic button names its topic; a typed question is matched by
    ``bot.questions``; anything else gets the event's overview.
    """

    def name(self) -> str:
        return "action_event_info"

    async def run(self, dispatcher, tracker: Tracker, domain) -> list[dict[str, Any]]:
        lang = language(tracker)
        text = latest_text(tracker)
        if text.startswith("/"):
            # A button: the question is the one asked before the event was chosen.
            text = tracker.get_slot("pending_question") or ""
        topic = latest_entity(tracker, "topic")
        with session_scope() as session:
            if needs_event_choice(session, tracker):
                ask_which_event(dispatcher, session, lang, "ask_event")
                return [SlotSet("pending_question", text[:MAX_MESSAGE_LENGTH])]
            event = event_for(session, tracker)
            if topic in TOPICS:
                answer_text = answer_topic(session, event, topic, lang)
            else:
                answer = answer_question(session, event, text, lang)
                answer_text = answer.text if answer else event_summary(session, event, lang)
            dispatcher.utter_message(text=answer_text)
            remembered = remember_event(tracker, event)
        return remembered + [SlotSet("pending_question", None)]
