"""Writing the NLU section of docs/benchmarks.md and reports/eval/summary.json."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from .heldout import measured_entities
from .metrics import NluResult, entity_f1, fallback_threshold, noise_margin, read_json
from .settings import (
    BEGIN_MARKER,
    BENCHMARKS,
    END_MARKER,
    ENTITY_ERRORS_SHOWN,
    ENTITY_F1_TARGET,
    EXAMPLES_PER_CONFUSION,
    INTENT_MACRO_F1_TARGET,
    LANGUAGE_NAMES,
    LANGUAGES,
    NLU_SETUPS,
    RASA_VENV,
    SHARED_NLU,
    SUMMARY,
    WORST_INTENTS_SHOWN,
    rel,
)

def machine_facts() -> dict[str, str]:
    def first_line(command: list[str]) -> str:
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
        return (result.stdout or result.stderr).strip().splitlines()[0] if result.returncode == 0 else "unknown"

    rasa_python = str(RASA_VENV / "bin" / "python")
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                    if line.startswith("model name")), "unknown")
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kilobytes / 1024 ** 2:.0f} GiB"
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "rasa": first_line([rasa_python, "-c", "from importlib.metadata import version; print(version('rasa'))"]),
        "rasa_python": first_line([rasa_python, "--version"]).replace("Python ", ""),
        "script_python": platform.python_version(),
    }


def f1_cell(row: dict | None) -> str:
    if not row:
        return "n/a"
    return f"{row['f1-score']:.3f} ({int(row['support'])})"


def confusions_of(result: NluResult, intent: str) -> list[tuple[str, list[str]]]:
    """Return the intents that `intent`'s messages were taken for, most frequent first, with their messages."""
    taken_for: dict[str, list[str]] = {}
    for error in result.errors:
        if error["intent"] == intent:
            taken_for.setdefault(error["intent_prediction"]["name"], []).append(error["text"])
    return sorted(taken_for.items(), key=lambda item: -len(item[1]))


def mistaken_for(result: NluResult, intent: str) -> Counter:
    """Count the other intents whose messages were predicted as `intent`."""
    return Counter(error["intent"] for error in result.errors if error["intent_prediction"]["name"] == intent)


def render_worst_intents(result: NluResult) -> list[str]:
    ranked = sorted(result.intents.items(), key=lambda item: (item[1]["f1-score"], item[0]))
    lines = []
    for intent, row in ranked[:WORST_INTENTS_SHOWN]:
        lines.append(
            f"- **{intent}**: F1 {row['f1-score']:.3f}, precision {row['precision']:.3f}, "
            f"recall {row['recall']:.3f}, {int(row['support'])} messages."
        )
        for predicted, texts in confusions_of(result, intent)[:3]:
            quoted = ", ".join(f"`{text}`" for text in texts[:EXAMPLES_PER_CONFUSION])
            lines.append(f"  - taken for {predicted} {len(texts)}×, e.g. {quoted}")
        others = mistaken_for(result, intent)
        if others:
            counts = ", ".join(f"{name} {count}×" for name, count in others.most_common(3))
            lines.append(f"  - messages of other intents taken for {intent}: {counts}")
    return lines


def spans_of(error: dict, key: str, name: str) -> list[str]:
    """Return the message text of each `name` entity under `key` ("entities" or "predicted_entities")."""
    return [error["text"][entity["start"]:entity["end"]] for entity in error.get(key) or [] if entity["entity"] == name]


def quote_spans(spans: list[str]) -> str:
    return ", ".join(f"`{span}`" for span in spans) or "none"


