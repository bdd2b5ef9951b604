"""A second open event in the running stack, for tests of choosing among several events."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime

import pytest
import yaml
from sqlalchemy import create_engine, text

from bot.events import DEMO_EVENT_FILE
from bot.launcher import Stack
from bot.settings import PROJECT_ROOT

WORKSHOP_SLUG = "taller-datos-2027"
WORKSHOP_NAME = {"es": "Taller de Datos Abiertos 2027", "en": "Open Data Workshop 2027"}
WORKSHOP_VENUE = "Biblioteca Vasconcelos"
# Closing time written when the fixture ends, so later tests see the demo event as the only open one.
CLOSED_AT = datetime(2000, 1, 1)


def workshop_event() -> dict:
    """Return the demo event's data changed into a one-day workshop with its own tickets."""
    data = yaml.safe_load(DEMO_EVENT_FILE.read_text(encoding="utf-8"))
    data.update(
        slug=WORKSHOP_SLUG,
        name=WORKSHOP_NAME,
        starts_on="2027-06-10",
        ends_on="2027-06-10",
        registration_closes_at="2027-06-08 23:59",
        venue=WORKSHOP_VENUE,
        address="Eje 1 Norte s/n, Buenavista, Ciudad de México",
        directions={"es": "Junto a la estación Buenavista del Tren Suburbano.",
                    "en": "Next to the Buenavista suburban train station."},
        keywords=["taller", "workshop", "taller de datos"],
        contact_email="taller@datos-abiertos.example",
        code_prefix="TALLER",
        faq=[],
        ticket_types=[
            {
                "code": "profesional",
                "name": {"es": "Profesional", "en": "Professional"},
                "price": "800.00",
                "capacity": 50,
                "synonyms": ["profesional", "professional"],
            },
            {
                "code": "becario",
                "name": {"es": "Becario", "en": "Scholarship"},
                "price": "0.00",
                "capacity": 10,
                "synonyms": ["becario", "beca", "scholarship"],
            },
        ],
    )
    return data


@pytest.fixture(scope="module")
def second_event(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Load the workshop with the administration command, and close its registration at teardown."""
    path = tmp_path_factory.mktemp("events") / f"{WORKSHOP_SLUG}.yml"
    path.write_text(yaml.safe_dump(workshop_event(), allow_unicode=True), encoding="utf-8")
    env = {**os.environ, **stack.extra_env, "VAR_DIR": str(stack.var_dir)}
    loaded = subprocess.run(
        [sys.executable, "-m", "bot.cli", "load-event", str(path)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
    )
    assert loaded.returncode == 0, loaded.stderr
    try:
        yield WORKSHOP_SLUG
    finally:
        close_registration(stack, WORKSHOP_SLUG)


def close_registration(stack: Stack, slug: str) -> None:
    engine = create_engine(stack.extra_env["DATABASE_URL"])
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE events SET registration_closes_at = :closed WHERE slug = :slug"),
                {"closed": CLOSED_AT, "slug": slug},
            )
    finally:
        engine.dispose()
