# Set-up and checks for ics-sim. Needs only python3 (>= 3.11) and make.
#
#   make run    create .venv, install ics-sim, run the model (ARGS="--weeks 520 --seed 2")
#   make dashboard  create .venv, install ics-sim, start the workshop dashboard and open it
#               in the web browser (ARGS="scenarios/story_1.yaml --projector"); Ctrl-C stops it
#   make test   create .venv, install with test extras, lint, run every test, the quick
#               validation report (fails if a verification case fails) and the docs build
#
# The virtualenv is reused; the package is reinstalled when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help venv run dashboard test lint format clean

help:
	@echo "make run    create $(VENV), install ics-sim and run it (pass options in ARGS=...)"
	@echo "make dashboard  create $(VENV), start the workshop dashboard and open it (Ctrl-C stops it)"
	@echo "make test   create $(VENV), install with test extras, ruff check and every test"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make format ruff format and ruff check --fix"
	@echo "make clean  remove $(VENV), caches and outputs"

venv: $(STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	  { echo "error: ics-sim needs Python >= 3.11; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." \
	         "Use e.g. make PYTHON=python3.12" >&2; exit 1; }
	@echo "$(PYTHON) -m venv $(VENV)"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu: apt-get install python3-venv" >&2; \
	  exit 1; }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -e ".[test]"
	@touch $@

run: $(STAMP)
	$(BIN)/ics-sim run $(ARGS)

dashboard: $(STAMP)
	$(BIN)/ics-sim dashboard --open $(ARGS)

# pytest exits 5 when it collects no tests: that is a failure, never a silent pass.
# -m "slow or not slow" selects every test, whatever -m an addopts may set.
test: $(STAMP)
	$(BIN)/ruff check .
	@status=0; $(BIN)/python -m pytest -q -m "slow or not slow" || status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests" >&2; fi; \
	exit $$status
	$(BIN)/ics-sim validate --quick --out $(VENV)/validation-quick
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet -d $(VENV)/site

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis ics-sim-output
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
