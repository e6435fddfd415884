# Two commands matter: `make run` (the skill on the embedded SQLite store) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench chat models clean

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

# The five interaction models and the skill package, from interaction_models/source/ and the
# routine data (`--check` in the tests keeps them in sync).
models: $(STAMP)
	$(BIN)/python infra/build_skill_package.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
