"""gunicorn's settings for ctsearch (``gunicorn -c ctsearch/gunicorn.py ctsearch.wsgi``).

Threads rather than many processes: a search request spends most of its time waiting on
OpenSearch, and each process holds the Django app and its caches (about 100 MB). Every value
can be changed from the environment (``GUNICORN_WORKERS`` …) or gunicorn's own command line.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
worker_class = "gthread"
# A search is answered in well under a second; an export streams for longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Recycle a process now and then, so slow growth of memory can never accumulate.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# Requests through a proxy that terminates TLS keep the client's address in X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
