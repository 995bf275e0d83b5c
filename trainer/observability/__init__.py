"""Health checks, request ids with JSON logs, and Prometheus metrics (issue 26).

Everything hangs on the one request path through before_request/after_request hooks; the
request id hook runs first so even a request refused by a later hook (sign-in, body size)
carries an id, is logged and counted.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from trainer.observability import logs, metrics

    logs.init_app(app)
    metrics.init_app(app)
