"""Request ids and log lines (plain text or one JSON object a line).

The formatter is a small stdlib `logging.Formatter` subclass on orjson (already a
dependency) rather than python-json-logger: it is a dozen lines, and the field names stay ours.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

import orjson
from flask import Flask, Response, g, has_request_context, request

ACCESS_LOGGER = "trainer.access"
REQUEST_ID_HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits; other proxies use UUIDs. Anything else (too long,
# spaces, quotes, newlines that would forge log lines) is replaced by our own id.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# LogRecord attributes that are not extra fields given by the caller.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
}
_handler_installed = False
_factory_installed = False


def request_id_from(header: str | None) -> str:
    """The incoming id when it looks sane, else a new one (32 hex digits, as nginx's)."""
    if header and SANE_REQUEST_ID.fullmatch(header):
        return header
    return secrets.token_hex(16)


def current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return None


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id and any `extra=`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return orjson.dumps(entry, default=str).decode()


class PlainFormatter(logging.Formatter):
    """Today's readable lines, with the request id in brackets ("-" outside a request)."""

    def __init__(self):
        super().__init__(PLAIN_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - stdlib's name
        values = dict(vars(record))
        values["request_id"] = getattr(record, "request_id", None) or "-"
        return self._style._fmt % values


def formatter_for(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else PlainFormatter()


def install_record_factory() -> None:
    """Every log record made during a request carries its id (`record.request_id`), whatever
    handler later formats it (ours, gunicorn's, pytest's)."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def configure_logging(log_format: str) -> None:
    """One handler on the root logger, to stderr, at INFO (once per process). Used by the web
    app (not under tests: pytest captures logs itself) and by the job worker."""
    global _handler_installed
    install_record_factory()
    if _handler_installed:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter_for(log_format))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    _handler_installed = True


def start_request() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    # Only a user the request already loaded: asking current_user here would read the
    # session's user from the database on public pages (/healthz must not touch it).
    user = g.get("_login_user")
    user_id = user.id if user is not None and user.is_authenticated else None
    logging.getLogger(ACCESS_LOGGER).info(
        "%s %s %s %s ms",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        extra={
            "method": request.method,
            "path": request.path,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": user_id,
        },
    )
    return response


def init_app(app: Flask) -> None:
    install_record_factory()
    if not app.testing:
        configure_logging(app.config["LOG_FORMAT"])
    app.before_request(start_request)
    app.after_request(finish_request)
