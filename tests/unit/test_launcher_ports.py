"""How the launcher picks its ports and reports the ones already taken."""

from __future__ import annotations

import socket

import pytest

from bot.launcher import Ports, main


def test_ports_default_without_variables():
    assert Ports.from_environment({}) == Ports(app=8000, actions=5055, engine=5005)


def test_ports_read_from_variables():
    ports = Ports.from_environment({"APP_PORT": "8100", "ACTIONS_PORT": "5155", "ENGINE_PORT": " 5105 "})
    assert ports == Ports(app=8100, actions=5155, engine=5105)


@pytest.mark.parametrize("value", ["abc", "0", "70000", "-1", "80.5"])
def test_invalid_port_names_the_variable(value: str):
    with pytest.raises(ValueError, match="invalid ENGINE_PORT"):
        Ports.from_environment({"ENGINE_PORT": value})


def test_equal_ports_rejected():
    with pytest.raises(ValueError, match="must differ"):
        Ports.from_environment({"APP_PORT": "5055"})


def test_busy_port_reported_with_variable():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        busy_port = listener.getsockname()[1]
        free = _free_port()
        busy = Ports(app=busy_port, actions=free, engine=free).busy()
    assert len(busy) == 1
    assert f"port {busy_port} (app) is in use" in busy[0]
    assert "APP_PORT" in busy[0]


def test_free_ports_not_reported():
    free = _free_port()
    assert Ports(app=free, actions=free, engine=free).busy() == []


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_check_ports_exits_zero_when_free(monkeypatch, capsys):
    free = _free_port()
    monkeypatch.setenv("APP_PORT", str(free))
    monkeypatch.setenv("ACTIONS_PORT", str(free + 1 if free < 65535 else free - 1))
    monkeypatch.setenv("ENGINE_PORT", str(free + 2 if free < 65534 else free - 2))

    assert main(["--check-ports"]) == 0
    assert capsys.readouterr().err == ""


def test_check_ports_fails_on_busy_port(monkeypatch, capsys):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        monkeypatch.setenv("ENGINE_PORT", str(listener.getsockname()[1]))

        assert main(["--check-ports"]) == 1
    assert "set ENGINE_PORT" in capsys.readouterr().err
