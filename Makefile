# Two commands for a newcomer: `make run` and `make test`. Both are safe to repeat.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make-stamps
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := app

APP_DEBS := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBS := chromium poppler-utils zbar-tools postgresql-client nginx

.PHONY: run test lint bench bench-examday system-deps test-system-deps translations translations-update setup clean editor-bundle

# --reuse-port: each worker listens on its own socket and the kernel shares connections out
# between them. On one shared socket a worker can accept every keep-alive connection of a
# burst while the other idles (seen in bench/: hello-world at 2,300 instead of 9,000 req/s).
# The same user starting a second server on the same port joins it instead of failing.
# The job worker (certificates, reminders) and its scheduler run beside the web server and
# stop with it; jobs enqueued while it is down wait in instance/jobs.sqlite3 (or Redis).
# Metrics: every process (web workers, job worker) writes its counters to files in
# PROMETHEUS_MULTIPROC_DIR and /metrics adds them up; emptied at each start (counters restart at
# zero, as Prometheus expects after a restart). The app logs one line per request itself
# (with its request id; TRAINER_LOG_FORMAT=json for JSON), so gunicorn's access log is off.
PROMETHEUS_MULTIPROC_DIR ?= $(CURDIR)/instance/prometheus
run: system-deps $(STAMPS)/venv translations setup
	@rm -rf "$(PROMETHEUS_MULTIPROC_DIR)" && mkdir -p "$(PROMETHEUS_MULTIPROC_DIR)"
	@export PROMETHEUS_MULTIPROC_DIR="$(PROMETHEUS_MULTIPROC_DIR)"; \
	$(BIN)/flask trainer worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 --reuse-port app:app

setup: $(STAMPS)/venv translations
	$(BIN)/flask trainer setup --demo

# The first pass is SQLite whatever the environment says; with TEST_DATABASE_URL set, a second
# pass runs on that database (created when missing, each test worker in a schema of its own).
# pytest-xdist runs one worker per CPU (TEST_WORKERS=1 for one process): a test builds its own
# app, and that is CPU work that two cores share out (on 2 cores each pass is ~2x faster).
TEST_WORKERS ?= logical
test: system-deps test-system-deps $(STAMPS)/venv translations
	@echo "== SQLite"
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q -n $(TEST_WORKERS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on $$TEST_DATABASE_URL"; \
	  $(BIN)/python -m pytest -q -n $(TEST_WORKERS); \
	fi

lint: $(STAMPS)/venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: system-deps $(STAMPS)/venv translations
	@scripts/ensure-debs.sh wrk
	$(BIN)/python -m bench

# The exam-day benchmark alone (bench/README.md): USERS learners (1000 by default), SQLite as
# `make run` unless TEST_DATABASE_URL names PostgreSQL; HOSTS=2 for deploy/'s installation on
# this machine (nginx, two app servers, job worker, scheduler; PostgreSQL and Redis);
# BENCH_EXAMDAY_FACTOR=0.05 for a quick look (~2 minutes) instead of the real day (~35 minutes);
# PROFILE=1: py-spy records the app servers and the figures say where their time went.
USERS ?= 1000
HOSTS ?= 1
PROFILE ?= 0
bench-examday: system-deps $(STAMPS)/venv translations
	@if [ "$(HOSTS)" != 1 ]; then scripts/ensure-debs.sh nginx; fi
	$(BIN)/python -m bench.examday --users $(USERS) --hosts $(HOSTS) \
	  $(if $(filter 1,$(PROFILE)),--profile)

# Debian packages, installed only when missing (needs root, as on a fresh machine).
system-deps:
	@scripts/ensure-debs.sh $(APP_DEBS)

test-system-deps:
	@scripts/ensure-debs.sh $(TEST_DEBS)

$(STAMPS)/venv: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || scripts/ensure-debs.sh python3-venv
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@mkdir -p $(STAMPS) && touch $@

translations: $(STAMPS)/venv
	@$(BIN)/pybabel compile --use-fuzzy -d trainer/translations -f 2>&1 | grep -v '^compiling' || true

# After adding UI strings: extract them, merge into the catalog, then translate the new entries.
translations-update: $(STAMPS)/venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file \
	  -o trainer/translations/messages.pot .
	$(BIN)/pybabel update -i trainer/translations/messages.pot -d trainer/translations \
	  --no-fuzzy-matching

# The course editor's CodeMirror bundle (needs Node 20 + npm; CI has neither, so the built
# trainer/static/vendor/codemirror/editor.bundle.js and LICENSES.txt are committed).
editor-bundle:
	cd frontend/editor && npm ci && npm run build

clean:
	rm -rf $(VENV) $(STAMPS) .pytest_cache test-artifacts