def render_entity_errors(result: NluResult, names: list[str]) -> list[str]:
    """Show a few messages where a below-target entity was missed or wrongly found."""
    lines = []
    for name in names:
        listed = 0
        for error in result.entity_errors:
            expected = spans_of(error, "entities", name)
            predicted = spans_of(error, "predicted_entities", name)
            if expected == predicted:
                continue
            lines.append(
                f"- {name} in `{error['text']}`: expected {quote_spans(expected)}, "
                f"predicted {quote_spans(predicted)}"
            )
            listed += 1
            if listed == ENTITY_ERRORS_SHOWN:
                break
    return lines


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def render_header(measurement: dict, misses: list[str]) -> list[str]:
    facts = measurement["machine"]
    lines = [
        BEGIN_MARKER,
        "## Language understanding (NLU)",
        "",
        f"Measured on {measurement['measured_at']} with `{measurement['command']}` (`make eval`), Rasa "
        f"{facts['rasa']} on Python {facts['rasa_python']}. The script ran on Python {facts['script_python']}. "
        f"Machine: {facts['cores']} cores ({facts['cpu']}), {facts['memory']} RAM, {facts['os']}, shared with "
        f"other test runs.",
        "",
        "The held-out sets `tests/nlu/heldout_es.yml` and `tests/nlu/heldout_en.yml` were written apart from "
        "the training data and are never trained on. Targets for the bilingual model, the one the assistant "
        f"runs, in each language: intent macro F1 ≥ {INTENT_MACRO_F1_TARGET:.2f} and F1 ≥ "
        f"{ENTITY_F1_TARGET:.2f} for every entity.",
        "",
    ]
    if misses:
        return lines + ["**Targets not met:**", ""] + [f"- {miss}" for miss in misses] + [""]
    return lines + ["**Targets met** in both languages.", ""]


def render_language_table(results: dict[str, NluResult], entity_names: list[str]) -> list[str]:
    header = ["Held-out set", "Messages", "Intent accuracy", "Intent macro F1",
              "Median confidence when wrong", "Below fallback threshold"]
    header += [f"{name} F1" for name in entity_names]
    rows = []
    for lang in LANGUAGES:
        result = results[f"bilingual/{lang}"]
        median = result.median_wrong_confidence
        row = [LANGUAGE_NAMES[lang], str(result.examples), f"{result.accuracy:.3f}", f"{result.macro_f1:.3f}",
               "n/a" if median is None else f"{median:.2f}",
               f"{result.low_confidence} ({result.low_confidence / max(result.examples, 1):.1%})"]
        rows.append(row + [f1_cell(result.entities.get(name)) for name in entity_names])
    threshold = fallback_threshold()
    return ["### Bilingual model, per language", ""] + table(header, rows) + [
        "",
        "Entity cells give F1 and, in brackets, the number of annotated tokens. \"Below fallback threshold\" "
        f"counts messages whose top intent scored under the FallbackClassifier threshold ({threshold}). The "
        "assistant offers those attendees the two likeliest meanings as buttons, while `rasa test nlu` scores "
        "the top intent anyway. The "
        "count leaves out the classifier's ambiguity rule (top two intents within 0.1), so it is a lower bound. "
        "A high median confidence when wrong means the fallback does not catch the model's mistakes.",
        "",
    ]


def render_intent_table(results: dict[str, NluResult], intents: list[str]) -> list[str]:
    columns = [("bilingual/es", "es, bilingual"), ("es-only/es", "es, Spanish-only"),
               ("bilingual/en", "en, bilingual"), ("en-only/en", "en, English-only")]
    rows = []
    for intent in intents:
        rows.append([intent] + [f1_cell(results[key].intents.get(intent)) for key, _ in columns])
    return ["### Intent F1", ""] + table(["Intent"] + [title for _, title in columns], rows) + [
        "",
        "Cells give F1 and, in brackets, the number of held-out messages.",
        "",
    ]


def render_worst(results: dict[str, NluResult], entity_names: list[str]) -> list[str]:
    lines = ["### Worst-understood intents", ""]
    for lang in LANGUAGES:
        result = results[f"bilingual/{lang}"]
        lines += [f"{LANGUAGE_NAMES[lang]}, bilingual model:", ""] + render_worst_intents(result) + [""]
        weak = [name for name in entity_names if result.entities.get(name, {}).get("f1-score", 0.0) < ENTITY_F1_TARGET]
        if weak:
            lines += [f"{LANGUAGE_NAMES[lang]} entities below target, with a few of their errors:", ""]
            lines += render_entity_errors(result, weak) + [""]
    return lines


