# Two commands set everything up on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint migrate demo messages clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# The app, its background worker and a local SMTP sink that keeps every
# delivered message as a file under var/mail/ (Maildir), so the demo's mail
# travels over real SMTP and can be read. `manage.py worker` is db_worker that
# also sweeps the outbox for messages a killed worker left (no cron needed).
run: demo
	@echo "Yhdessä: http://127.0.0.1:8000  (demo users: convener, lead, convener2, coordinator, guidance; password: yhdessa-demo)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:8025 -c aiosmtpd.handlers.Mailbox var/mail & \
	$(BIN)/python manage.py worker --queue-name '*' --no-reload & \
	$(BIN)/python manage.py runserver 127.0.0.1:8000 --noreload

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

messages: install
	cd yhdessa && ../$(BIN)/python ../manage.py makemessages -l sv -l en -l fi --no-obsolete
	cd yhdessa && ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) var
