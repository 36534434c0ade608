# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SCENARIO ?= scenarios/sanmen

.PHONY: install demo test lab bench schema i18n clean

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

# every layer's catalogue: extract the msgids of _() and N_(), update the zh and en .po files, compile .mo
LAYERS := models optimizer kaoping
i18n: install
	for d in $(LAYERS); do mkdir -p $$d/locale; \
	  $(BIN)/pybabel -q extract -k _ -k N_ --no-location --sort-output --project=kaoping --version=0.1 --copyright-holder=kaoping -o $$d/locale/$$d.pot $$d || exit 1; \
	  for l in zh en; do \
	    if [ -f $$d/locale/$$l/LC_MESSAGES/$$d.po ]; then \
	      $(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date -D $$d -i $$d/locale/$$d.pot -d $$d/locale -l $$l || exit 1; \
	    else $(BIN)/pybabel -q init -D $$d -i $$d/locale/$$d.pot -d $$d/locale -l $$l || exit 1; fi; \
	  done; \
	  $(BIN)/pybabel -q compile -D $$d -d $$d/locale || exit 1; \
	  rm -f $$d/locale/$$d.pot; \
	done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
