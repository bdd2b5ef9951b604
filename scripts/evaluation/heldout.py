"""Checks that the held-out sets cover the domain and share no example with the training data.

Lookup table entries count as training data too, because an entry equal to a
held-out message would show the model that message's intent.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from .settings import HELDOUT, MIN_EXAMPLES_PER_ENTITY, MIN_EXAMPLES_PER_INTENT, ROOT, rel

# Rasa's inline annotation: [text](entity) or [text]{"entity": ..., "value": ...}.
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<entity>[^)]+)\)|\{(?P<json>[^}]+)\})")


@dataclass
class Example:
    text: str
    intent: str
    entities: list[str]
    source: Path


def parse_annotated(line: str) -> tuple[str, list[str]]:
    """Return the plain text of an annotated example and its entity names."""
    entities = []

    def replace(match: re.Match) -> str:
        if match.group("entity"):
            entities.append(match.group("entity").split(":")[0])
        else:
            entities.append(json.loads("{" + match.group("json") + "}")["entity"])
        return match.group("text")

    return ANNOTATION.sub(replace, line), entities


def _nlu_items(path: Path, kind: str) -> list[tuple[str, list[str]]]:
    """Return the name and entry lines of every ``kind`` block ("intent", "lookup") in an NLU file."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = []
    for item in document.get("nlu") or []:
        if kind not in item:
            continue
        lines = [line.strip()[2:].strip() for line in (item.get("examples") or "").splitlines()
                 if line.strip().startswith("- ")]
        items.append((item[kind], lines))
    return items


def load_examples(path: Path) -> list[Example]:
    examples = []
    for intent, lines in _nlu_items(path, "intent"):
        for line in lines:
            text, entities = parse_annotated(line)
            examples.append(Example(text, intent, entities, path))
    return examples


def load_lookup_entries(path: Path) -> list[Example]:
    """Return the entries of every lookup table in a training file, labelled with the table's name."""
    return [Example(entry, f"lookup table {table}", [], path)
            for table, entries in _nlu_items(path, "lookup") for entry in entries]


def normalise(text: str) -> str:
    """Fold case, accents and punctuation away, so near-identical messages compare equal.

    Emoji count as punctuation, except in a message made only of emoji.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.sub(r"[\W_]+", " ", without_accents.casefold()).split()
    return " ".join(words) or "".join(text.split())


def measured_entities(domain: dict) -> list[str]:
    """Return the domain's entities that some training example annotates, in domain order.

    The others (such as ones set only by button payloads) are never extracted
    from text, so the held-out sets need not annotate them and no F1 target
    applies to them.
    """
    annotated = {name for path in (ROOT / "data").rglob("*.yml") for example in load_examples(path)
                 for name in example.entities}
    return [name for name in domain["entities"] if name in annotated]


def check_heldout(domain: dict) -> list[str]:
    """Return every problem found in the held-out sets, or an empty list when they are usable."""
    training = {}
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for example in load_examples(path) + load_lookup_entries(path):
            training.setdefault(normalise(example.text), example)

    problems = []
    seen: dict[str, Example] = {}
    for lang, path in HELDOUT.items():
        if not path.exists():
            problems.append(f"{rel(path)}: missing")
            continue
        examples = load_examples(path)
        problems += check_coverage(lang, examples, domain)
        for example in examples:
            key = normalise(example.text)
            if key in training:
                match = training[key]
                problems.append(
                    f"{rel(path)}: {example.text!r} ({example.intent}) repeats training example "
                    f"{match.text!r} ({match.intent}) in {rel(match.source)}. Write a new message instead."
                )
            elif key in seen:
                problems.append(
                    f"{rel(path)}: {example.text!r} ({example.intent}) repeats held-out example "
                    f"{seen[key].text!r} ({seen[key].intent}) in {rel(seen[key].source)}"
                )
            seen.setdefault(key, example)
    return problems


def check_coverage(lang: str, examples: list[Example], domain: dict) -> list[str]:
    problems = []
    path = rel(HELDOUT[lang])
    intents = Counter(example.intent for example in examples)
    entities = Counter(name for example in examples for name in example.entities)
    for intent in sorted(set(intents) - set(domain["intents"])):
        problems.append(f"{path}: intent {intent!r} is not in domain.yml")
    for name in sorted(set(entities) - set(domain["entities"])):
        problems.append(f"{path}: entity {name!r} is not in domain.yml")
    for intent in domain["intents"]:
        if intents[intent] < MIN_EXAMPLES_PER_INTENT:
            problems.append(
                f"{path}: intent {intent!r} has {intents[intent]} examples, "
                f"expected at least {MIN_EXAMPLES_PER_INTENT}"
            )
    for name in measured_entities(domain):
        if entities[name] < MIN_EXAMPLES_PER_ENTITY:
            problems.append(
                f"{path}: entity {name!r} is annotated {entities[name]} times, "
                f"expected at least {MIN_EXAMPLES_PER_ENTITY}"
            )
    return problems
