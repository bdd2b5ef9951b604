"""A visitor using the chat widget in a browser page: typing, clicking and reading."""

from __future__ import annotations

import email
import re
import time
from email.policy import default as default_policy
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.conversation.chat import CODE_IN_SUBJECT

SESSION_KEY_SUFFIX = ":session"


class Widget:
    """The chat widget of one page, found by its roles and labels as a visitor sees them."""

    def __init__(self, page: Page, language: str = "es"):
        self.page = page
        self.language = language
        spanish = language == "es"
        self.launcher = page.get_by_role(
            "button", name=re.compile("chat de registro" if spanish else "registration chat")
        )
        self.panel = page.get_by_role("dialog", name="Asistente de registro" if spanish else "Registration assistant")
        self.input = self.panel.get_by_label("Escribe tu mensaje" if spanish else "Type your message")
        self.log = self.panel.get_by_role("log")

    def open(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        expect(self.input).to_be_focused()

    def say(self, text: str) -> None:
        """Type ``text`` and press Enter, as a visitor does."""
        self.input.fill(text)
        self.input.press("Enter")

    def click(self, title: re.Pattern | str) -> None:
        """Click the newest quick-reply button with this title."""
        self.log.get_by_role("button", name=title).last.click()

    def bot_message(self, text: str | re.Pattern) -> Locator:
        return self.log.locator(".message.bot").filter(has_text=text).last

    def wait_for(self, text: str | re.Pattern) -> Locator:
        """Wait until a bot message containing ``text`` is shown; return it."""
        message = self.bot_message(text)
        expect(message).to_be_visible()
        return message

    def user_messages(self) -> Locator:
        return self.log.locator(".message.user")

    def session_token(self) -> str | None:
        """The session token the widget keeps in the page's localStorage."""
        return self.page.evaluate(
            """suffix => {
                const key = Object.keys(localStorage).find(name => name.endsWith(suffix));
                return key ? localStorage.getItem(key) : null;
            }""",
            SESSION_KEY_SUFFIX,
        )

    def replace_session_token(self, token: str) -> None:
        self.page.evaluate(
            """([suffix, token]) => {
                const key = Object.keys(localStorage).find(name => name.endsWith(suffix));
                localStorage.setItem(key, token);
            }""",
            [SESSION_KEY_SUFFIX, token],
        )


def latest_code(outbox: Path, address: str, timeout: float = 30.0) -> str:
    """Read the newest verification code emailed to ``address`` from the stack's outbox."""
    deadline = time.monotonic() + timeout
    while True:
        subjects = [
            message["Subject"]
            for message in (
                email.message_from_bytes(path.read_bytes(), policy=default_policy)
                for path in sorted(outbox.glob("*.eml"))
            )
            if message["To"] == address
        ]
        if subjects:
            return CODE_IN_SUBJECT.search(subjects[-1]).group(1)
        if time.monotonic() > deadline:
            raise AssertionError(f"no email to {address} in {outbox} within {timeout} s")
        time.sleep(0.2)