def render_stories(core: dict) -> list[str]:
    lines = ["### Test stories", ""]
    if not core["total"]:
        return lines + ["`rasa test core` reported no stories.", ""]
    status = "all pass" if not core["failed"] else f"failed: {', '.join(core['failed'])}"
    return lines + [
        f"`rasa test core --stories tests/stories` with the bilingual model: {core['correct']} of "
        f"{core['total']} stories correct ({status}). Action-level accuracy is {core['action_accuracy']:.3f}.",
        "",
    ]


def comparison_rows(results: dict[str, NluResult], entity_names: list[str]) -> list[str]:
    setups = [
        ("bilingual", "bilingual/es", "es"),
        ("bilingual", "bilingual/en", "en"),
        ("bilingual", "bilingual/all", "es + en"),
        ("Spanish only", "es-only/es", "es"),
        ("English only", "en-only/en", "en"),
    ]
    header = ["Model (training data)", "Held-out set", "Intent accuracy", "Intent macro F1"]
    header += [f"{name} F1" for name in entity_names]
    rows = []
    for model, key, heldout in setups:
        result = results[key]
        row = [model, heldout, f"{result.accuracy:.3f}", f"{result.macro_f1:.3f}"]
        rows.append(row + [f1_cell(result.entities.get(name)) for name in entity_names])
    return table(header, rows)


def describe_entity_changes(bilingual: NluResult, alone: NluResult, entity_names: list[str]) -> str:
    changes, beyond = [], []
    for name in entity_names:
        change = entity_f1(alone, name) - entity_f1(bilingual, name)
        support = int(bilingual.entities.get(name, {}).get("support", 0))
        changes.append(f"{name} {change:+.3f}")
        if abs(change) > noise_margin(entity_f1(bilingual, name), entity_f1(alone, name), support):
            beyond.append(name)
    verdict = f"beyond the noise margin for {', '.join(beyond)}" if beyond else "each within its noise margin"
    return f"{', '.join(changes)}, {verdict}"


def comparison_conclusion(results: dict[str, NluResult], entity_names: list[str]) -> str:
    """Write the bilingual-versus-per-language paragraph from the measured figures."""
    sentences, better_alone = [], []
    for lang in LANGUAGES:
        name = LANGUAGE_NAMES[lang]
        bilingual, alone = results[f"bilingual/{lang}"], results[f"{lang}-only/{lang}"]
        delta = alone.macro_f1 - bilingual.macro_f1
        margin = noise_margin(bilingual.accuracy, alone.accuracy, bilingual.examples)
        if delta > margin:
            judgement = f"beyond the noise margin of ±{margin:.3f}, in favour of the {name}-only model"
            better_alone.append(name)
        elif -delta > margin:
            judgement = f"beyond the noise margin of ±{margin:.3f}, in favour of the bilingual model"
        else:
            judgement = f"within the noise margin of ±{margin:.3f}"
        sentences.append(
            f"In {name}, intent macro F1 is {bilingual.macro_f1:.3f} for the bilingual model and "
            f"{alone.macro_f1:.3f} for the {name}-only one, a difference of {delta:+.3f}, {judgement}. "
            f"Entity F1 of the {name}-only model differs by {describe_entity_changes(bilingual, alone, entity_names)}."
        )
    if better_alone:
        verdict = (
            f"A separate model understands {' and '.join(better_alone)} better. Switching would need a second "
            "engine and routing every message by language, so first add training examples where the bilingual "
            "model confuses intents, then measure again."
        )
    else:
        verdict = (
            "No separate model is better beyond noise, so the bilingual model stays: one training, one engine, "
            "and messages that mix both languages reach one classifier."
        )
    setup = (
        "The per-language models are NLU-only, trained with the same config.yml and domain.yml on one language "
        f"file plus the shared {' and '.join(path.name for path in SHARED_NLU)}. Each noise margin is twice the "
        "standard error of the difference, from the number of held-out messages or annotated tokens, so small "
        "entity sets get wide margins."
    )
    return " ".join(sentences) + " " + setup + " " + verdict


