"""HTTP headers every response carries unless the view set its own."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Flask, Response, abort, current_app, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)


def content_security_policy(nonce: str) -> str:
    """The Content-Security-Policy of a response whose <style> elements carry `nonce` (the
    course editor's CodeMirror injects its styles that way). Media files set a stricter
    policy of their own."""
    return (
        "default-src 'self'; img-src 'self' data:; "
        f"style-src 'self' 'nonce-{nonce}'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def csp_nonce() -> str:
    """This request's nonce for <style> elements, fresh for each request: templates get it
    as `csp_nonce()` (base.html puts it in <meta name="csp-nonce">, where scripts read it)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    if current_app.config.get("SECURE_COOKIES"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Whatever a signed-in person sees is theirs: no shared cache or back button keeps it.
    if (
        "Cache-Control" not in response.headers
        and request.endpoint != "static"
        and current_user.is_authenticated
    ):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.context_processor(lambda: {"csp_nonce": csp_nonce})


def init_proxy(app: Flask) -> None:
    """TRAINER_TRUSTED_PROXIES=N: N reverse proxies sit in front of the app, each adding
    itself to X-Forwarded-For/-Proto. Only then are those headers believed (the client
    address for rate limits, https for cookies); with 0 a client could forge them."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0
        )


# The largest id or page number any database here holds (PostgreSQL's INTEGER). A larger one
# in a URL names nothing: 404, not a database error.
MAX_DB_INT = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """The <int:...> URL converter, bounded to what an INTEGER column can hold."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_DB_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def db_int(text: str) -> int:
    """For request.args.get(..., type=db_int): a number an id or page can be, else the
    default (ValueError makes Werkzeug use it)."""
    value = int(text)
    if not -MAX_DB_INT <= value <= MAX_DB_INT:
        raise ValueError(text)
    return value


def refuse_nul_bytes() -> None:
    """A NUL byte is never part of a real URL or form, and PostgreSQL refuses it in text."""
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value
        for source in (request.args, request.form)
        for key, values in source.lists()
        for value in values
    ):
        abort(400)


def init_url_rules(app: Flask) -> None:
    """Before any blueprint is registered: <int:...> means a database integer."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(refuse_nul_bytes)


def accepts_upload(view: Callable) -> Callable:
    """Mark a view that takes a file upload: its requests may be as large as
    MAX_UPLOAD_BYTES; every other request stops at MAX_FORM_BYTES."""
    view.accepts_upload = True
    return view


def limit_request_size() -> None:
    """Set this request's body limit before anything (CSRF, rate limits) reads the body:
    a larger body is refused with 413 without being read into memory."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    upload = getattr(view, "accepts_upload", False)
    request.max_content_length = current_app.config[
        "MAX_UPLOAD_BYTES" if upload else "MAX_FORM_BYTES"
    ]


def init_request_limits(app: Flask) -> None:
    """Must run before CSRFProtect and the limiter register their hooks (both read forms)."""
    app.before_request(limit_request_size)
