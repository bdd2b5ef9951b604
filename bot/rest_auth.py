"""JSON Web Tokens for REST clients: HS256, signed with REST_JWT_SECRET, ``sub`` = sender id."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import jwt

from bot.settings import get_settings

ALGORITHM = "HS256"
MAX_SENDER_LENGTH = 128


class InvalidToken(Exception):
    """Raised when a bearer token is missing, malformed, expired or wrongly signed."""


def jwt_secret() -> str:
    """REST_JWT_SECRET, or for a development install a random secret kept in var/."""
    configured = os.environ.get("REST_JWT_SECRET")
    if configured:
        return configured
    path = Path(os.environ.get("VAR_DIR") or get_settings().outbox_dir.parent) / "rest_jwt_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def mint_token(sender: str, hours: float = 24.0) -> str:
    now = int(time.time())
    claims = {"sub": sender, "iat": now, "exp": now + int(hours * 3600)}
    return jwt.encode(claims, jwt_secret(), algorithm=ALGORITHM)


def sender_from_authorization(header: str | None) -> str:
    """Return the ``sub`` of a valid ``Authorization: Bearer <JWT>`` header."""
    if not header or not header.lower().startswith("bearer "):
        raise InvalidToken("missing bearer token")
    token = header.split(" ", 1)[1].strip()
    try:
        claims = jwt.decode(token, jwt_secret(), algorithms=[ALGORITHM], options={"require": ["sub"]})
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    sender = claims["sub"]
    if not isinstance(sender, str) or not sender or len(sender) > MAX_SENDER_LENGTH:
        raise InvalidToken("sub must be a non-empty string of at most 128 characters")
    return sender
