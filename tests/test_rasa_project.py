"""The Rasa project itself: data validation and test stories against the trained model."""

from __future__ import annotations

import os
import subprocess

import pytest

from bot.settings import PROJECT_ROOT

RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = PROJECT_ROOT / "models" / "registro.tar.gz"


def run_rasa(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    return subprocess.run(
        [str(RASA), *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900
    )


def test_data_validates_without_warnings():
    result = run_rasa("data", "validate", "--fail-on-warnings")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "UserWarning" not in result.stderr


def test_test_stories_pass(tmp_path):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run `make test`, which trains first")
    out = tmp_path / "results"

    result = run_rasa(
        "test", "core", "--model", str(MODEL), "--stories", "tests/stories",
        "--out", str(out), "--fail-on-prediction-errors",
    )

    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, details
