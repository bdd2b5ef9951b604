"""Natural-language generation endpoint: Rasa asks it for every ``utter_*`` response.

Rasa's NLG server contract (``nlg:`` in endpoints.yml) posts the response name,
its arguments and the tracker; the reply is ``{"text", "buttons", ...}``. Texts
come from ``bot.replies`` in the conversation's language, and facts such as
prices and seats left from the database, so nothing needs retraining.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Body, HTTPException

from bot.language import language_of_events
from bot.prompts import build_message

logger = logging.getLogger(__name__)

router = APIRouter()


@router.post("/nlg")
def generate(body: dict = Body(...)) -> dict:
    name = body.get("response") or body.get("template")
    tracker = body.get("tracker") or {}
    language = language_of_events(tracker.get("events") or [])
    try:
        return build_message(name, language, tracker.get("slots") or {}, body.get("arguments") or {})
    except KeyError as error:
        logger.error("NLG request for response %r failed: missing %s", name, error)
        raise HTTPException(status_code=404, detail=f"unknown response {name!r}") from error
