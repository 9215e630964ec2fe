# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test test-fast browser services htmx lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

## make run: set up, migrate, and serve the demo at http://127.0.0.1:8000 with a jobs worker (SQLite, in-memory layer)
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py runlive 127.0.0.1:8000

## make browser: Chromium for the browser tests (Playwright's own if present, else Debian's)
browser:
	@if ls $${PLAYWRIGHT_BROWSERS_PATH:-$$HOME/.cache/ms-playwright}/chromium-* >/dev/null 2>&1 \
	    || command -v chromium >/dev/null 2>&1; then \
	  echo "chromium: present"; \
	else \
	  echo "chromium: installing Debian's package"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

## make services: redis-server, nginx, systemd-analyze and PostgreSQL for the several-process tests (tests/scale, tests/postgres), from Debian
services:
	@missing=""; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v systemd-analyze >/dev/null 2>&1 || missing="$$missing systemd"; \
	command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	  || missing="$$missing postgresql"; \
	if [ -z "$$missing" ]; then \
	  echo "redis-server, nginx, systemd-analyze, postgresql: present"; \
	else \
	  echo "installing Debian's$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## make htmx: fetch htmx 4.0.x (npm pack htmx.org@4.0) into ~/.cache/liveview/htmx/<version>/ (LIVEVIEW_HTMX_CACHE overrides); docs/htmx.md
htmx: setup
	$(BIN)/python -m liveview.testing.htmx_builds

## make test: set up, make sure Chromium, redis-server, nginx and htmx 4.0.x are there, lint, run everything
test: setup browser services htmx lint
	$(BIN)/python -m pytest

test-fast: setup htmx
	$(BIN)/python -m pytest -m "not browser and not slow"

## make test-storm: the lost-update storm (tests/scale/test_storm.py, also in make test) alone, under each htmx build; LIVEVIEW_STORM_SEED picks the seed
.PHONY: test-storm
test-storm: setup browser services htmx
	$(BIN)/python -m pytest tests/scale/test_storm.py

## make test-compat: the suite but tests/scale on Debian 13's Python 3.13 and Django 6.x, in a debootstrap root
## built once into ~/.cache/liveview/trixie (LIVEVIEW_COMPAT_ROOT; root or sudo); see .ci/compat.sh
.PHONY: test-compat
test-compat: htmx
	.ci/compat.sh

lint: setup
	$(BIN)/ruff check liveview project tests bench
	$(BIN)/ruff format --check liveview project tests bench
	$(BIN)/mypy liveview project tests bench

## make bench: every scenario in bench/ (python -m bench; redis_fanout needs redis-server), written to docs/benchmarks.md
bench: setup services
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
