"""Email delivery to the outbox: what is written and what is logged."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from bot.mail import MailError, send_email
from bot.settings import load_settings


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.delenv("SMTP_HOST", raising=False)
    return dataclasses.replace(load_settings(), outbox_dir=tmp_path / "outbox", smtp_host=None)


def test_verification_code_never_logged(settings, caplog):
    caplog.set_level(logging.DEBUG)

    send_email("ana@example.com", "Tu código de verificación: 482913", "Tu código es 482913.", settings)

    written = list(settings.outbox_dir.glob("*.eml"))
    assert len(written) == 1
    assert "482913" in written[0].read_text(encoding="utf-8")
    assert "482913" not in caplog.text
    assert "email written to outbox" in caplog.text


def test_unwritable_outbox_raises_mail_error(settings, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the outbox should be", encoding="utf-8")

    with pytest.raises(MailError, match="writing to the outbox"):
        send_email("ana@example.com", "Asunto", "Cuerpo", dataclasses.replace(settings, outbox_dir=blocked))
