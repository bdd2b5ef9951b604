"""The whole assistant, started once for the conversation tests.

The trained model (``make test`` trains it when the data changed), the Rasa
engine, the action server and the application with its PayPal simulator run as
real processes on free loopback ports, with their own database and outbox.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.launcher import Ports, Stack
from bot.settings import PROJECT_ROOT
from tests.conversation.chat import REST_JWT_SECRET

MODEL = PROJECT_ROOT / "models" / "registro.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run `make test` (it trains first) or `make train`")
    var_dir = tmp_path_factory.mktemp("stack") / "var"
    ports = Ports(app=free_port(), actions=free_port(), engine=free_port())
    env = {
        "DATABASE_URL": f"sqlite:///{var_dir / 'registrations.db'}",
        "PUBLIC_URL": f"http://127.0.0.1:{ports.app}",
        "PAYPAL_MODE": "simulator",
        "REST_JWT_SECRET": REST_JWT_SECRET,
    }
    setup = subprocess.run(
        [sys.executable, "-m", "bot.cli", "setup-db"],
        cwd=PROJECT_ROOT, env={**os.environ, **env, "VAR_DIR": str(var_dir)},
        capture_output=True, text=True,
    )
    assert setup.returncode == 0, setup.stderr

    stack = Stack(ports=ports, var_dir=var_dir, model=MODEL, extra_env=env)
    stack.start()
    try:
        stack.wait_until_ready()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def outbox(stack: Stack) -> Path:
    return stack.var_dir / "outbox"
