"""gunicorn settings for `make serve`, `make bench` and production.

Sync workers: the pages are CPU-bound template renders or cache hits, so one
request per process is the predictable choice (docs/PERFORMANCE.md). Every
value can be overridden from the environment, as docs/DEPLOY.md lists.
"""

import os

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
wsgi_app = "site_config.wsgi:application"
worker_class = "sync"
# 2 × cores + 1, the gunicorn rule of thumb for sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
# Recycle workers now and then so a slow leak can never grow without bound;
# the jitter keeps them from all restarting at once. A cached page costs about
# half a millisecond, so a worker can serve thousands a second: a few
# thousand requests would restart workers (and empty their page caches) every
# few seconds under load.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 20000)
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER") or 2000)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 20
# Import Django once in the master: workers start in milliseconds, also when
# max_requests recycles them, and share the loaded code's memory.
preload_app = True
# Access logs cost throughput; a proxy in front usually keeps them. Set
# GUNICORN_ACCESS_LOG=1 to log to stdout.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "").strip() in {"1", "true", "yes"} else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The heartbeat file lives in shared memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The control socket defaults to one path per user, which two servers on one
# machine (a test run next to `make serve`) would fight over.
control_socket_disable = True


def worker_exit(server, worker):
    """Write the zero-result searches this worker still holds in memory (statuscodes/search_log.py)."""
    from statuscodes import search_log

    search_log.flush()
