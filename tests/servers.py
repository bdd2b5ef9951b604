"""Serve an ASGI application on a free 127.0.0.1 port in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

SERVER_START_TIMEOUT_SECONDS = 10.0


def bound_socket() -> socket.socket:
    """Bind port 0 so the OS picks a free port; uvicorn then serves this socket as is."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_in_thread(app, sock: socket.socket | None = None) -> Iterator[str]:
    """Yield the server's origin (``http://127.0.0.1:<port>``) while it runs."""
    sock = sock or bound_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the uvicorn server stopped during start-up; see its log above")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start within {SERVER_START_TIMEOUT_SECONDS} s")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_START_TIMEOUT_SECONDS)
        sock.close()
