"""HTTP headers every response carries unless the view set its own."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

# Media files set a stricter Content-Security-Policy of their own.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
)


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
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
