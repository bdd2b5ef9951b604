"""Training the models and running `rasa test` on them."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .settings import (
    BILINGUAL_MODEL,
    HELDOUT,
    LANGUAGE_NAMES,
    LANGUAGES,
    OUT,
    PER_LANGUAGE_MODEL,
    RASA,
    ROOT,
    SHARED_NLU,
    TEST_TIMEOUT_SECONDS,
    TRAIN_TIMEOUT_SECONDS,
    TRAINING_NLU,
    EvaluationError,
    rel,
)

def run_rasa(name: str, args: list[str], timeout: int) -> float:
    """Run one Rasa command, writing its output to reports/eval/logs/<name>.log, and return its duration in seconds."""
    log = OUT / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        # A cache of our own, so these trainings neither evict nor race the
        # entries that `make run` and `make test` reuse in .rasa/cache.
        RASA_CACHE_DIRECTORY=str(OUT / "cache"),
    )
    print(f"{name}: rasa {' '.join(args)}", flush=True)
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as output:
        try:
            result = subprocess.run(
                [str(RASA), *args], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, timeout=timeout
            )
        except subprocess.TimeoutExpired as error:
            raise EvaluationError(f"{name} timed out after {timeout} s. Its output is in {rel(log)}.") from error
    seconds = time.monotonic() - started
    if result.returncode != 0:
        tail = "".join(log.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)[-25:])
        raise EvaluationError(f"{name} failed with exit status {result.returncode}. Last lines of {rel(log)}:\n{tail}")
    print(f"{name}: done in {seconds:.0f} s", flush=True)
    return seconds


def train_bilingual() -> float:
    return run_rasa(
        "train-bilingual",
        ["train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
         "--out", rel(OUT), "--fixed-model-name", "model"],
        TRAIN_TIMEOUT_SECONDS,
    )


def train_one_language(lang: str) -> float:
    """Train an NLU-only model on one language's examples and the shared synonyms, regexes and lookup tables.

    The dialogue policies are left out because `rasa test nlu` never uses them.
    """
    with tempfile.TemporaryDirectory(prefix=f"nlu-{lang}-") as directory:
        data = Path(directory)
        shutil.copy(TRAINING_NLU[lang], data / TRAINING_NLU[lang].name)
        for path in SHARED_NLU:
            shutil.copy(path, data / path.name)
        return run_rasa(
            f"train-{lang}",
            ["train", "nlu", "--config", "config.yml", "--domain", "domain.yml", "--nlu", str(data),
             "--out", rel(OUT), "--fixed-model-name", f"model-{lang}"],
            TRAIN_TIMEOUT_SECONDS,
        )


def run_nlu_test(name: str, model: Path, data: Path) -> float:
    out = OUT / name
    shutil.rmtree(out, ignore_errors=True)
    return run_rasa(
        f"test-{name.replace('/', '-')}",
        ["test", "nlu", "--model", rel(model), "--nlu", rel(data), "--out", rel(out), "--successes"],
        TEST_TIMEOUT_SECONDS,
    )


def run_core_test() -> float:
    out = OUT / "core"
    shutil.rmtree(out, ignore_errors=True)
    return run_rasa(
        "test-core",
        ["test", "core", "--model", rel(BILINGUAL_MODEL), "--stories", "tests/stories", "--out", rel(out)],
        TEST_TIMEOUT_SECONDS,
    )


def run_evaluation(skip_training: bool, bilingual_only: bool = False) -> dict[str, float]:
    """Train the models unless skipped, test every setup, and return each step's duration in seconds.

    With `bilingual_only`, the per-language models are neither trained nor
    tested, and their old results are deleted so that a later --report-only
    run cannot mix them with the new bilingual ones.
    """
    durations = {}
    languages = () if bilingual_only else LANGUAGES
    models = [BILINGUAL_MODEL] + [PER_LANGUAGE_MODEL[lang] for lang in languages]
    if skip_training:
        missing = [rel(path) for path in models if not path.exists()]
        if missing:
            raise EvaluationError(
                f"--skip-training needs the trained models, and {', '.join(missing)} is missing. "
                "Run without --skip-training first."
            )
    else:
        durations["train bilingual model"] = train_bilingual()
        for lang in languages:
            durations[f"train {LANGUAGE_NAMES[lang]}-only NLU model"] = train_one_language(lang)

    for lang in LANGUAGES:
        durations[f"test bilingual/{lang}"] = run_nlu_test(f"bilingual/{lang}", BILINGUAL_MODEL, HELDOUT[lang])
    with tempfile.TemporaryDirectory(prefix="heldout-all-") as directory:
        for path in HELDOUT.values():
            shutil.copy(path, Path(directory) / path.name)
        durations["test bilingual/all"] = run_nlu_test("bilingual/all", BILINGUAL_MODEL, Path(directory))
    for lang in languages:
        durations[f"test {lang}-only/{lang}"] = run_nlu_test(f"{lang}-only/{lang}", PER_LANGUAGE_MODEL[lang], HELDOUT[lang])
    if bilingual_only:
        for lang in LANGUAGES:
            shutil.rmtree(OUT / f"{lang}-only", ignore_errors=True)
    durations["test core"] = run_core_test()
    return durations
