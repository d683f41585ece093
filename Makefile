# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install eval clean system-deps screenshots

$(STAMP): pyproject.toml web-frontend/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	cd web-frontend && npm ci --silent && npm run --silent build
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q

demo: $(STAMP)
	$(BIN)/conflictlens demo

screenshots: $(STAMP) system-deps
	CONFLICTLENS_SCREENSHOTS=docs/img $(BIN)/python -m pytest -q tests/test_web.py

eval: $(STAMP)
	$(BIN)/conflictlens eval tests/data/articles --markdown docs/ACCURACY.md

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
