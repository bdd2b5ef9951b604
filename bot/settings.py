"""Settings read from the environment once, typed and checked at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

PAYPAL_MODES = ("simulator", "sandbox", "live")
PAYPAL_API_URLS = {
    "sandbox": "https://api-m.sandbox.paypal.com",
    "live": "https://api-m.paypal.com",
}
# Credentials and webhook id the built-in simulator accepts; they are not secrets.
SIMULATOR_CLIENT_ID = "simulator-client-id"
SIMULATOR_CLIENT_SECRET = "simulator-client-secret"
SIMULATOR_WEBHOOK_ID = "SIMULATOR-WEBHOOK-ID"


class SettingsError(ValueError):
    """Raised when an environment variable is missing or invalid."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    public_url: str
    engine_url: str
    paypal_mode: str
    paypal_client_id: str
    paypal_client_secret: str
    paypal_webhook_id: str
    paypal_timeout_seconds: float
    # URL the simulator delivers its webhook events to (default: this application).
    simulator_webhook_url: str
    outbox_dir: Path
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    mail_from: str
    seat_hold_minutes: int
    reconcile_interval_seconds: int
    default_event_slug: str
    secret_key: str

    @property
    def paypal_base_url(self) -> str:
        if self.paypal_mode == "simulator":
            return f"{self.public_url}/paypal-sim"
        return PAYPAL_API_URLS[self.paypal_mode]


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from error


def load_settings() -> Settings:
    """Build the settings from the environment; raise ``SettingsError`` when invalid."""
    var_dir = Path(os.environ.get("VAR_DIR", PROJECT_ROOT / "var"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'registrations.db'}"

    paypal_mode = os.environ.get("PAYPAL_MODE", "simulator").strip().lower()
    if paypal_mode not in PAYPAL_MODES:
        raise SettingsError(f"PAYPAL_MODE must be one of {', '.join(PAYPAL_MODES)}, got {paypal_mode!r}")
    if paypal_mode == "simulator":
        client_id, client_secret = SIMULATOR_CLIENT_ID, SIMULATOR_CLIENT_SECRET
        webhook_id = SIMULATOR_WEBHOOK_ID
    else:
        client_id = os.environ.get("PAYPAL_CLIENT_ID", "")
        client_secret = os.environ.get("PAYPAL_CLIENT_SECRET", "")
        webhook_id = os.environ.get("PAYPAL_WEBHOOK_ID", "")
        if not client_id or not client_secret or not webhook_id:
            raise SettingsError(
                f"PAYPAL_MODE={paypal_mode} needs PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and "
                "PAYPAL_WEBHOOK_ID (from the PayPal developer dashboard, Apps & Credentials)"
            )

    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if paypal_mode == "live":
            raise SettingsError("SECRET_KEY must be set to a long random value when PAYPAL_MODE=live")
        secret_key = "development-only-secret"

    public_url = os.environ.get("PUBLIC_URL", "http://localhost:8000").rstrip("/")
    return Settings(
        database_url=database_url,
        public_url=public_url,
        engine_url=os.environ.get("ENGINE_URL", "http://127.0.0.1:5005").rstrip("/"),
        paypal_mode=paypal_mode,
        paypal_client_id=client_id,
        paypal_client_secret=client_secret,
        paypal_webhook_id=webhook_id,
        paypal_timeout_seconds=float(os.environ.get("PAYPAL_TIMEOUT_SECONDS") or 10),
        simulator_webhook_url=os.environ.get("PAYPAL_SIMULATOR_WEBHOOK_URL")
        or f"{public_url}/paypal/webhook",
        outbox_dir=Path(os.environ.get("OUTBOX_DIR", var_dir / "outbox")),
        smtp_host=os.environ.get("SMTP_HOST") or None,
        smtp_port=_int("SMTP_PORT", 587),
        smtp_user=os.environ.get("SMTP_USER") or None,
        smtp_password=os.environ.get("SMTP_PASSWORD") or None,
        smtp_starttls=os.environ.get("SMTP_STARTTLS", "true").lower() != "false",
        mail_from=os.environ.get("MAIL_FROM", "Registro <registro@localhost>"),
        seat_hold_minutes=_int("SEAT_HOLD_MINUTES", 30),
        reconcile_interval_seconds=_int("RECONCILE_INTERVAL_SECONDS", 300),
        default_event_slug=os.environ.get("DEFAULT_EVENT", "cumbre-2027"),
        secret_key=secret_key,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
