"""The ``Origin`` check of the widget's endpoints, against the sites allowed to embed the widget.

The organiser chooses the sites that may host the widget. Browsers send
``Origin`` on every WebSocket handshake and on cross-origin requests, and a page
cannot change it, so checking it keeps pages of other sites from using the
assistant through their visitors' browsers (cross-site WebSocket hijacking, RFC
6455 section 10.2). A program can send any ``Origin``: this is no authentication,
which is the session token's job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.settings import SettingsError

ALLOWED_ORIGINS_VARIABLE = "WIDGET_ALLOWED_ORIGINS"
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_origin(value: str) -> str | None:
    """Return ``scheme://host[:port]`` in lower case without a default port, or None when
    ``value`` is not an http(s) origin (a path, a query or ``null`` make it invalid)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    origin = f"{parts.scheme}://{parts.hostname.lower()}"
    if port is not None and port != DEFAULT_PORTS[parts.scheme]:
        origin += f":{port}"
    return origin


def parse_allowed_origins(raw: str) -> frozenset[str]:
    """Parse a comma-separated list of origins; raise ``SettingsError`` on an invalid one."""
    origins = set()
    for item in raw.split(","):
        if not item.strip():
            continue
        origin = normalise_origin(item)
        if origin is None:
            raise SettingsError(
                f"{ALLOWED_ORIGINS_VARIABLE} contains {item.strip()!r}, which is not an origin; "
                "write scheme, host and port only, e.g. https://www.example.org,https://example.org:8443"
            )
        origins.add(origin)
    return frozenset(origins)


@dataclass(frozen=True)
class OriginPolicy:
    """The origins allowed to use the widget: the application's own plus the configured ones."""

    allowed: frozenset[str]
    public_origin: str | None

    @classmethod
    def from_environment(cls, public_url: str) -> OriginPolicy:
        return cls(
            allowed=parse_allowed_origins(os.environ.get(ALLOWED_ORIGINS_VARIABLE, "")),
            public_origin=normalise_origin(public_url),
        )

    def is_same_origin(self, origin: str, host: str | None) -> bool:
        """Tell whether ``origin`` is the application itself, as ``PUBLIC_URL`` or as the
        host the browser connected to (``localhost`` and ``127.0.0.1`` both work locally)."""
        if origin == self.public_origin:
            return True
        return bool(host) and urlsplit(origin).netloc == host.lower()

    def allows(self, origin: str | None, host: str | None) -> bool:
        """Tell whether a request with this ``Origin`` and ``Host`` header may use the widget.

        A request without ``Origin`` comes from a program, not from a web page, and
        is allowed: the check protects visitors' browsers, and a program can send
        any header it likes anyway.
        """
        if origin is None:
            return True
        normalised = normalise_origin(origin)
        if normalised is None:
            return False
        return normalised in self.allowed or self.is_same_origin(normalised, host)

    def cors_headers(self, origin: str | None, host: str | None) -> dict[str, str]:
        """Return the CORS response headers for an allowed cross-origin request, else none."""
        if origin is None or not self.allows(origin, host):
            return {}
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
