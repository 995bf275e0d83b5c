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

from flask import abort, current_app, g, request
from flask_login import current_user

PUBLIC = "public"
SIGNED_IN = "signed-in"


def public(view: Callable) -> Callable:
    view.access = PUBLIC
    return view


def lean(view: Callable | None = None, *, companion: Any = None) -> Callable:
    """Mark a busy signed-in view (put it under @login_required or @role_required): the
    sign-in check loads a `trainer.hotpath.Principal` for it instead of the ORM user, and
    Flask-Limiter skips it (a lean view must not carry a rate limit).

    `companion` (a `trainer.hotpath.Companion`) names a row the view needs, read in the
    same statement as the principal: the view finds it with `lean_companion_row()`.
    """
    def mark(view: Callable) -> Callable:
        view.lean = True
        view.lean_companion = companion
        return view

    return mark(view) if view is not None else mark


def viewer():
    """Who is signed in: the request's lean principal if it has one, else `current_user`."""
    return g.get("principal") or current_user


def login_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if g.get("principal") is None and not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.access = SIGNED_IN
    return wrapped


def role_required(*roles: str) -> Callable[[Callable], Callable]:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            who = viewer()
            if not who.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not who.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = frozenset(roles)
        return wrapped

    return decorator


def view_access(view: Callable | None) -> str | frozenset[str] | None:
    return getattr(view, "access", None)


def endpoint_is_lean(endpoint: str | None) -> bool:
    return bool(getattr(current_app.view_functions.get(endpoint), "lean", False))


def endpoint_companion(endpoint: str | None) -> Any:
    return getattr(current_app.view_functions.get(endpoint), "lean_companion", None)


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
