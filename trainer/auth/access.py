"""Access declarations that sit on every view.

Each view says who may use it: ``@public``, ``@login_required`` or
``@role_required("hr", "admin")``. A global check refuses anonymous visitors on
everything not marked public, so a route added without a declaration is closed,
not open; a test walks the URL map to keep it that way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask_login import current_user

PUBLIC = "public"
SIGNED_IN = "signed-in"


def public(view: Callable) -> Callable:
    view.access = PUBLIC
    return view


def login_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.access = SIGNED_IN
    return wrapped


def role_required(*roles: str) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = frozenset(roles)
        return wrapped

    return decorator


def view_access(view: Callable | None) -> str | frozenset[str] | None:
    return getattr(view, "access", None)


def endpoint_is_public(endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static":
        return True
    return view_access(current_app.view_functions.get(endpoint)) == PUBLIC


def safe_next(target: str | None) -> str | None:
    """Return target only when it stays on this site (a path, no scheme or host)."""
    if not target:
        return None
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def next_from_request() -> str | None:
    return safe_next(request.args.get("next") or request.form.get("next"))
