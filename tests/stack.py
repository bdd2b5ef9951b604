"""Start the whole assistant for a test module: engine, action server, application.

Each stack gets free loopback ports, its own var folder (database, outbox,
logs) and the demo event, and is stopped when the ``with`` block ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.launcher import Ports, Stack
from bot.settings import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "registro.tar.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_stack(var_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """Yield a ready stack; ``extra_env`` adds to or overrides its environment."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run `make test` (it trains first) or `make train`")
    ports = Ports(app=free_port(), actions=free_port(), engine=free_port())
    env = {
        "DATABASE_URL": f"sqlite:///{var_dir / 'registrations.db'}",
        "PUBLIC_URL": f"http://127.0.0.1:{ports.app}",
        "PAYPAL_MODE": "simulator",
        **(extra_env or {}),
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
