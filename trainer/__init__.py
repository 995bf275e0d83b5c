"""trainer: staff training and certification for service companies."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from trainer.config import PROJECT_ROOT, build_config
from trainer.extensions import csrf, db, limiter, migrate

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
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from trainer import models  # noqa: F401  (registers every table on the metadata)
    from trainer.auth.loader import init_login
    from trainer.database import configure_engine
    from trainer.i18n import init_i18n
    from trainer.jobs import init_app as init_jobs
    from trainer.navigation import layout_context
    from trainer.observability import init_app as init_observability
    from trainer.security import (
        init_proxy,
        init_request_limits,
        init_security_headers,
        init_url_rules,
    )

    init_observability(app)  # first: its hooks see (and time) every request, refused ones too
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    init_request_limits(app)  # before CSRF and the limiter read any request body
    init_url_rules(app)
    csrf.init_app(app)
    init_i18n(app)
    limiter.init_app(app)
    init_login(app)
    app.context_processor(layout_context)
    init_security_headers(app)
    init_jobs(app)
    init_proxy(app)


def register_blueprints(app: Flask) -> None:
    from trainer.assessments.views import bp as assessments_bp
    from trainer.audit.views import bp as audit_bp
    from trainer.auth.views import bp as auth_bp
    from trainer.authoring.views import bp as authoring_bp
    from trainer.certificates.views import bp as certificates_bp
    from trainer.courses.views import bp as courses_bp
    from trainer.hr.invitations.views import bp as invitations_bp
    from trainer.hr.people.views import bp as people_bp
    from trainer.hr.plans.views import bp as plans_bp
    from trainer.hr.plans.views import training_bp
    from trainer.hr.reminders.views import bp as reminders_bp
    from trainer.hr.reports.views import bp as reports_bp
    from trainer.hr.staff.views import bp as staff_bp
    from trainer.main.views import bp as main_bp
    from trainer.notifications.views import bp as notifications_bp
    from trainer.observability.views import bp as ops_bp
    from trainer.quizzes.views import bp as quizzes_bp
    from trainer.templating import register_filters

    for blueprint in (
        main_bp,
        auth_bp,
        people_bp,
        invitations_bp,
        courses_bp,
        authoring_bp,
        quizzes_bp,
        certificates_bp,
        assessments_bp,
        staff_bp,
        plans_bp,
        training_bp,
        reports_bp,
        reminders_bp,
        notifications_bp,
        audit_bp,
        ops_bp,
    ):
        app.register_blueprint(blueprint)
    register_filters(app)


def register_errorhandlers(app: Flask) -> None:
    from trainer.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from trainer.cli import trainer_cli

    app.cli.add_command(trainer_cli)
