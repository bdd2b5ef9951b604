"""A scripted attendee talking to the REST channel, reading the outbox, paying at the simulator."""

from __future__ import annotations

import email
import re
import time
import uuid
from email.policy import default as default_policy
from pathlib import Path

import httpx
import jwt

REST_JWT_SECRET = "conversation-tests-secret-of-32-bytes-or-more"
CODE_IN_SUBJECT = re.compile(r"(\d{6})")
REGISTRATION_CODE = re.compile(r"\b([A-Z]+-[A-HJ-NP-Z2-9]{6})\b")


class Chat:
    """An attendee on the REST channel of the application, with a JWT for its sender id."""

    def __init__(self, app_url: str, outbox: Path, sender: str | None = None):
        self.url = f"{app_url}/webhooks/rest/webhook"
        self.outbox = outbox
        self.sender = sender or f"test-{uuid.uuid4().hex[:10]}"
        self.replies: list[dict] = []
        token = jwt.encode({"sub": self.sender}, REST_JWT_SECRET, algorithm="HS256")
        self.client = httpx.Client(timeout=130, headers={"Authorization": f"Bearer {token}"})

    def send(self, message: str) -> list[dict]:
        response = self.client.post(self.url, json={"sender": self.sender, "message": message})
        response.raise_for_status()
        self.replies = response.json()
        return self.replies

    @property
    def text(self) -> str:
        return "\n".join(reply.get("text") or "" for reply in self.replies)

    @property
    def buttons(self) -> list[dict]:
        return [button for reply in self.replies for button in reply.get("buttons") or []]

    def click(self, title_part: str) -> list[dict]:
        """Send the payload of the first button whose title contains ``title_part``."""
        for button in self.buttons:
            if title_part.lower() in button["title"].lower() and button.get("payload"):
                return self.send(button["payload"])
        raise AssertionError(f"no button with {title_part!r} in {[b['title'] for b in self.buttons]}")

    def link(self) -> str:
        urls = [button["url"] for button in self.buttons if button.get("url")]
        assert urls, f"no link button in {self.replies}"
        return urls[0]

    def emails_to(self, address: str) -> list[email.message.EmailMessage]:
        messages = []
        for path in sorted(self.outbox.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
            if message["To"] == address:
                messages.append(message)
        return messages

    def wait_for_email(self, address: str, subject_part: str, timeout: float = 60) -> email.message.EmailMessage:
        """Return the first email to ``address`` whose subject contains ``subject_part``, waiting for it.

        PayPal's webhook may settle a payment after the buyer is back. The notice
        reaches the conversation before its email, so once the email is here a
        REST client gets the notice with its next message.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.emails_to(address) if subject_part in m["Subject"]]
            if found:
                return found[0]
            assert time.monotonic() < deadline, f"no email to {address} about {subject_part!r} in {timeout} s"
            time.sleep(0.2)

    def latest_code(self, address: str) -> str:
        messages = self.emails_to(address)
        assert messages, f"no email to {address} in {self.outbox}"
        return CODE_IN_SUBJECT.search(messages[-1]["Subject"]).group(1)


def approve_payment(approval_url: str) -> httpx.Response:
    """Approve at the simulator's page as a buyer would, then follow PayPal's redirect home."""
    with httpx.Client(timeout=60) as client:
        page = client.get(approval_url)
        assert page.status_code == 200, page.text
        submitted = client.post(approval_url, data={"action": "approve"})
        assert submitted.status_code == 303, submitted.text
        return client.get(submitted.headers["location"])

