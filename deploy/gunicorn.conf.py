"""Gunicorn settings for one app server (`gunicorn -c deploy/gunicorn.conf.py app:app`).

The same shape as `make run` (2 worker processes of 4 threads each, --reuse-port), with the
address from the environment so one systemd template runs one server per port:

    TRAINER_WEB_HOST        address to listen on            (default 127.0.0.1)
    TRAINER_WEB_PORT        port (trainer-web@PORT sets it) (default 8001)
    TRAINER_WEB_WORKERS     worker processes                (default 2, about one per core)
    TRAINER_WEB_THREADS     threads per worker              (default 4)
    TRAINER_ACCESS_LOG      access log file, "-" = stderr   (default "-": the journal)
"""

import os

_host = os.environ.get("TRAINER_WEB_HOST") or "127.0.0.1"
bind = [f"{_host}:{int(os.environ.get('TRAINER_WEB_PORT') or 8001)}"]
workers = int(os.environ.get("TRAINER_WEB_WORKERS", "2"))
threads = int(os.environ.get("TRAINER_WEB_THREADS", "4"))
worker_class = "gthread"
# Each worker listens on its own socket and the kernel shares connections out between them
# (see the Makefile's `run`).
reuse_port = True

# A request that takes longer than this is stuck: the worker is restarted. Certificates are
# drawn by the job worker, not in a request, so no page needs anywhere near this long.
timeout = 60
# On SIGTERM (systemctl stop, a deploy): stop accepting, let the requests in flight finish
# for up to this long, then exit. nginx sends new requests to the other servers meanwhile.
graceful_timeout = 30
# nginx opens a new connection per request (deploy/nginx/trainer.conf explains why), so a
# connection is not kept open for long after its request.
keepalive = 2

accesslog = os.environ.get("TRAINER_ACCESS_LOG", "-")
errorlog = "-"
# The usual combined format plus the request id nginx adds ($request_id), so one request
# can be followed from nginx's log to the app server's, and the time taken in microseconds.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" rid=%({x-request-id}i)s us=%(D)s'
)
# X-Forwarded-For/-Proto are read by the app itself (TRAINER_TRUSTED_PROXIES, werkzeug's
# ProxyFix), wherever nginx runs; nothing to set here.
proc_name = "trainer-web"
