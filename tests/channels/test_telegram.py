"""The Telegram channel against a fake Bot API server over real HTTP.

The first tests drive ``TelegramChannel`` and the settings in this process. The
others start the whole assistant (engine, action server, application) with
Telegram configured and post updates to ``/telegram/webhook`` as Telegram would.
The bot's messages are read from the fake's records.
"""

from __future__ import annotations

import asyncio
import email
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from email.policy import default as default_policy
from pathlib import Path

import httpx
import pytest

from telegram import Update

from bot.channels.telegram_config import TelegramConfig, create_bot, load_telegram_config
from bot.channels.telegram_handler import TelegramChannel
from bot.cli import migrate
from bot.launcher import Stack
from bot.settings import PROJECT_ROOT, SettingsError, get_settings
from bot.web.app import create_app
from tests.conversation.chat import CODE_IN_SUBJECT, REGISTRATION_CODE, REST_JWT_SECRET
from tests.fakes.telegram_bot_api import (
    FakeBotApi,
    SentMessage,
    button_press_update,
    create_fake_bot_api_app,
    sticker_update,
    text_update,
)
from tests.servers import serve_in_thread
from tests.stack import free_port, running_stack

BOT_TOKEN = "7000000001:AAH-fake-token-for-tests_0123456789abc"
WEBHOOK_SECRET = "telegram-tests-webhook-secret_0123456789"
SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# A turn's replies are sent back to back; this long without a new one means the turn is over.
TURN_QUIET_SECONDS = 0.7
TURN_TIMEOUT_SECONDS = 90.0
PUSH_TIMEOUT_SECONDS = 30.0


@pytest.fixture(scope="module")
def bot_api() -> Iterator[tuple[FakeBotApi, str]]:
    api = FakeBotApi(BOT_TOKEN)
    with serve_in_thread(create_fake_bot_api_app(api)) as origin:
        yield api, origin


@pytest.fixture
def fake_api(bot_api) -> FakeBotApi:
    return bot_api[0]


def run_with_channel(origin: str, scenario) -> object:
    """Run ``scenario(channel)`` with a ``TelegramChannel`` whose bot talks to the fake at ``origin``."""
    config = TelegramConfig(
        token=BOT_TOKEN, mode="webhook", webhook_secret=WEBHOOK_SECRET, api_base_url=origin,
        webhook_url="http://127.0.0.1:1/telegram/webhook",
    )

    async def main():
        async with create_bot(config) as bot:
            return await scenario(TelegramChannel(bot))

    return asyncio.run(main())


# Replies and pushes, in this process.


def test_long_reply_split_within_limit(bot_api):
    api, origin = bot_api
    paragraph = "Información del evento, línea por línea. " * 40
    text = "\n\n".join([paragraph.strip()] * 6)
    buttons = [{"title": "Registrarme", "payload": "/register"}]

    run_with_channel(origin, lambda channel: channel.send_replies(101, [{"text": text, "buttons": buttons}]))

    messages = api.messages_to(101)
    assert len(messages) == 3
    assert all(len(message.text) <= 4096 for message in messages)
    assert [message.reply_markup for message in messages[:-1]] == [None, None]
    assert messages[-1].buttons == [{"text": "Registrarme", "callback_data": "/register"}]
    assert " ".join(message.text for message in messages).split() == text.split()


def test_long_payload_sent_as_key(bot_api):
    api, origin = bot_api
    payload = '/register{"ticket_type": "estudiante-posgrado-universidad-publica-con-credencial"}'
    assert len(payload.encode()) > 64

    async def scenario(channel: TelegramChannel):
        await channel.send_replies(102, [{"text": "¿Qué entrada?", "buttons": [{"title": "Posgrado", "payload": payload}]}])
        return channel

    channel = run_with_channel(origin, scenario)

    [button] = api.messages_to(102)[-1].buttons
    assert button["callback_data"].startswith("k:")
    assert len(button["callback_data"].encode()) <= 64
    assert channel.callback_data.payload_for(button["callback_data"]) == payload
    assert channel.callback_data.payload_for("k:unknown") is None
    assert channel.callback_data.payload_for("/register") == "/register"


