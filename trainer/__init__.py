"""trainer: staff training and certification for service companies."""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from babel import Locale
from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainer.config import PROJECT_ROOT, SUPPORTED_LOCALES, build_config
from trainer.extensions import babel, csrf, db, limiter, login_manager, migrate
from trainer.page_cache import csrf_token_verified_before, remember_verified_token
from trainer.sessions import RememberingSessionInterface
from trainer.web_request import TrainerRequest

PACKAGE_DIR = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PACKAGE_DIR / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    app.config.from_mapping(build_config(Path(app.instance_path)))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PACKAGE_DIR / "translations")
    if config:
        app.config.update(config)
    app.request_class = TrainerRequest
    app.session_interface = RememberingSessionInterface()
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_commands(app)
    from trainer.quizzes import submit_shortcut

    submit_shortcut.install(app)  # last: it checks the hooks registered above
    return app


@functools.cache
def _parsed_locale(code: str) -> Locale:
    return Locale.parse(code)


def select_locale() -> Locale:
    # A parsed Locale, which Flask-Babel takes as it is: parsing the code on every request
    # is a measurable part of a cached lesson page.
    user = g.get("principal") or current_user
    if user and user.is_authenticated and user.locale in SUPPORTED_LOCALES:
        return _parsed_locale(user.locale)
    if session.get("locale") in SUPPORTED_LOCALES:
        return _parsed_locale(session["locale"])
    return _parsed_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def register_extensions(app: Flask) -> None:
    from trainer import models  # noqa: F401  (registers every table on the metadata)
    from trainer.database import configure_engine

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    # Flask-WTF checks exemptions before the method on every request; a GET has nothing to
    # check, so the check runs only for the methods that carry a token.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def protect_from_csrf() -> None:
        if app.config["WTF_CSRF_ENABLED"] and request.method in app.config["WTF_CSRF_METHODS"]:
            if csrf_token_verified_before():
                g.csrf_valid = True  # as csrf.protect() marks a request it accepted
                return
            csrf.protect(apply_exemptions=True)
            remember_verified_token()

    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    _skip_limiter_on_lean_views(app)
    login_manager.init_app(app)
    from trainer import jobs

    jobs.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str):
        from trainer.hotpath import parse_session_id
        from trainer.models import User

        parsed = parse_session_id(session_id)
        if parsed is None:
            return None
        user_id, epoch = parsed
        # One query for the user and their roles: this runs on every request.
        user = db.session.scalar(sa.select(User).where(User.id == user_id)
                                 .options(sa.orm.joinedload(User.role_rows)))
        if user is None or not user.active or user.session_epoch != epoch:
            return None
        return user


def _skip_limiter_on_lean_views(app: Flask) -> None:
    """Flask-Limiter's request hooks cost more than a cached lesson page even on a view
    without limits (measured: bench/README.md), so the lean views, which may carry no limits
    (see trainer.auth.access.lean), skip them; every other view runs them as before."""
    from trainer.auth.access import endpoint_is_lean

    def unless_lean(hook):
        @functools.wraps(hook)
        def wrapped(*args):
            if endpoint_is_lean(request.endpoint):
                return args[0] if args else None  # after_request hands the response back
            return hook(*args)

        wrapped.skips_lean_views = True  # trainer.quizzes.submit_shortcut checks for it
        return wrapped

    def is_limiter_hook(hook) -> bool:
        owner = hook.args[0] if isinstance(hook, functools.partial) and hook.args else None
        return getattr(hook, "__self__", owner) is limiter

    for hooks in (app.before_request_funcs[None], app.after_request_funcs[None],
                  app.teardown_request_funcs[None]):
        hooks[:] = [unless_lean(hook) if is_limiter_hook(hook) else hook for hook in hooks]


def register_blueprints(app: Flask) -> None:
    from trainer.assessments.views import bp as assessments_bp
    from trainer.auth.views import bp as auth_bp
    from trainer.authoring.views import bp as authoring_bp
    from trainer.certificates.views import bp as certificates_bp
    from trainer.courses.views import bp as courses_bp
    from trainer.main.views import bp as main_bp
    from trainer.people.views import bp as people_bp
    from trainer.plans.views import bp as plans_bp
    from trainer.plans.views import training_bp
    from trainer.quizzes.views import bp as quizzes_bp
    from trainer.reminders.views import bp as notifications_bp
    from trainer.reports.views import bp as reports_bp
    from trainer.staff.views import bp as staff_bp
    from trainer.templating import register_filters

    for blueprint in (main_bp, auth_bp, people_bp, courses_bp, authoring_bp, quizzes_bp,
                      certificates_bp,
                      assessments_bp,
                      staff_bp, plans_bp, training_bp, reports_bp, notifications_bp):
        app.register_blueprint(blueprint)
    register_filters(app)


# Pages a user whose password was reset may still use before choosing a new one.
_ALLOWED_DURING_FORCED_CHANGE = {"auth.change_password", "auth.logout", "main.set_language",
                                 "static"}


# Added to every response that does not set its own (media files set a stricter CSP).
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
)


def register_request_hooks(app: Flask) -> None:
    from trainer.auth.access import (
        endpoint_companion,
        endpoint_is_lean,
        endpoint_is_public,
        viewer,
    )
    from trainer.hotpath import principal_from_session
    from trainer.navigation import ROLE_LABELS, navigation_for

    @app.before_request
    def require_sign_in():
        if endpoint_is_public(request.endpoint):
            return None
        if endpoint_is_lean(request.endpoint):
            # Nobody valid in the session: Flask-Login decides below (remember-me cookie,
            # or the sign-in page).
            g.principal = principal_from_session(endpoint_companion(request.endpoint),
                                                 request.view_args)
        user = viewer()
        if not user.is_authenticated:
            return app.login_manager.unauthorized()
        if user.must_change_password and (
            request.endpoint not in _ALLOWED_DURING_FORCED_CHANGE
        ):
            flash(_l("Choose a new password before you continue."), "info")
            return redirect(url_for("auth.change_password"))
        return None

    @app.context_processor
    def inject_layout():
        from flask_babel import get_locale

        return {
            "site_name": app.config["SITE_NAME"],
            "viewer": viewer(),
            "navigation": navigation_for(viewer()),
            "role_labels": ROLE_LABELS,
            "current_locale": str(get_locale()),
            "supported_locales": SUPPORTED_LOCALES,
        }

    @app.after_request
    def security_headers(response):
        # One pass over the headers: Headers.setdefault raises and catches a KeyError per
        # missing header, a visible cost on the cached lesson page.
        present = {name.lower() for name, _value in response.headers}
        for name, value in SECURITY_HEADERS:
            if name.lower() not in present:
                response.headers.add(name, value)
        return response


def register_errorhandlers(app: Flask) -> None:
    from trainer.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from trainer.cli import trainer_cli

    app.cli.add_command(trainer_cli)
