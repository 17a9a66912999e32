# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster
export PIPELINE_INPUT_DIR ?= seeds
export PIPELINE_OUTPUT_DIR ?= data
UI_PORT ?= 3000
LINT_PATHS := pipeline assets tests $(wildcard benchmarks evaluation scripts)

.PHONY: install run test lint format ui ui-screenshot lock codebook clean-data audit

$(STAMP): requirements.lock requirements-bootstrap.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-bootstrap.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --config-settings editable_mode=compat -e .
	@touch $(STAMP)

# The local Dagster instance (also after `make clean-data` removed it).
$(DAGSTER_HOME)/dagster.yaml:
	@mkdir -p $(DAGSTER_HOME)
	@printf 'telemetry:\n  enabled: false\n' > $@

install: $(STAMP)  ## create .venv and install the exact, hashed pins from requirements.lock

run: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## materialize every asset over seeds/ into data/ and print what was written
	$(BIN)/python -m assets

test: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## lint and run the test suite
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/python -m pytest -q

format: $(STAMP)
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

ui: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## start the Dagster UI on 127.0.0.1 (same definitions as make run)
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p $(UI_PORT)

ui-screenshot: $(STAMP)  ## materialize seeds/ in a throwaway instance and save docs/ui-asset-graph.png (needs chromium)
	$(BIN)/python -m scripts.dagster_ui --output docs/ui-asset-graph.png

codebook: $(STAMP)  ## regenerate docs/codebook.md from pipeline/schema.py
	$(BIN)/python -m pipeline codebook --write docs/codebook.md

lock:  ## re-resolve requirements.in into requirements.lock (needs network and uv)
	uvx --from uv==0.13.9 uv pip compile --python-version 3.11 --generate-hashes --no-emit-package newsevents \
	  requirements.in -o requirements.lock
	echo pip > .pip.in && uvx --from uv==0.13.9 uv pip compile --python-version 3.11 --generate-hashes \
	  .pip.in -o requirements-bootstrap.lock && rm .pip.in

audit:  ## check every pinned package against known vulnerabilities (needs network; not run in CI)
	$(PYTHON) -m venv .audit-venv
	.audit-venv/bin/python -m pip install --quiet --disable-pip-version-check pip-audit==2.10.1
	.audit-venv/bin/pip-audit --strict --require-hashes --disable-pip -r requirements.lock
	.audit-venv/bin/pip-audit --strict --require-hashes --disable-pip -r requirements-bootstrap.lock

clean-data:  ## remove outputs (data/) and the local Dagster instance (.dagster/)
	rm -rf data .dagster