def test_rejected_link_sent_as_text(bot_api):
    api, origin = bot_api
    api.rejected_link_hosts.add("localhost")
    reply = {
        "text": "Tu lugar está apartado.",
        "buttons": [
            {"title": "Pagar con PayPal", "url": "http://localhost:8000/paypal-sim/checkout/1", "type": "web_url"},
            {"title": "Cancelar", "payload": "/cancel"},
        ],
    }
    try:
        run_with_channel(origin, lambda channel: channel.send_replies(103, [reply]))
    finally:
        api.rejected_link_hosts.clear()

    [message] = api.messages_to(103)
    assert message.text == "Tu lugar está apartado.\n\nPagar con PayPal: http://localhost:8000/paypal-sim/checkout/1"
    assert message.buttons == [{"text": "Cancelar", "callback_data": "/cancel"}]


def test_push_sends_to_chat(bot_api):
    api, origin = bot_api
    message = {"text": "¡Recibimos tu pago!", "buttons": []}

    delivered = run_with_channel(origin, lambda channel: channel.push("telegram:104", [message]))

    assert delivered is True
    assert [m.text for m in api.messages_to(104)] == ["¡Recibimos tu pago!"]


def test_push_to_other_channel_refused(bot_api):
    api, origin = bot_api

    delivered = run_with_channel(origin, lambda channel: channel.push("rest:ana", [{"text": "hola"}]))

    assert delivered is False


def test_push_to_blocked_chat_not_delivered(bot_api):
    api, origin = bot_api
    api.blocked_chats.add(105)
    try:
        delivered = run_with_channel(origin, lambda channel: channel.push("telegram:105", [{"text": "hola"}]))
    finally:
        api.blocked_chats.clear()

    assert delivered is False
    assert api.messages_to(105) == []


def test_engine_down_user_told(bot_api, monkeypatch: pytest.MonkeyPatch):
    api, origin = bot_api
    migrate()
    monkeypatch.setenv("ENGINE_URL", f"http://127.0.0.1:{free_port()}")
    get_settings.cache_clear()
    update = text_update(api.next_update_id(), 106, "hola")

    run_with_channel(origin, lambda channel: channel.handle_update(Update.de_json(update, channel.bot)))

    assert [m.text for m in api.messages_to(106)] == [
        "El asistente no está disponible en este momento. Inténtalo de nuevo en unos minutos."
    ]


# Settings.


