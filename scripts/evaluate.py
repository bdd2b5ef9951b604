"""Measure how well the Rasa model understands attendees, and record it in docs/benchmarks.md.

Run from the project root with the application's Python (``make eval``)::

    .venv/bin/python scripts/evaluate.py

The Rasa venv's Python runs it too. It calls ``.venv-rasa/bin/rasa`` for every
training and test, and these are the steps:

1. Check the held-out sets ``tests/nlu/heldout_{es,en}.yml``: every intent and
   entity of the domain is covered, and no example repeats a training example
   once case, accents and punctuation are ignored.
2. Train the bilingual model from ``data/`` into ``reports/eval/model.tar.gz``
   (``models/`` is left alone), then one NLU-only model per language from that
   language's file plus the shared files of ``data/nlu/`` (synonyms, regexes
   and lookup tables).
3. Run ``rasa test nlu`` on each held-out set and on both together, and
   ``rasa test core`` on ``tests/stories``. Results go under ``reports/eval/``.
4. Rewrite the NLU section of ``docs/benchmarks.md`` between its markers.

``--check-only``, ``--skip-training`` and ``--report-only`` run parts of these
steps, as ``--help`` describes. ``--bilingual-only`` skips the per-language
models, for quicker runs while tuning the training data or the pipeline. It
prints the figures and writes ``reports/eval/summary.json`` but leaves
``docs/benchmarks.md`` alone, because that page compares all three models.

Exit status: 0 when the bilingual model meets the targets in both languages,
1 when it misses one (each miss is printed), 2 when the held-out sets are
invalid or a Rasa command fails.
"""


from __future__ import annotations

import argparse
import sys

import yaml

from evaluation.heldout import check_heldout
from evaluation.metrics import fallback_threshold, missed_targets, read_core_result, read_nlu_result
from evaluation.report import new_measurement, previous_measurement, render_section, write_benchmarks, write_summary
from evaluation.settings import BENCHMARKS, BILINGUAL_SETUPS, NLU_SETUPS, OUT, ROOT, SUMMARY, EvaluationError, rel
from evaluation.training import run_evaluation


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    stage = parser.add_mutually_exclusive_group()
    stage.add_argument("--check-only", action="store_true", help="only check the held-out sets, then stop")
    stage.add_argument("--skip-training", action="store_true",
                       help="reuse the models already in reports/eval/ and run only the tests")
    stage.add_argument("--report-only", action="store_true",
                       help="rewrite docs/benchmarks.md from the results already in reports/eval/")
    parser.add_argument("--bilingual-only", action="store_true",
                        help="train and test only the bilingual model, and leave docs/benchmarks.md unchanged")
    args = parser.parse_args(argv)
    if args.bilingual_only and (args.check_only or args.report_only):
        parser.error("--bilingual-only cannot be combined with --check-only or --report-only")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))

    problems = check_heldout(domain)
    if problems:
        print(f"error: the held-out sets are not usable ({len(problems)} problems):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print("held-out sets: valid, no example repeats a training example")
    if args.check_only:
        return 0

    try:
        if args.report_only:
            measurement = previous_measurement()
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            durations = run_evaluation(skip_training=args.skip_training, bilingual_only=args.bilingual_only)
            measurement = new_measurement(argv, durations)
        threshold = fallback_threshold()
        setups = BILINGUAL_SETUPS if args.bilingual_only else NLU_SETUPS
        results = {key: read_nlu_result(key, threshold) for key in setups}
        core = read_core_result()
    except EvaluationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    misses = missed_targets(results, domain)
    write_summary(results, core, misses, measurement)
    if args.bilingual_only:
        print(f"wrote {rel(SUMMARY)}. {rel(BENCHMARKS)} is unchanged because --bilingual-only skips its comparison.")
    else:
        write_benchmarks(render_section(results, core, domain, measurement, misses))
        print(f"wrote {rel(BENCHMARKS)} and {rel(SUMMARY)}")

    for key, result in results.items():
        entity_scores = ", ".join(f"{name} {row['f1-score']:.3f}" for name, row in result.entities.items())
        print(f"{key}: intent accuracy {result.accuracy:.3f}, macro F1 {result.macro_f1:.3f}, entity F1 {entity_scores}")
    print(f"test stories: {core['correct']} of {core['total']} correct")
    if misses:
        print("targets not met:", file=sys.stderr)
        for miss in misses:
            print(f"  {miss}", file=sys.stderr)
        return 1
    print("targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
