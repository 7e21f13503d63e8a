# One command to run the app, one to run every check. Both set everything up themselves.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# the tests mostly wait on sockets and screens: four workers finish sooner even on two cores
TEST_WORKERS ?= 4

.PHONY: run demo test lint typecheck bench screenshots clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "tikhub-tui needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@ $(VENV)/.run-installed

## run: set up .venv and start the app (no key: demo mode on the embedded gateway)
run: $(VENV)/.run-installed
	$(BIN)/tikhub-tui

demo: $(VENV)/.run-installed
	$(BIN)/tikhub-tui --demo

## test: set up .venv and run lint, types, import contracts and the whole test suite
test: $(VENV)/.test-installed lint typecheck
	scripts/with-secret-service.sh $(BIN)/python -m pytest -q -n $(TEST_WORKERS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check tikhub_tui tests benchmarks scripts
	$(BIN)/lint-imports

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/run_all.py

screenshots: $(VENV)/.test-installed
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
