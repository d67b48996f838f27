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

.PHONY: run test benchmark loadtest cluster lint format messages clean

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

# By hand, never in `make test`: every public page and the API, warm and on the first visit
# after an unrelated and a related edit, and the admin changelists, at 1,000 and 250,000
# synthetic projects, one gunicorn worker each, on new SQLite files, or with
# DATABASE_URL=postgres://… on that server (databases <name>_<size> are dropped and made
# again); BENCHMARK_ARGS="--sizes 1000 250000 1000000" adds a million (PostgreSQL),
# "--reuse" keeps the databases already built. Then a 250,000-row XLSX export through the
# task queue (benchmarks/export_job.py) and the load test below.
$(VENV)/.benchmark-installed: benchmarks/requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r benchmarks/requirements.txt
	touch $@

benchmark: $(VENV)/.benchmark-installed
	$(PY) -m benchmarks $(BENCHMARK_ARGS)
	$(PY) -m benchmarks.export_job
	$(MAKE) loadtest

# By hand: locust through nginx and two app servers (the cluster below, with 1,000 synthetic
# projects; LOADTEST_ARGS="--projects N"): 50 visitors for 60 s, /healthz alone, 200 visitors
# for 30 s, exports apart; prints failures, p99 and requests/s against the targets.
loadtest: $(VENV)/.benchmark-installed
	$(PY) -m benchmarks.loadtest $(LOADTEST_ARGS)

# nginx (Debian's package, apt-get install nginx) on :8080 in front of two gunicorn app
# servers (:8001, :8002), a Celery worker, PostgreSQL (database portal_cluster, made afresh)
# and Redis (cache db 3, queue db 13), all on 127.0.0.1; Ctrl-C stops it all.
# CLUSTER_ARGS="--projects 1000" adds synthetic projects.
cluster: $(VENV)/.installed
	$(PY) -m benchmarks.cluster $(CLUSTER_ARGS)

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
