# Two commands matter: `make run` (the skill on the embedded SQLite store) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench chat mutate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/footcoach serve --host 127.0.0.1 --port 5000

chat: $(STAMP)
	$(BIN)/footcoach chat

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check skill tests bench infra
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Mutation testing, outside CI (minutes per module): make mutate MODULES="skill/routine/plan.py"
MODULES ?=
$(VENV)/.mutation: $(STAMP)
	$(BIN)/pip install --quiet -e '.[mutation]'
	touch $(VENV)/.mutation

mutate: $(VENV)/.mutation
	$(BIN)/python tools/mutate.py $(MODULES)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
