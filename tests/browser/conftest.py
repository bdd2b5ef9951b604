"""The whole assistant and a headless Chromium, for tests that use the widget as a visitor.

The stack is started as in ``tests/conversation/conftest.py``: real engine,
action server and application on free loopback ports, with their own database
and outbox. A second small web server on another port plays an organiser's site
that embeds the widget, and its origin is in ``WIDGET_ALLOWED_ORIGINS``.

Chromium is Debian's ``/usr/bin/chromium`` (``scripts/ensure-chromium.sh``
installs it); ``playwright install`` is never needed.

The fixtures are per module: Playwright's sync API keeps an event loop running
in the main thread while it is open, and later tests that call ``asyncio.run``
would fail inside it. The stack stops with the module too.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.launcher import Stack
from bot.settings import PROJECT_ROOT
from tests.stack import running_stack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPORTS_DIR = PROJECT_ROOT / "reports"
# How long actions and assertions wait: a chat turn that calls PayPal can take a
# while on a loaded machine.
TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the organiser's site serves; tests write their pages into it."""
    return tmp_path_factory.mktemp("site")


@pytest.fixture(scope="module")
def embedding_site(site_root: Path) -> Iterator[str]:
    """Serve ``site_root`` on a free loopback port; yield the site's origin."""
    handler = functools.partial(QuietHandler, directory=str(site_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, embedding_site: str) -> Iterator[Stack]:
    var_dir = tmp_path_factory.mktemp("widget-stack") / "var"
    with running_stack(var_dir, {"WIDGET_ALLOWED_ORIGINS": embedding_site}) as running:
        yield running


@pytest.fixture(scope="module")
def outbox(stack: Stack) -> Path:
    return stack.var_dir / "outbox"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements.txt)")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; run scripts/ensure-chromium.sh as root")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-MX")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def phone_context(browser):
    """A 360 x 740 px touch screen, the narrowest common phone width."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="es-MX"
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def reports_dir() -> Path:
    REPORTS_DIR.mkdir(exist_ok=True)
    return REPORTS_DIR
