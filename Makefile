# Set-up and checks for ics-sim. Needs only python3 (>= 3.11) and make.
#
#   make run    create .venv, install ics-sim with what running needs (the 'run' extra:
#               no test, docs, browser or cluster tools), run the model (ARGS="--weeks 520")
#   make dashboard  create .venv as make run does, start the workshop dashboard and open it
#               in the web browser (ARGS="scenarios/story_1.yaml --projector"); Ctrl-C stops it
#   make test   create .venv, install with test extras, then run every stage (ruff, pytest,
#               the quick validation report, the docs build), report each one's result and
#               fail at the end if any failed
#
# The virtualenv is reused; each install is redone when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test
RUN_STAMP := $(VENV)/.installed-run
ARGS   ?=
# pytest workers (pytest-xdist): one per core; TEST_JOBS=0 runs the tests in this process.
TEST_JOBS ?= auto

.DEFAULT_GOAL := help
.PHONY: help venv run dashboard test lint format clean mutants

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

# The test install includes everything the run install has, so it counts as one.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -e ".[test]"
	@touch $@ $(RUN_STAMP)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -e ".[run]"
	@touch $@

run: $(RUN_STAMP)
	$(BIN)/ics-sim run $(ARGS)

dashboard: $(RUN_STAMP)
	$(BIN)/ics-sim dashboard --open $(ARGS)

# Every stage runs even when an earlier one fails; the summary lists each one's result and
# the target fails at the end if any did. pytest exits 5 when it collects no tests: that is a
# failure, never a silent pass. -m "slow or not slow" selects every test, whatever -m an
# addopts may set.
STAGES := ruff pytest validate docs
stage_ruff     = $(BIN)/ruff check . && $(BIN)/ruff format --check ics_sim tests benchmarks
stage_pytest   = $(BIN)/python -m pytest -q -n $(TEST_JOBS) -m "slow or not slow"
stage_validate = $(BIN)/ics-sim validate --quick --no-progress --out $(VENV)/validation-quick
stage_docs     = NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet -d $(VENV)/site

test: $(STAMP)
	@failed=""; summary=""; \
	for s in $(STAGES); do \
	  echo "==> $$s"; \
	  case $$s in \
	    ruff) ( $(stage_ruff) ) ;; \
	    pytest) ( $(stage_pytest) ) ;; \
	    validate) ( $(stage_validate) ) ;; \
	    docs) ( $(stage_docs) ) ;; \
	  esac; rc=$$?; \
	  if [ $$s = pytest ] && [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; fi; \
	  if [ $$rc -eq 0 ]; then summary="$$summary\n  ok      $$s"; \
	  else summary="$$summary\n  FAILED  $$s (exit $$rc)"; failed="$$failed $$s"; fi; \
	done; \
	printf "==> make test:$$summary\n"; \
	if [ -n "$$failed" ]; then echo "error: failed stages:$$failed" >&2; exit 1; fi

# Mutation testing over the fixed catalogue in tests/mutation (docs/mutation.md): each mutant
# runs in a temporary copy of the tree; the scores and table are written into the doc.
mutants: $(STAMP)
	nice -n 10 $(BIN)/python -m tests.mutation --suite full --out docs/mutation.md $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis ics-sim-output
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
