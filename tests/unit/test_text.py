import pytest

from bot.text import is_keyboard_mash


@pytest.mark.parametrize("text", ["asdf qwer zxcv", "ASDF", "jkl", "lkjh ñlkj", "qwerty", "sdfg hjkl!!", "hhhh jjjj"])
def test_keyboard_mash_detected(text):
    assert is_keyboard_mash(text)


@pytest.mark.parametrize(
    "text",
    ["", "🙂🙂", "12345", "hola", "bla bla bla", "ok", "sí", "Seán O'Brien", "cuéntame un chiste", "asdf hola",
     "pwd", "Ñoño", "tell me a joke"],
)
def test_keyboard_mash_not_detected(text):
    assert not is_keyboard_mash(text)
