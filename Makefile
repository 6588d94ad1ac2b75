# The Quick start commands: `make run` and `make test`; `make bench PHONES=1000`;
# `make dist` builds the sdist and wheel into dist/ (the version is pyproject.toml's).
# Each builds .venv from pyproject.toml when it is missing or out of date.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python

# The suites that touch the database run a second time on PostgreSQL when
# TRAINER_TEST_POSTGRES_URL names a server (bash .ci/run always does).
PG_SUITES ?= tests/test_sockets.py tests/test_rejections.py tests/test_nothing_lost.py tests/test_game_phases.py \
             tests/test_game_rules.py tests/test_http.py tests/test_assets.py tests/test_i18n.py \
             tests/test_fanout.py tests/test_sweeper_race.py tests/test_languages.py tests/test_modes_live.py \
             tests/test_records.py tests/test_coaching_http.py tests/test_full_disk.py tests/test_room_check.py \
             tests/test_draft_batch.py tests/test_attacks.py tests/test_service_cues.py tests/test_drill_live.py \
             tests/test_drill_pages.py tests/test_write_batches.py
PHONES ?= 1000
# K > 0: the bench runs against K workers (deploy/start-workers) on PostgreSQL and Redis behind nginx.
SERVER_WORKERS ?= 0
BENCH_ARGS ?=

.PHONY: run test test-postgres bench bench-library soak clean translations catalogs dist screenshots

# Catalogs: ru, uk and el .po files are committed; the compiled .mo files are
# made here (the app also compiles missing or stale ones when it starts, and
# the wheel's build compiles its own: build_hooks.py).
CATALOGS = $(wildcard trainer/translations/*/LC_MESSAGES/messages.po)
COMPILED = $(CATALOGS:.po=.mo)
BABEL_KEYWORDS = -k _ -k gettext -k ngettext:1,2 -k lazy_gettext -k lazy_ngettext:1,2 -k _l -k _plural:1,2 -k Plural:1,2

# HOST and PORT as for wsgi.py (default 0.0.0.0:5000); TRAINER_DATA_DIR is the checkout's instance/.
run: $(VENV)/.installed catalogs
	$(VENV)/bin/too-sandy serve

# A release: the sdist, then the wheel built from it, in an isolated build
# environment (BUILD_ARGS=--no-isolation builds with .venv's setuptools and Babel, offline).
BUILD_ARGS ?=
dist: $(VENV)/.installed-test
	rm -rf dist
	$(PY) -m build $(BUILD_ARGS) --outdir dist .

catalogs: $(COMPILED)

%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -i $< -o $@ 

# A contributor who adds or changes a string: extract, update every catalog,
# translate the new entries in each .po, then compile (make catalogs).
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-default-keywords --no-wrap --sort-by-file \
		--project "Too Sandy" --copyright-holder "Too Sandy" -o trainer/translations/messages.pot .
	$(VENV)/bin/pybabel update -i trainer/translations/messages.pot -d trainer/translations --no-wrap --ignore-obsolete
	$(MAKE) --no-print-directory catalogs

# The unit and socket tests run on JOBS processes at once (pytest-xdist: each
# test has its own database file); the live-server and browser tests, which
# time real servers and restart services, run one at a time after them.
JOBS ?= 2

test: $(VENV)/.installed-test catalogs
	scripts/ensure-chromium
	$(PY) -m pytest -n $(JOBS) -m "not live and not browser" $(PYTEST_ARGS)
	$(PY) -m pytest -m "live or browser" $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-postgres

test-postgres: $(VENV)/.installed-test
	@if [ -n "$$TRAINER_TEST_POSTGRES_URL" ]; then \
		echo "PostgreSQL pass: $(PG_SUITES)"; \
		$(PY) scripts/with-fresh-postgres -- $(PY) -m pytest $(PYTEST_ARGS) $(PG_SUITES); \
	else \
		echo "PostgreSQL pass skipped: set TRAINER_TEST_POSTGRES_URL (bash .ci/run does)"; \
	fi

# Figures, not a test: where Too Sandy stands at PHONES phones (see bench/).
bench: $(VENV)/.installed-test catalogs
	$(PY) -m bench --phones $(PHONES) --server-workers $(SERVER_WORKERS) $(BENCH_ARGS)

# The best-replies library's search with REPLIES starred replies (SQLite; BENCH_ARGS="--database-url …").
REPLIES ?= 100000
bench-library: $(VENV)/.installed-test catalogs
	$(PY) -m bench.library --replies $(REPLIES) $(BENCH_ARGS)

# Hours of churn on one server, watched for leaks (an hour; SOAK_ARGS="--minutes 10" for a short look).
SOAK_ARGS ?=
soak: $(VENV)/.installed-test catalogs
	$(PY) -m bench.soak $(SOAK_ARGS)

# The docs' pictures (docs/pictures/): a session played in each language with
# the real server and Chromium (scripts/screenshots.py; SHOTS_ARGS="--languages el").
SHOTS_ARGS ?=
screenshots: $(VENV)/.installed-test catalogs
	scripts/ensure-chromium
	$(PY) scripts/screenshots.py $(SHOTS_ARGS)

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
	rm -rf $(VENV) test-artifacts build dist *.egg-info bench-results run
