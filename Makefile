# scholarkg — `make run` builds the knowledge graph, `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

N      ?= 10000 100000
.PHONY: run test lint bench serve clean

# Quiet unless it fails: pip's output goes to $(VENV)/install.log, shown only on failure.
$(STAMP): pyproject.toml
	@echo "installing scholarkg and its dependencies into $(VENV) (a few minutes the first time)"
	@$(PYTHON) -m venv $(VENV)
	@{ $(BIN)/pip install --upgrade pip && $(BIN)/pip install -e '.[dev]'; } \
		> $(VENV)/install.log 2>&1 \
		|| { cat $(VENV)/install.log; echo "install failed; the log is $(VENV)/install.log" >&2; \
		     exit 1; }
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/scholarkg run

# --durations: every run (CI's too) ends on its 25 slowest tests and fixtures, to see growth.
test: $(STAMP)
	$(BIN)/pytest -q --durations=25

LINT_DIRS := $(wildcard src tests flows scripts bench)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_DIRS)
	$(BIN)/ruff format --check $(LINT_DIRS)
	$(BIN)/mypy

# Benchmark (bench/README.md): tables and aims on stdout, bench/results/latest.json.
# `make bench N="10000 100000" REPEATS=3 PARTS="ingest identity resolution naive"`
REPEATS ?= 3
PARTS ?= ingest identity resolution naive
bench: $(STAMP)
	$(BIN)/python bench/run.py --n "$(N)" --repeats $(REPEATS) --parts $(PARTS)

serve: $(STAMP)
	$(BIN)/scholarkg serve

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
