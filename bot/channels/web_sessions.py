"""Widget session tokens: an unguessable id issued by the application, signed with HMAC.

A token is ``<session id>.<signature>``. The session id is 24 random bytes
(base64url), and the signature is HMAC-SHA256 of the id under a key derived from
``SECRET_KEY``. Only the application can issue a token that verifies, so a browser
can neither forge a session nor take over another one by guessing its id. The
conversation id ``web:<session id>`` may appear in logs and in the database, but
it is not a credential without its signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

SESSION_ID_BYTES = 24
# 24 bytes are 32 base64url characters; a SHA-256 digest is 43 without padding.
TOKEN_PATTERN = re.compile(r"^(?P<session>[A-Za-z0-9_-]{32})\.(?P<signature>[A-Za-z0-9_-]{43})$")
# Keeps these signatures distinct from other HMACs keyed by SECRET_KEY.
SIGNING_PURPOSE = b"web-session:"


class InvalidSession(ValueError):
    """Raised when a session token is malformed or its signature does not match."""


def _signature(session_id: str, secret_key: str) -> str:
    digest = hmac.new(secret_key.encode(), SIGNING_PURPOSE + session_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_session(secret_key: str) -> str:
    """Create a new session token."""
    session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
    return f"{session_id}.{_signature(session_id, secret_key)}"


def verify_session(token: object, secret_key: str) -> str:
    """Return the session id of a valid ``token``; raise ``InvalidSession`` otherwise."""
    match = TOKEN_PATTERN.match(token) if isinstance(token, str) else None
    if match is None:
        raise InvalidSession("the session token is not of the form <id>.<signature>")
    expected = _signature(match["session"], secret_key)
    if not hmac.compare_digest(match["signature"], expected):
        raise InvalidSession("the session token's signature does not match")
    return match["session"]
