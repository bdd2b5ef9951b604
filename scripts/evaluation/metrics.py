"""Reading the figures of `rasa test` runs and comparing them with the targets."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path

import yaml

from .heldout import measured_entities
from .settings import (
    AVERAGES,
    ENTITY_F1_TARGET,
    INTENT_MACRO_F1_TARGET,
    LANGUAGE_NAMES,
    LANGUAGES,
    OUT,
    ROOT,
    EvaluationError,
    rel,
)

@dataclass
class NluResult:
    """Figures of one `rasa test nlu` run, read from its output folder."""

    examples: int
    accuracy: float
    macro_f1: float
    intents: dict[str, dict]
    entities: dict[str, dict]
    errors: list[dict]
    entity_errors: list[dict]
    low_confidence: int = 0

    @property
    def median_wrong_confidence(self) -> float | None:
        """Median confidence of the wrong intent predictions, None when there are none."""
        scores = [error["intent_prediction"].get("confidence") or 0.0 for error in self.errors]
        return statistics.median(scores) if scores else None


def read_json(path: Path, default=None):
    if not path.exists():
        if default is not None:
            return default
        raise EvaluationError(f"{rel(path)} not found. Run scripts/evaluate.py without --report-only to produce it.")
    return json.loads(path.read_text(encoding="utf-8"))


def read_nlu_result(name: str, fallback_threshold: float) -> NluResult:
    folder = OUT / name
    report = read_json(folder / "intent_report.json")
    intents = {label: row for label, row in report.items() if isinstance(row, dict) and label not in AVERAGES}
    entity_report = read_json(folder / "DIETClassifier_report.json", default={})
    entities = {label: row for label, row in entity_report.items() if isinstance(row, dict) and label not in AVERAGES}
    errors = read_json(folder / "intent_errors.json", default=[])
    successes = read_json(folder / "intent_successes.json", default=[])
    predictions = [item["intent_prediction"] for item in errors + successes]
    return NluResult(
        examples=len(predictions),
        accuracy=len(successes) / max(len(predictions), 1),
        macro_f1=report["macro avg"]["f1-score"],
        intents=intents,
        entities=entities,
        errors=errors,
        entity_errors=read_json(folder / "DIETClassifier_errors.json", default=[]),
        low_confidence=sum(1 for prediction in predictions if (prediction.get("confidence") or 0) < fallback_threshold),
    )


def read_core_result() -> dict:
    folder = OUT / "core"
    report = read_json(folder / "story_report.json")
    failed_file = folder / "failed_test_stories.yml"
    failed = []
    if failed_file.exists():
        document = yaml.safe_load(failed_file.read_text(encoding="utf-8")) or {}
        failed = [story.get("story", "?") for story in document.get("stories") or []]
    conversations = report.get("conversation_accuracy", {})
    return {
        "correct": conversations.get("correct", 0),
        "total": conversations.get("total", 0),
        "action_accuracy": report.get("accuracy"),
        "failed": failed,
    }


def fallback_threshold() -> float:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    for component in config.get("pipeline") or []:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return 0.0


def missed_targets(results: dict[str, NluResult], domain: dict) -> list[str]:
    """List every target the bilingual model misses, per language."""
    misses = []
    for lang in LANGUAGES:
        result = results[f"bilingual/{lang}"]
        if result.macro_f1 < INTENT_MACRO_F1_TARGET:
            misses.append(
                f"{LANGUAGE_NAMES[lang]}: intent macro F1 {result.macro_f1:.3f} is below {INTENT_MACRO_F1_TARGET:.2f}"
            )
        for name in measured_entities(domain):
            score = result.entities.get(name, {}).get("f1-score", 0.0)
            if score < ENTITY_F1_TARGET:
                misses.append(f"{LANGUAGE_NAMES[lang]}: entity {name} F1 {score:.3f} is below {ENTITY_F1_TARGET:.2f}")
    return misses


def noise_margin(first: float, second: float, count: int) -> float:
    """Return twice the standard error of the difference between two proportions measured on `count` items.

    It is an unpaired approximation, applied to F1 as well as accuracy. A smaller
    difference is within what re-sampling the held-out messages could produce.
    """
    variance = (first * (1 - first) + second * (1 - second)) / max(count, 1)
    return 2 * math.sqrt(variance)


def entity_f1(result: NluResult, name: str) -> float:
    return result.entities.get(name, {}).get("f1-score", 0.0)
