"""Flask-Login's side of signing in: who the session names, and where anonymous people go."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainer.auth.access import endpoint_is_public
from trainer.extensions import db, login_manager
from trainer.models import User

# Pages a user whose password was reset may still use before choosing a new one.
ALLOWED_DURING_FORCED_CHANGE = {
    "auth.change_password",
    "auth.logout",
    "main.set_language",
    "static",
}


def parse_session_id(session_id: object) -> tuple[int, int] | None:
    """(user id, session epoch) from the id Flask-Login keeps in the session (User.get_id);
    None for anything else."""
    if not isinstance(session_id, str):
        return None
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    return int(user_id), int(epoch)


def load_user(session_id: str) -> User | None:
    """The session's user, if they still exist, are active and their sessions have not been
    ended since (a password change or deactivation bumps the session epoch)."""
    parsed = parse_session_id(session_id)
    if parsed is None:
        return None
    user_id, epoch = parsed
    user = db.session.scalar(
        sa.select(User).where(User.id == user_id).options(sa.orm.joinedload(User.role_rows))
    )
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return user


def require_sign_in():
    """Everything not marked public needs a signed-in person; someone whose password was
    reset chooses a new one before anything else."""
    if endpoint_is_public(request.endpoint):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.must_change_password and (request.endpoint not in ALLOWED_DURING_FORCED_CHANGE):
        flash(_l("Choose a new password before you continue."), "info")
        return redirect(url_for("auth.change_password"))
    return None


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(require_sign_in)
