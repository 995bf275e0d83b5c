"""`flask db upgrade` builds the schema from nothing, and it matches the models."""

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from trainer import create_app
from trainer.extensions import db


def _fresh_database_url(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None
    # A schema of its own on the test server, so the session schema stays untouched.
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS migration_check CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA migration_check")
    return url, engine


def test_upgrade_from_nothing_matches_models(tmp_path):
    url, admin_engine = _fresh_database_url(tmp_path)
    options = {"pool_pre_ping": True}
    if admin_engine is not None:
        options["connect_args"] = {"options": "-csearch_path=migration_check"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "SECRET_KEY": "x"})
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                tables = set(sa.inspect(connection).get_table_names())
                assert {"users", "user_roles", "departments", "positions"} <= tables
                differences = compare_metadata(MigrationContext.configure(connection),
                                               db.metadata)
            db.engine.dispose()
        assert differences == [], "models changed without a migration: flask db migrate"
    finally:
        if admin_engine is not None:
            with admin_engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA IF EXISTS migration_check CASCADE")
            admin_engine.dispose()


@pytest.mark.parametrize("run_twice", [True])
def test_upgrade_twice_is_harmless(tmp_path, run_twice):
    url = f"sqlite:///{tmp_path / 'twice.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        upgrade()
        assert db.session.scalar(sa.text("SELECT count(*) FROM alembic_version")) == 1
        db.engine.dispose()
