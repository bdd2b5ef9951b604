"""Start the whole assistant: web application, action server and Rasa engine.

``make run`` calls ``python -m bot.launcher``; the conversation tests start the
same stack on other ports. Every process binds to 127.0.0.1 and runs in its own
process group, so stopping the stack (Ctrl-C) leaves no process behind.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.settings import PROJECT_ROOT

RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
APP_PYTHON = Path(sys.executable)
START_TIMEOUT_SECONDS = 300
STOP_TIMEOUT_SECONDS = 15


@dataclass
class Ports:
    """Loopback ports of the three servers, changed by APP_PORT, ACTIONS_PORT and ENGINE_PORT."""

    app: int = 8000
    actions: int = 5055
    engine: int = 5005

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Ports:
        """Read the ports from the environment; raise ValueError naming an invalid one."""
        environ = os.environ if environ is None else environ
        defaults = cls()
        values = {}
        for name in ("app", "actions", "engine"):
            variable = f"{name.upper()}_PORT"
            raw = environ.get(variable, "").strip()
            if not raw:
                values[name] = getattr(defaults, name)
                continue
            if not raw.isdigit() or not 1 <= int(raw) <= 65535:
                raise ValueError(f"invalid {variable} {raw!r}: expected a port number from 1 to 65535")
            values[name] = int(raw)
        if len(set(values.values())) < len(values):
            raise ValueError(f"APP_PORT, ACTIONS_PORT and ENGINE_PORT must differ, got {values}")
        return cls(**values)

    def busy(self) -> list[str]:
        """Return a line for each port that another process already listens on."""
        lines = []
        for name, port in (("app", self.app), ("actions", self.actions), ("engine", self.engine)):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                # As the servers do, so that a port left in TIME_WAIT by a stopped stack reads as free.
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    lines.append(f"port {port} ({name}) is in use: stop what listens there or set {name.upper()}_PORT")
        return lines


@dataclass
class Stack:
    """The three processes of the assistant, with their logs under ``var_dir``."""

    ports: Ports = field(default_factory=Ports)
    var_dir: Path = PROJECT_ROOT / "var"
    model: Path = PROJECT_ROOT / "models"
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # Guards the engine's HTTP API; set by ``start``.
    engine_token: str = ""

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.app}"

    @property
    def engine_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.engine}"

    def environment(self, engine_token: str) -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("PUBLIC_URL", f"http://localhost:{self.ports.app}")
        env.update(
            VAR_DIR=str(self.var_dir),
            APP_PORT=str(self.ports.app),
            APP_INTERNAL_URL=self.app_url,
            ENGINE_URL=self.engine_url,
            ENGINE_TOKEN=engine_token,
            SANIC_HOST="127.0.0.1",
            RASA_TELEMETRY_ENABLED="false",
            PYTHONPATH=str(PROJECT_ROOT),
        )
        env.update(self.extra_env)
        return env

    def write_endpoints(self) -> Path:
        """Write the engine's endpoints file for these ports and this var folder."""
        run_dir = self.var_dir / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        path = run_dir / "endpoints.yml"
        path.write_text(
            "action_endpoint:\n"
            f'  url: "http://127.0.0.1:{self.ports.actions}/webhook"\n'
            "nlg:\n"
            f'  url: "http://127.0.0.1:{self.ports.app}/nlg"\n'
            "tracker_store:\n"
            "  type: SQL\n"
            "  dialect: sqlite\n"
            f"  db: {self.var_dir / 'tracker.db'}\n",
            encoding="utf-8",
        )
        return path

    def start(self) -> None:
        # Hex, because a token starting with "-" would read as an option on the command line.
        # NOTE: rasa run takes the token only as an argument, so local users can see it
        # in the process list. It guards the engine's HTTP API, which listens on loopback.
        engine_token = secrets.token_hex(24)
        self.engine_token = engine_token
        env = self.environment(engine_token)
        logs = self.var_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        endpoints = self.write_endpoints()

        commands = {
            "app": [str(APP_PYTHON), "-m", "bot.web.app"],
            "actions": [str(APP_PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.ports.actions)],
            "engine": [
                str(RASA), "run", "--enable-api", "--auth-token", engine_token,
                "--interface", "127.0.0.1", "--port", str(self.ports.engine),
                "--model", str(self.model), "--endpoints", str(endpoints),
                "--credentials", str(PROJECT_ROOT / "credentials.yml"),
            ],
        }
        if env.get("TELEGRAM_BOT_TOKEN") and env.get("TELEGRAM_MODE", "webhook").strip().lower() == "polling":
            commands["telegram"] = [str(APP_PYTHON), "-m", "bot.channels.telegram_polling"]
        for name, command in commands.items():
            log = open(logs / f"{name}.log", "ab")
            self.processes[name] = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
            log.close()

    def wait_until_ready(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        """Block until every server responds; raise RuntimeError naming the one that did not."""
        checks = {
            "app": f"{self.app_url}/healthz",
            "actions": f"http://127.0.0.1:{self.ports.actions}/health",
            "engine": f"{self.engine_url}/webhooks/rest/",
        }
        deadline = time.monotonic() + timeout
        for name, process in self.processes.items():
            if name not in checks and process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode}; see {self.var_dir / 'logs' / (name + '.log')}")
        for name, url in checks.items():
            while True:
                process = self.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with code {process.returncode}; see {self.var_dir / 'logs' / (name + '.log')}"
                    )
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not respond at {url} within {timeout:.0f} s")
                time.sleep(0.5)

    def stop(self) -> None:
        """Terminate every process group, then kill what is left after a grace period."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in self.processes.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


def print_welcome(stack: Stack) -> None:
    chat_command = "make chat" if stack.ports.app == Ports.app else f"APP_PORT={stack.ports.app} make chat"
    print(
        f"""
Registro por chat is running.

  Open the event page and its chat widget:  {stack.app_url.replace("127.0.0.1", "localhost")}/
  Chat in a terminal:  {chat_command}

  REST channel, for other clients (a token per sender id):
    TOKEN=$(.venv/bin/python -m bot.cli rest-token ana)
    curl -s -X POST {stack.app_url.replace("127.0.0.1", "localhost")}/webhooks/rest/webhook \\
         -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
         -d '{{"sender": "ana", "message": "hola"}}'

  Verification codes and confirmations: {stack.var_dir / 'outbox'} (one .eml file per email)
  PayPal: the built-in simulator (the payment link opens its approval page; no real money)
  Logs: {stack.var_dir / 'logs'}

Press Ctrl-C to stop.
""",
        flush=True,
    )


def free_ports() -> Ports | None:
    """Return the configured ports when all are valid and free; print why not and return None otherwise."""
    try:
        ports = Ports.from_environment()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return None
    busy = ports.busy()
    if busy:
        print("\n".join(f"error: {line}" for line in busy), file=sys.stderr)
        return None
    return ports


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    ports = free_ports()
    if ports is None:
        return 1
    # `make run` checks first, so that a second copy stops before it touches the database.
    if arguments == ["--check-ports"]:
        return 0
    stack = Stack(ports=ports)

    def request_stop(signum, frame):
        raise KeyboardInterrupt

    # A shell that starts this in the background may have set SIGINT to ignored;
    # Ctrl-C and `kill -INT` must still stop the stack.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        print("Starting the application, the action server and the Rasa engine...", flush=True)
        stack.start()
        stack.wait_until_ready()
        print_welcome(stack)
        while True:
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(f"{name} stopped with code {process.returncode}; stopping the rest.", file=sys.stderr)
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
