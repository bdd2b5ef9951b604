import string

import pytest

from bot.replies import CATALOGUE, LANGUAGES, reply


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_reply_has_both_languages_with_same_placeholders(key):
    texts = CATALOGUE[key]

    assert set(texts) == set(LANGUAGES)
    assert placeholders(texts["es"]) == placeholders(texts["en"])


def test_reply_falls_back_to_spanish_for_unknown_language():
    assert reply("utter_goodbye", "fr") == CATALOGUE["utter_goodbye"]["es"]