@pytest.fixture
def telegram_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", BOT_TOKEN)
    for name in ("TELEGRAM_MODE", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_config_off_without_token(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)

    assert load_telegram_config("https://registro.example.org") is None


def test_config_webhook_defaults(telegram_env):
    telegram_env.setenv("TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET)

    config = load_telegram_config("https://registro.example.org/")

    assert config.mode == "webhook"
    assert config.webhook_url == "https://registro.example.org/telegram/webhook"
    assert config.bot_api_base_url == "https://api.telegram.org/bot"
    assert BOT_TOKEN not in repr(config)
    assert WEBHOOK_SECRET not in repr(config)


def test_config_webhook_without_secret_rejected(telegram_env):
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_MODE=webhook"):
        load_telegram_config("https://registro.example.org")


def test_config_malformed_secret_rejected(telegram_env):
    telegram_env.setenv("TELEGRAM_WEBHOOK_SECRET", "no spaces allowed")

    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET is invalid"):
        load_telegram_config("https://registro.example.org")


def test_config_unknown_mode_rejected(telegram_env):
    telegram_env.setenv("TELEGRAM_MODE", "push")

    with pytest.raises(SettingsError, match="TELEGRAM_MODE must be one of webhook, polling, got 'push'"):
        load_telegram_config("https://registro.example.org")


def test_config_polling_needs_no_secret(telegram_env):
    telegram_env.setenv("TELEGRAM_MODE", "polling")

    assert load_telegram_config("http://localhost:8000").mode == "polling"


def test_app_start_rejects_missing_secret(telegram_env):
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET is required"):
        create_app()


def test_polling_runner_refuses_webhook_mode(tmp_path: Path):
    env = {
        **os.environ, "VAR_DIR": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }

    result = subprocess.run(
        [sys.executable, "-m", "bot.channels.telegram_polling"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 2
    assert "polling deletes the bot's webhook, so it runs only with TELEGRAM_MODE=polling" in result.stderr


# The whole assistant on Telegram.


@pytest.fixture(scope="module")
def stack(bot_api, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    _, origin = bot_api
    var_dir = tmp_path_factory.mktemp("telegram-stack") / "var"
    env = {
        "REST_JWT_SECRET": REST_JWT_SECRET,
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TELEGRAM_API_BASE_URL": origin,
    }
    with running_stack(var_dir, env) as running:
        yield running


class TelegramUser:
    """A user in a private chat with the bot: Telegram's updates out, the bot's messages in."""

    def __init__(self, api: FakeBotApi, app_url: str, chat_id: int, language_code: str = "es"):
        self.api = api
        self.webhook_url = f"{app_url}/telegram/webhook"
        self.chat_id = chat_id
        self.language_code = language_code

    def post(self, update: dict, secret: str | None = WEBHOOK_SECRET) -> httpx.Response:
        headers = {SECRET_TOKEN_HEADER: secret} if secret is not None else {}
        return httpx.post(self.webhook_url, json=update, headers=headers, timeout=10)

    def say(self, text: str) -> list[SentMessage]:
        """Send a text message; return the bot's reply messages."""
        return self.deliver(text_update(self.api.next_update_id(), self.chat_id, text, self.language_code))

    def press(self, title_part: str) -> list[SentMessage]:
        """Press the button whose title contains ``title_part`` under the bot's latest keyboard."""
        message = next(m for m in reversed(self.api.messages_to(self.chat_id)) if m.buttons)
        data = message.button(title_part)["callback_data"]
        update = button_press_update(self.api.next_update_id(), message, data, self.language_code)
        replies = self.deliver(update)
        assert update["callback_query"]["id"] in self.api.answered_callback_queries
        return replies

    def deliver(self, update: dict) -> list[SentMessage]:
        before = len(self.api.messages_to(self.chat_id))
        response = self.post(update)
        assert response.status_code == 200, response.text
        return self.wait_for_messages_after(before)

    def wait_for_messages_after(self, count: int, timeout: float = TURN_TIMEOUT_SECONDS) -> list[SentMessage]:
        """Return the messages after the first ``count`` once they stop arriving."""
        messages = self.api.wait_for_messages(self.chat_id, count + 1, timeout)
        while True:
            time.sleep(TURN_QUIET_SECONDS)
            latest = self.api.messages_to(self.chat_id)
            if len(latest) == len(messages):
                return messages[count:]
            messages = latest


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(message.text for message in messages)


def latest_code(outbox: Path, address: str) -> str:
    subjects = [
        email.message_from_bytes(path.read_bytes(), policy=default_policy)
        for path in sorted(outbox.glob("*.eml"))
    ]
    codes = [CODE_IN_SUBJECT.search(message["Subject"]) for message in subjects if message["To"] == address]
    assert codes and codes[-1], f"no verification code emailed to {address} in {outbox}"
    return codes[-1].group(1)


def new_chat_id() -> int:
    return int(time.time() * 1000) % 1_000_000_000 + 1_000


@pytest.mark.conversation
def test_webhook_set_at_start(stack, fake_api):
    fake_api.wait_for_call("setWebhook", timeout=30)

    [request] = fake_api.set_webhook_requests[:1]
    assert request.url == f"{stack.extra_env['PUBLIC_URL']}/telegram/webhook"
    assert request.secret_token == WEBHOOK_SECRET
    assert request.allowed_updates == ["message", "callback_query"]


@pytest.mark.conversation
def test_registration_paid_by_telegram(stack, fake_api):
    user = TelegramUser(fake_api, stack.app_url, new_chat_id())
    outbox = stack.var_dir / "outbox"

    greeting = user.say("hola")
    assert "asistente de registro" in text_of(greeting)
    assert greeting[-1].buttons == [
        {"text": "Registrarme", "callback_data": "/register"},
        {"text": "Preguntar por el evento", "callback_data": "/ask_event"},
        {"text": "Ver mi registro", "callback_data": "/check_status"},
    ]

    assert "¿Cómo te llamas?" in text_of(user.press("Registrarme"))
    assert "¿a qué correo" in text_of(user.say("Marta Quintero"))
    assert "Te envié un código de verificación a marta@example.com" in text_of(user.say("marta@example.com"))
    tickets = user.say(latest_code(outbox, "marta@example.com"))
    assert "¿Qué tipo de entrada quieres?" in text_of(tickets)
    assert tickets[-1].button("General")["callback_data"] == '/register{"ticket_type": "general"}'

    assert "teléfono" in text_of(user.press("General"))
    assert "organización" in text_of(user.press("Omitir"))
    assert "alimentación" in text_of(user.press("Omitir"))
    summary = user.press("Omitir")
    assert "Revisa tu registro" in text_of(summary)
    assert "• Nombre: Marta Quintero" in text_of(summary)

    payment = user.press("Confirmar")
    assert "Paga 1,500.00 MXN con PayPal" in text_of(payment)
    [pay_button] = [button for button in payment[-1].buttons if "url" in button]
    assert pay_button["text"] == "Pagar con PayPal"
    link = pay_button["url"]
    assert link.startswith(f"{stack.app_url}/paypal-sim/")

    # The buyer approves at PayPal and never comes back: no redirect followed, no message sent.
    before = len(fake_api.messages_to(user.chat_id))
    approval = httpx.post(link, data={"action": "approve"}, timeout=30)
    assert approval.status_code == 303
    confirmation = user.wait_for_messages_after(before, timeout=PUSH_TIMEOUT_SECONDS)

    code = REGISTRATION_CODE.search(text_of(confirmation)).group(1)
    assert code.startswith("CUMBRE-")
    assert (
        "¡Recibimos tu pago de 1,500.00 MXN! Tu registro para Cumbre de Tecnología Abierta 2027 está "
        f"confirmado. Tu código de registro es {code}."
    ) in text_of(confirmation)

    status = user.say("¿ya está mi registro?")
    assert "pagado y confirmado" in text_of(status)
    assert code in text_of(status)


@pytest.mark.conversation
def test_same_update_twice_answered_once(stack, fake_api):
    user = TelegramUser(fake_api, stack.app_url, new_chat_id())
    update = text_update(fake_api.next_update_id(), user.chat_id, "hola")

    # Telegram delivers an update again when it got no 2xx response in time.
    # Here the first two deliveries arrive back to back.
    first = user.post(update)
    second = user.post(update)
    replies = user.wait_for_messages_after(0)
    third = user.post(update)
    time.sleep(3)

    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 200]
    assert "asistente de registro" in text_of(replies)
    assert fake_api.messages_to(user.chat_id) == replies


@pytest.mark.conversation
@pytest.mark.parametrize("secret", [None, "", "wrong-secret", WEBHOOK_SECRET[:-1]], ids=["missing", "empty", "wrong", "prefix"])
def test_webhook_without_secret_rejected(stack, fake_api, secret):
    user = TelegramUser(fake_api, stack.app_url, new_chat_id())
    update = text_update(fake_api.next_update_id(), user.chat_id, "hola")

    response = user.post(update, secret=secret)
    time.sleep(2)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid or missing secret token"}
    assert fake_api.messages_to(user.chat_id) == []
    # Nothing was recorded either: the same update with the right secret gets replies.
    assert "asistente de registro" in text_of(user.deliver(update))


@pytest.mark.conversation
def test_webhook_body_not_update_rejected(stack, fake_api):
    response = httpx.post(
        f"{stack.app_url}/telegram/webhook", json={"message": {"text": "hola"}},
        headers={SECRET_TOKEN_HEADER: WEBHOOK_SECRET}, timeout=10,
    )

    assert response.status_code == 400
    assert response.json() == {"error": "the body must be a Telegram Update object in JSON"}


@pytest.mark.conversation
@pytest.mark.parametrize(
    ("language_code", "expected"),
    [
        ("es-MX", "Solo entiendo mensajes de texto. Escríbeme tu mensaje, por favor."),
        ("en", "I only understand text messages. Please type your message."),
    ],
)
def test_sticker_answered_text_only(stack, fake_api, language_code, expected):
    user = TelegramUser(fake_api, stack.app_url, new_chat_id(), language_code)

    replies = user.deliver(sticker_update(fake_api.next_update_id(), user.chat_id, language_code))

    assert [message.text for message in replies] == [expected]


@pytest.mark.conversation
def test_late_button_press_still_handled(stack, fake_api):
    user = TelegramUser(fake_api, stack.app_url, new_chat_id())
    user.say("hola")
    message = fake_api.messages_to(user.chat_id)[-1]
    update = button_press_update(fake_api.next_update_id(), message, message.button("Registrarme")["callback_data"])
    fake_api.expired_callback_queries.add(update["callback_query"]["id"])

    replies = user.deliver(update)

    assert "¿Cómo te llamas?" in text_of(replies)


@pytest.mark.conversation
def test_unknown_button_key_explained(stack, fake_api):
    user = TelegramUser(fake_api, stack.app_url, new_chat_id())
    user.say("hola")
    message = fake_api.messages_to(user.chat_id)[-1]

    replies = user.deliver(button_press_update(fake_api.next_update_id(), message, "k:minted-before-a-restart"))

    assert [m.text for m in replies] == ["Ese botón ya no está disponible. Escríbeme tu respuesta, por favor."]


@pytest.mark.conversation
def test_start_command_greets(stack, fake_api):
    user = TelegramUser(fake_api, stack.app_url, new_chat_id(), "en")

    replies = user.say("/start")

    assert "registration assistant" in text_of(replies)


@pytest.mark.conversation
def test_token_not_in_app_log(stack, fake_api):
    fake_api.wait_for_call("setWebhook", timeout=30)
    user = TelegramUser(fake_api, stack.app_url, new_chat_id())
    user.say("hola")

    log = (stack.var_dir / "logs" / "app.log").read_text(encoding="utf-8")

    assert "/telegram/webhook" in log
    assert BOT_TOKEN not in log


@pytest.mark.conversation
def test_polling_runner_answers_update(stack, fake_api, tmp_path: Path):
    chat_id = new_chat_id()
    fake_api.queue_update(text_update(fake_api.next_update_id(), chat_id, "hola"))
    log_path = tmp_path / "telegram-polling.log"
    env = {**stack.environment(engine_token=""), "TELEGRAM_MODE": "polling"}

    with open(log_path, "wb") as log:
        runner = subprocess.Popen(
            [sys.executable, "-m", "bot.channels.telegram_polling"],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        replies = TelegramUser(fake_api, stack.app_url, chat_id).wait_for_messages_after(0)
    finally:
        runner.send_signal(signal.SIGTERM)
        exit_code = runner.wait(timeout=30)

    assert "asistente de registro" in text_of(replies)
    assert replies[-1].button("Registrarme")["callback_data"] == "/register"
    calls = fake_api.calls
    assert calls.index("deleteWebhook") < calls.index("getUpdates")
    assert fake_api.webhook is None
    assert fake_api.pending_updates == []
    assert exit_code == 0
    log = log_path.read_text(encoding="utf-8")
    assert "polling Telegram for updates to @registro_test_bot" in log
    assert BOT_TOKEN not in log
