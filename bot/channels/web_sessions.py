"""Widget session tokens: an unguessable id issued by the application, signed with HMAC.

A token is ``<session id>.<issued at>.<signature>``. The session id is 24 random
bytes (base64url), the issue time is in Unix seconds, and the signature is
HMAC-SHA256 of both under a key derived from ``SECRET_KEY``. Only the
application can issue a token that verifies, so a browser can neither forge a
session nor take over another one by guessing its id.

A token expires ``SESSION_MAX_AGE_SECONDS`` after it was issued, so a shared
computer does not keep a chat with personal data open indefinitely. The widget
then starts a new chat.

The conversation id ``web:<session id>`` may appear in logs and in the
database, but it is not a credential without its signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time

SESSION_ID_BYTES = 24
SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600
# Clock difference tolerated between application processes that issue and verify.
CLOCK_SKEW_SECONDS = 300
# 24 bytes are 32 base64url characters; a SHA-256 digest is 43 without padding.
TOKEN_PATTERN = re.compile(
    r"^(?P<session>[A-Za-z0-9_-]{32})\.(?P<issued>[0-9]{1,12})\.(?P<signature>[A-Za-z0-9_-]{43})$"
)
# Keeps these signatures distinct from other HMACs keyed by SECRET_KEY.
SIGNING_PURPOSE = b"web-session:"


class InvalidSession(ValueError):
    """Raised when a session token is malformed or its signature does not match."""


def _signature(session_id: str, issued: str, secret_key: str) -> str:
    signed = SIGNING_PURPOSE + f"{session_id}.{issued}".encode()
    digest = hmac.new(secret_key.encode(), signed, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_session(secret_key: str, now: float | None = None) -> str:
    """Create a new session token, issued at ``now`` (default: the current time)."""
    session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
    issued = str(int(time.time() if now is None else now))
    return f"{session_id}.{issued}.{_signature(session_id, issued, secret_key)}"


def verify_session(token: object, secret_key: str, now: float | None = None) -> str:
    """Return the session id of a valid, unexpired ``token``; raise ``InvalidSession`` otherwise."""
    match = TOKEN_PATTERN.match(token) if isinstance(token, str) else None
    if match is None:
        raise InvalidSession("the session token is not of the form <id>.<issued at>.<signature>")
    expected = _signature(match["session"], match["issued"], secret_key)
    if not hmac.compare_digest(match["signature"], expected):
        raise InvalidSession("the session token's signature does not match")

    age = (time.time() if now is None else now) - int(match["issued"])
    if age > SESSION_MAX_AGE_SECONDS:
        raise InvalidSession(f"the session token expired {age - SESSION_MAX_AGE_SECONDS:.0f} s ago")
    if age < -CLOCK_SKEW_SECONDS:
        raise InvalidSession("the session token was issued in the future")
    return match["session"]