def render_comparison(results: dict[str, NluResult], entity_names: list[str]) -> list[str]:
    return ["### Bilingual or per-language models", ""] + comparison_rows(results, entity_names) + [
        "", comparison_conclusion(results, entity_names), ""
    ]


def render_files(durations: dict[str, float]) -> list[str]:
    lines = ["### Files", "", "Each run writes these under `reports/eval/`, which git ignores:", ""]
    for key in NLU_SETUPS:
        folder = f"../reports/eval/{key}"
        lines.append(
            f"- {key}: [intent confusion matrix]({folder}/intent_confusion_matrix.png), "
            f"[entity confusion matrix]({folder}/DIETClassifier_confusion_matrix.png), "
            f"[intent errors]({folder}/intent_errors.json)"
        )
    lines.append(
        "- test stories: [story confusion matrix](../reports/eval/core/story_confusion_matrix.png), "
        "[failed stories](../reports/eval/core/failed_test_stories.yml)"
    )
    if durations:
        lines += ["", "Durations of the steps, in minutes:", ""]
        lines += [f"- {name}: {seconds / 60:.1f}" for name, seconds in durations.items()]
        lines += [
            "",
            "Trainings reuse Rasa's cache in `reports/eval/cache`, so a run with unchanged data, domain and config "
            "trains in seconds and gives the same models.",
        ]
    return lines


def render_section(results: dict[str, NluResult], core: dict, domain: dict, measurement: dict,
                   misses: list[str]) -> str:
    entity_names = measured_entities(domain)
    lines = render_header(measurement, misses)
    unmeasured = [name for name in domain["entities"] if name not in entity_names]
    if unmeasured:
        lines += [
            f"Not measured: {', '.join(unmeasured)}, because no training example annotates them, "
            "so the model never extracts them from text.",
            "",
        ]
    lines += render_language_table(results, entity_names)
    lines += render_intent_table(results, list(domain["intents"]))
    lines += render_worst(results, entity_names)
    lines += render_stories(core)
    lines += render_comparison(results, entity_names)
    lines += render_files(measurement["durations"])
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def write_benchmarks(section: str) -> None:
    """Replace the generated section of docs/benchmarks.md, keeping every other section."""
    if BENCHMARKS.exists():
        text = BENCHMARKS.read_text(encoding="utf-8")
    else:
        text = "# Benchmarks\n\nMeasured figures, one section per benchmark, each with its command and machine.\n"
    pattern = re.compile(re.escape(BEGIN_MARKER) + r".*?" + re.escape(END_MARKER) + r"\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARKS.write_text(text, encoding="utf-8")


def write_summary(results: dict[str, NluResult], core: dict, misses: list[str], measurement: dict) -> None:
    summary = {
        "measurement": measurement,
        "setups": {
            key: {
                "examples": result.examples,
                "intent_accuracy": result.accuracy,
                "intent_macro_f1": result.macro_f1,
                "below_fallback_threshold": result.low_confidence,
                "intent_f1": {name: row["f1-score"] for name, row in result.intents.items()},
                "entity_f1": {name: row["f1-score"] for name, row in result.entities.items()},
            }
            for key, result in results.items()
        },
        "test_stories": core,
        "targets_missed": misses,
    }
    SUMMARY.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def new_measurement(argv: list[str], durations: dict[str, float]) -> dict:
    return {
        "measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join([rel(Path(sys.executable)), "scripts/evaluate.py", *argv]),
        "durations": durations,
        "machine": machine_facts(),
    }


def previous_measurement() -> dict:
    """Return when and how the results in reports/eval/ were measured, for --report-only."""
    return read_json(SUMMARY)["measurement"]
