# The two commands of the README: `make run` (app with demo data) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
DEPLOY_ENV := DEBUG=0 SECRET_KEY=check-deploy-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ \
	ALLOWED_HOSTS=fb15.stadt.example

.PHONY: run test install system-packages lint

system-packages:
	@scripts/system-packages.sh

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: system-packages $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v 0

run: install
	$(PY) manage.py migrate -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install lint
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) scripts/production_smoke.py
	$(VENV)/bin/pytest $(PYTEST_ARGS)
