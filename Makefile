# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
RASA_VENV := .venv-rasa
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test setup train db chat validate browser eval clean

run: setup train
	$(VENV)/bin/python -m bot.launcher --check-ports
	$(MAKE) --no-print-directory db
	$(VENV)/bin/python -m bot.launcher

test: setup train browser
	$(VENV)/bin/python -m pytest

setup: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: the application needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(RASA_VENV)/.installed: constraints/rasa.txt
	@python310=$$(scripts/find-python310.sh) && \
	  $$python310 -m venv $(RASA_VENV) && \
	  $(RASA_VENV)/bin/pip install --quiet --upgrade pip && \
	  $(RASA_VENV)/bin/pip install --quiet rasa==3.6.21 -c constraints/rasa.txt
	touch $@

train: setup
	$(VENV)/bin/python scripts/train_if_changed.py

# Debian's Chromium for the widget's browser test; without root it only warns and the test is skipped.
browser:
	@bash scripts/ensure-chromium.sh

db: setup
	$(VENV)/bin/python -m bot.cli setup-db

# Held-out understanding figures (intent and entity F1 per language) into docs/benchmarks.md.
eval: setup
	$(VENV)/bin/python scripts/evaluate.py

chat: setup
	$(VENV)/bin/python -m bot.chat_cli

validate: setup
	$(RASA_VENV)/bin/rasa data validate --fail-on-warnings

clean:
	rm -rf models var reports results .pytest_cache
