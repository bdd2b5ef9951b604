"""The whole assistant, started once for the conversation tests.

The trained model (``make test`` trains it when the data changed), the Rasa
engine, the action server and the application with its PayPal simulator run as
real processes on free loopback ports, with their own database and outbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.launcher import Stack
from tests.conversation.chat import REST_JWT_SECRET
from tests.stack import running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var_dir = tmp_path_factory.mktemp("stack") / "var"
    with running_stack(var_dir, {"REST_JWT_SECRET": REST_JWT_SECRET}) as running:
        yield running


@pytest.fixture(scope="session")
def outbox(stack: Stack) -> Path:
    return stack.var_dir / "outbox"
