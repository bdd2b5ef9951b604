"""The steps of scripts/evaluate.py: held-out checks, training, metrics and the report."""
