# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SCENARIO ?= scenarios/sanmen

.PHONY: install demo test lab bench schema clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/kaoping demo $(SCENARIO)

test: install
	$(BIN)/python -m pytest -q

lab: install
	$(BIN)/jupyter lab notebooks

bench: install
	$(BIN)/python -m benchmarks

schema: install
	$(BIN)/kaoping schema > scenarios/schema.json

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
