"""OneWindow's production server: gunicorn, configured from the environment.

    gunicorn onewindow.wsgi        (this file is read from the working directory)

The application processes keep no state of their own (sessions and rate
limits live in the shared cache, ``CACHE_URL``; files in the storage
backend), so any number of them, on any number of machines, serve the same
site behind a load balancer. Each sync worker holds one persistent database
connection (``conn_max_age``); size PostgreSQL's ``max_connections`` (or a
pooler) for workers × machines.
"""

import multiprocessing
import os

# Behind the TLS-terminating proxy on the same host: listen on loopback by default.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: a request holds a worker for its whole life, so requests never share a
# connection or a transaction. Two per core plus one keeps the CPU busy while others wait on I/O.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A stuck request is killed (and its worker replaced) after this many seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = 2000
# The proxy's address is the only one trusted for X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Django's request log (JSON) says all an access log would.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# Each worker imports the application itself: no database connection crosses a fork.
preload_app = False
