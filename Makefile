# Two commands for a fresh machine with Python 3.11+ and make: `make run`, `make test`.
PYTHON ?= python3
PORT ?= 8000
PYTEST_ARGS ?= -n auto
VENV := .venv
PY := $(VENV)/bin/python

# make run serves plain HTTP on loopback, so the HTTPS-only defaults are relaxed here.
LOCAL_ENV := DJANGO_SECRET_KEY="$$(cat .local-secret-key)" \
	DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 DJANGO_SECURE_HSTS_SECONDS=0 \
	DJANGO_REVIEW_SOLO=1
TEST_ENV := DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-insecure-key-for-tests-only}"

.PHONY: run test benchmark loadtest lint format messages clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

.local-secret-key:
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	chmod 600 $@

run: $(VENV)/.installed .local-secret-key
	$(LOCAL_ENV) $(PY) manage.py migrate --noinput
	$(LOCAL_ENV) $(PY) manage.py load_fixtures
	$(LOCAL_ENV) $(PY) manage.py ensure_admin
	$(LOCAL_ENV) $(PY) manage.py build_open_data --if-changed --settle 0
	$(LOCAL_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(LOCAL_ENV) $(VENV)/bin/gunicorn portal.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile -

test: $(VENV)/.installed
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# By hand, never in `make test`: every public page at 1,000 and at 250,000 synthetic projects,
# one gunicorn worker each, on new SQLite files, or with DATABASE_URL=postgres://… on that
# server (databases <name>_1000 and <name>_250000 are dropped and made again).
# BENCHMARK_ARGS="--reuse" keeps the databases already built.
benchmark: $(VENV)/.installed
	$(PY) benchmarks/run.py $(BENCHMARK_ARGS)

# By hand, never in `make test`: 50 visitors for 60 s against gunicorn on 127.0.0.1, on a
# new SQLite file, or LOADTEST_ARGS="--database-url postgres://…" (that database is emptied).
loadtest: $(VENV)/.installed
	$(PY) benchmarks/load.py $(LOADTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext; the compiled catalogs are committed so that users do not.
messages: $(VENV)/.installed
	$(TEST_ENV) $(PY) manage.py makemessages --locale en --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(TEST_ENV) $(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .ruff_cache
