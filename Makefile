# The two Quick start commands: `make run` and `make test`.
# Each builds .venv from pyproject.toml when it is missing or out of date.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

.PHONY: run test clean

run: $(VENV)/.installed
	$(PY) wsgi.py

test: $(VENV)/.installed-test
	scripts/ensure-chromium
	$(PY) -m pytest $(PYTEST_ARGS)

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) test-artifacts build *.egg-info
