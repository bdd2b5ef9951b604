"""Accounts identified by a verified email: codes by email, no passwords."""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.models import Account, VerificationCode

logger = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5


class CodeCheck(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"  # MAX_CODE_ATTEMPTS used up
    NO_CODE = "no_code"


@dataclass(frozen=True)
class CodeCheckResult:
    outcome: CodeCheck
    attempts_left: int = 0


@dataclass(frozen=True)
class IssuedCode:
    account: Account
    code: str
    existing_account: bool


def _hash_code(secret_key: str, account_id: int, code: str) -> str:
    message = f"{account_id}:{code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def find_account(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == email))


def issue_code(session: Session, *, email: str, name: str, language: str, secret_key: str) -> IssuedCode:
    """Find or create the account for ``email`` (already normalised) and issue a new code.

    Earlier unused codes of the account stop working, so only the newest email counts.
    """
    account = find_account(session, email)
    existing = account is not None
    if account is None:
        account = Account(email=email, name=name, language=language)
        session.add(account)
        session.flush()

    now = utcnow()
    session.execute(
        update(VerificationCode)
        .where(VerificationCode.account_id == account.id, VerificationCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        VerificationCode(
            account_id=account.id,
            code_hash=_hash_code(secret_key, account.id, code),
            expires_at=now + CODE_LIFETIME,
        )
    )
    session.flush()
    logger.info("verification code issued account=%s existing=%s", account.id, existing)
    return IssuedCode(account=account, code=code, existing_account=existing)


def check_code(session: Session, *, account_id: int, code: str, secret_key: str) -> CodeCheckResult:
    """Check ``code`` against the account's newest unused code and count the attempt."""
    pending = session.scalar(
        select(VerificationCode)
        .where(VerificationCode.account_id == account_id, VerificationCode.used_at.is_(None))
        .order_by(VerificationCode.id.desc())
        .limit(1)
    )
    if pending is None:
        return CodeCheckResult(CodeCheck.NO_CODE)

    now = utcnow()
    if pending.expires_at < now:
        return CodeCheckResult(CodeCheck.EXPIRED)
    if pending.attempts >= MAX_CODE_ATTEMPTS:
        return CodeCheckResult(CodeCheck.LOCKED)

    pending.attempts += 1
    expected = pending.code_hash
    if hmac.compare_digest(expected, _hash_code(secret_key, account_id, code)):
        pending.used_at = now
        account = session.get(Account, account_id)
        account.verified_at = account.verified_at or now
        logger.info("account verified account=%s", account_id)
        return CodeCheckResult(CodeCheck.VERIFIED)

    attempts_left = MAX_CODE_ATTEMPTS - pending.attempts
    logger.info("wrong verification code account=%s attempts_left=%s", account_id, attempts_left)
    if attempts_left == 0:
        return CodeCheckResult(CodeCheck.LOCKED)
    return CodeCheckResult(CodeCheck.WRONG, attempts_left)
