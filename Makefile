# Two commands for a newcomer on a fresh Debian machine (as root):
#   make run    set everything up, then serve http://127.0.0.1:8000 with worker and beat
#   make test   set everything up, then run the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test setup system-packages browser-packages python-env migrate messages \
        demo lint format benchmark clean

run: setup
	@$(BIN)/python manage.py load_demo_data -v 0
	@$(BIN)/python manage.py load_demo_cycle
	@$(BIN)/python manage.py load_demo_review
	@$(BIN)/python manage.py load_demo_award
	@$(BIN)/python manage.py load_demo_supervision
	@$(BIN)/python manage.py load_demo_data
	@bin/run-dev

test: setup browser-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: system-packages python-env migrate messages

system-packages:
	@bin/ensure-system-packages base

browser-packages:
	@bin/ensure-system-packages browser

python-env: $(STAMP)

$(STAMP): pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

migrate: python-env
	@$(BIN)/python manage.py migrate --noinput -v 0

messages: python-env
	@$(BIN)/python manage.py compilemessages --ignore='.venv/*' -v 0

lint: python-env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: python-env
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmark: setup
	$(BIN)/python -m pytest -m benchmark --benchmark-enable tests/benchmarks

clean:
	rm -rf $(VENV) var
