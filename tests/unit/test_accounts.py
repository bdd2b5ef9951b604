from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.accounts import MAX_CODE_ATTEMPTS, CodeCheck, check_code, issue_code
from bot.models import Account, VerificationCode

SECRET = "test-secret"


def issue(session, email="ana@example.com", name="Ana Núñez"):
    issued = issue_code(session, email=email, name=name, language="es", secret_key=SECRET)
    session.commit()
    return issued


def test_code_has_six_digits_and_is_stored_hashed(session):
    issued = issue(session)

    assert len(issued.code) == 6 and issued.code.isdigit()
    stored = session.scalar(select(VerificationCode))
    assert issued.code not in stored.code_hash


def test_matching_code_verifies_account(session):
    issued = issue(session)

    result = check_code(session, account_id=issued.account.id, code=issued.code, secret_key=SECRET)
    session.commit()

    assert result.outcome is CodeCheck.VERIFIED
    assert session.get(Account, issued.account.id).verified_at is not None


def test_code_works_only_once(session):
    issued = issue(session)
    check_code(session, account_id=issued.account.id, code=issued.code, secret_key=SECRET)

    again = check_code(session, account_id=issued.account.id, code=issued.code, secret_key=SECRET)

    assert again.outcome is CodeCheck.NO_CODE


def test_wrong_code_counts_attempts_then_locks(session):
    issued = issue(session)
    wrong = "000000" if issued.code != "000000" else "111111"

    outcomes = [
        check_code(session, account_id=issued.account.id, code=wrong, secret_key=SECRET)
        for _ in range(MAX_CODE_ATTEMPTS)
    ]
    after_lock = check_code(session, account_id=issued.account.id, code=issued.code, secret_key=SECRET)

    assert [o.attempts_left for o in outcomes[:-1]] == [4, 3, 2, 1]
    assert outcomes[-1].outcome is CodeCheck.LOCKED
    assert after_lock.outcome is CodeCheck.LOCKED


def test_expired_code_rejected(session):
    issued = issue(session)
    stored = session.scalar(select(VerificationCode))
    stored.expires_at -= timedelta(minutes=11)
    session.commit()

    result = check_code(session, account_id=issued.account.id, code=issued.code, secret_key=SECRET)

    assert result.outcome is CodeCheck.EXPIRED


def test_new_code_replaces_previous(session):
    issue(session)
    second = issue(session)

    codes = session.scalars(select(VerificationCode).order_by(VerificationCode.id)).all()

    assert second.existing_account is True
    assert [code.used_at is not None for code in codes] == [True, False]


def test_existing_email_reuses_account(session):
    issue(session, email="ana@example.com", name="Ana Núñez")
    again = issue(session, email="ana@example.com", name="Ana N.")

    assert again.existing_account is True
    assert session.scalar(select(func.count(Account.id))) == 1
    assert session.get(Account, again.account.id).name == "Ana Núñez"


@pytest.mark.parametrize("name", ["María-José D’Ávila 🌮", "Seán O'Brien", "Ana Núñez 🙋‍♀️"])
def test_names_stored_exactly_as_typed(session, name):
    """Apostrophes, curly quotes, accents and emoji, also in MySQL's utf8mb4."""
    issued = issue(session, email="x@example.com", name=name)
    session.commit()
    session.expire_all()

    assert session.get(Account, issued.account.id).name == name
