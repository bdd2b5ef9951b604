"""Email verification by chat: send a code, check what the attendee types."""

from __future__ import annotations

from dataclasses import dataclass

from bot.accounts import CODE_LIFETIME, CodeCheck, CodeCheckResult, check_code, find_account, issue_code
from bot.db import session_scope
from bot.mail import send_email
from bot.replies import reply
from bot.settings import get_settings

CODE_MINUTES = int(CODE_LIFETIME.total_seconds() // 60)


@dataclass(frozen=True)
class CodeDelivery:
    email: str
    existing_account: bool


def send_verification_code(*, email: str, name: str, language: str, event_name: str) -> CodeDelivery:
    """Issue a code for ``email`` (creating the account if new) and email it.

    Raises ``MailError`` when the email cannot be delivered; the account is kept.
    """
    settings = get_settings()
    with session_scope() as session:
        issued = issue_code(session, email=email, name=name, language=language, secret_key=settings.secret_key)
        account_name = issued.account.name
    params = dict(code=issued.code, name=account_name, event=event_name, minutes=CODE_MINUTES)
    send_email(
        email,
        reply("code_email_subject", language, **params),
        reply("code_email_body", language, **params),
    )
    return CodeDelivery(email=email, existing_account=issued.existing_account)


@dataclass(frozen=True)
class Verification:
    result: CodeCheckResult
    account_id: int | None


def verify_code(*, email: str, code: str) -> Verification:
    settings = get_settings()
    with session_scope() as session:
        account = find_account(session, email)
        if account is None:
            return Verification(CodeCheckResult(CodeCheck.NO_CODE), None)
        result = check_code(session, account_id=account.id, code=code, secret_key=settings.secret_key)
        return Verification(result, account.id if result.outcome is CodeCheck.VERIFIED else None)
