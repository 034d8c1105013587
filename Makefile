# StimDiary: `make run` to try it, `make test` to check it.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export MPLCONFIGDIR ?= $(CURDIR)/var/matplotlib

.PHONY: run test lint bench soak install clean screenshots catalogues messages

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet ".[dev]"
	@touch $@ $(STAMP)

install: $(STAMP)

# Every command `make run` starts builds its links from SITE_URL, so all of them get the port.
RUN_ENV = DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT)

run: $(STAMP) catalogues
	@mkdir -p $(MPLCONFIGDIR)
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo "  Evening reminders due now (frank has not logged last night; emails print here):"
	$(RUN_ENV) $(PY) manage.py send_reminders --inline --ignore-time
	@echo ""
	@echo "  StimDiary is running at http://127.0.0.1:$(PORT)/"
	@echo "  Demo log-ins (password for all: stimdiary-demo):"
	@echo "    patients:   alice, bob, carmen (and the other demo scenarios)"
	@echo "    patients' ladder paths: alice lead migration, bob resolved, carmen medication,"
	@echo "                            dan reprogram, erin trial transient, frank no cramps,"
	@echo "                            grace new movement, lumbar support, activity, therapy lost"
	@echo "    clinicians: dr.lee (alice, carmen), dr.okafor (bob), dr.rivera (every demo patient)"
	@echo "    a second clinic (Pain clinic): dr.novak (pia), who sees none of the above"
	@echo "    staff:      admin (the Django admin at /admin/)"
	@echo "  The task worker (ladder refreshes after each write, reminders) and the reminder"
	@echo "  schedule (send_reminders every 5 minutes) run beside the server; Ctrl+C stops all."
	@echo ""
	@trap 'kill $$worker $$schedule 2>/dev/null; wait $$worker $$schedule 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(RUN_ENV) $(PY) manage.py send_reminders --every 300 >/dev/null & schedule=$$!; \
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

# Runs the whole suite. Browser tests run when a Chromium is installed and are skipped with a
# notice when not; set REQUIRE_BROWSER=1 (as .ci/run does) to make a missing browser an error.
test: $(DEV_STAMP) catalogues
	@mkdir -p $(MPLCONFIGDIR)
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	@if $(HAVE_CHROMIUM); then $(MAKE) --no-print-directory $(AXE_STAMP); \
	elif [ "$$REQUIRE_BROWSER" = 1 ]; then \
	  echo "browser tests FAILED: REQUIRE_BROWSER=1 but no Chromium (apt-get install chromium)"; \
	  exit 1; \
	fi
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if ! $(HAVE_CHROMIUM); then \
	  echo "browser tests SKIPPED: no Chromium (apt-get install chromium to run tests/browser)"; \
	fi; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose"; exit 1; fi; \
	exit $$rc

# The translation catalogues: compiled for Django (no .mo in git), and re-extracted from the
# code after strings change (needs GNU gettext's xgettext; docs/translations.md).
catalogues: $(STAMP)
	@$(PY) -m config.catalogues

messages: $(STAMP)
	$(PY) -m config.catalogues --extract

# axe-core for the browser tests' accessibility check; reinstalled when the lock file changes.
HAVE_CHROMIUM := { [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; }
AXE_STAMP := node_modules/.package-lock.json
$(AXE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Refreshes the README's pictures from the browser tests.
screenshots: $(DEV_STAMP)
	@$(HAVE_CHROMIUM) || { echo "screenshots need Chromium (apt-get install chromium)"; exit 1; }
	@$(MAKE) --no-print-directory $(AXE_STAMP)
	UPDATE_SCREENSHOTS=1 $(PY) -m pytest tests/browser -q

bench: $(DEV_STAMP)
	@mkdir -p $(MPLCONFIGDIR)
	$(PY) -m bench

# Load and faults against gunicorn and the task worker, on SQLite and a throwaway PostgreSQL
# cluster (bench/soak.py; figures in docs/performance.md).
soak: $(DEV_STAMP)
	@mkdir -p $(MPLCONFIGDIR)
	$(PY) -m bench.soak

clean:
	rm -rf $(VENV) staticfiles var
