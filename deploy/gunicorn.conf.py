"""gunicorn's settings for an app server behind nginx (deploy/nginx.conf.template).

    gunicorn portal.wsgi --config deploy/gunicorn.conf.py --bind 127.0.0.1:8001

Sync workers, two per core by default (GUNICORN_WORKERS): the portal's requests are short
and the slow ones (large exports, imports) go to the task queue. nginx buffers slow clients,
so a worker is never held by a slow connection. A worker is replaced after a few thousand
requests so that no leak grows for ever.
"""

import os

workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 20
max_requests = 5000
max_requests_jitter = 500
# nginx on this machine is the only client; it sets X-Forwarded-For and X-Forwarded-Proto,
# which Django believes with DJANGO_TRUSTED_PROXY_COUNT=1.
forwarded_allow_ips = "127.0.0.1"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
