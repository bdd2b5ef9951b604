"""Train the Rasa model only when the training data, domain or config changed.

The fingerprint of those files is kept beside the model, so ``make run`` and
``make test`` start at once when nothing changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "models"
MODEL_NAME = "registro"
MODEL = MODEL_DIR / f"{MODEL_NAME}.tar.gz"
FINGERPRINT = MODEL_DIR / "fingerprint.txt"
INPUTS = ["config.yml", "domain.yml", "data", "constraints/rasa.txt"]


def fingerprint() -> str:
    """Hash the files training reads; under data/ only the YAML (not the diagram)."""
    digest = hashlib.sha256()
    for name in INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*.yml") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def main() -> int:
    current = fingerprint()
    if MODEL.exists() and FINGERPRINT.exists() and FINGERPRINT.read_text().strip() == current:
        print(f"model {MODEL.relative_to(ROOT)} is up to date")
        return 0

    print("training data changed: training the Rasa model (a few minutes)...", flush=True)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    command = [
        str(ROOT / ".venv-rasa" / "bin" / "rasa"), "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
        "--out", str(MODEL_DIR), "--fixed-model-name", MODEL_NAME,
    ]
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        print("error: rasa train failed", file=sys.stderr)
        return result.returncode
    FINGERPRINT.write_text(current + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
