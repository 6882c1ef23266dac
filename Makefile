# The two commands of the README:
#   make run   - the product (web, Celery worker and beat) on the embedded default, with demo data
#   make test  - the whole test suite
# Both create .venv with Python 3.11 and install what they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export FLASK_APP := permits

.PHONY: run test lint install install-dev translations extract-messages chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime translations
install-dev: $(VENV)/.dev translations

# Compiled catalogues (.mo) are build products, made from the committed .po files.
translations: | $(BIN)/python
	@$(BIN)/pybabel compile -d permits/translations >/dev/null 2>&1 || $(BIN)/pybabel compile -d permits/translations

extract-messages: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o permits/translations/messages.pot .
	$(BIN)/pybabel update -N -i permits/translations/messages.pot -d permits/translations

run: install
	$(BIN)/flask db upgrade heads
	$(BIN)/flask seed-demo
	@echo ""
	@echo "  Film Permits is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Local mailbox (sign in as the platform admin): http://127.0.0.1:$(PORT)/dev/mailbox"
	@echo ""
	$(BIN)/flask demo-logins
	@echo ""
	PORT=$(PORT) $(BIN)/honcho start -f Procfile

# Debian's Chromium for the browser tests; skipped (tests then skip) where apt is not ours.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		(apt-get install -y -qq chromium fonts-dejavu-core >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null)) || \
		echo "Could not install chromium: browser tests will be skipped."; \
	fi

test: install-dev chromium
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
