"""`flask db upgrade` builds the schema from nothing, and it matches the models."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from trainer import create_app
from trainer.extensions import db


def _fresh_database(database_url, tmp_path):
    """A database with nothing in it: a new SQLite file, or on PostgreSQL a schema of this
    run's own (two runs on one server, or a run next to the session's schema, never meet)."""
    if not database_url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None, None
    schema = f"migration_check_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    return database_url, engine, schema


def test_upgrade_from_nothing_matches_models(database_url, tmp_path):
    url, admin_engine, schema = _fresh_database(database_url, tmp_path)
    options = {"pool_pre_ping": True}
    if schema is not None:
        options["connect_args"] = {"options": f"-csearch_path={schema}"}
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options, "SECRET_KEY": "x"}
    )
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                tables = set(sa.inspect(connection).get_table_names())
                assert {"users", "user_roles", "departments", "positions"} <= tables
                differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            db.engine.dispose()
        assert differences == [], "models changed without a migration: flask db migrate"
    finally:
        if admin_engine is not None:
            with admin_engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
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
