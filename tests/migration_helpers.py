"""An app on a database with nothing in it, for tests that run the migrations themselves."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from trainer import create_app
from trainer.extensions import db


def _fresh_database(database_url: str, tmp_path: Path):
    """A database with nothing in it: a new SQLite file, or on PostgreSQL a schema of this
    run's own (two runs on one server, or a run next to the session's schema, never meet)."""
    if not database_url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / f'migrated-{uuid.uuid4().hex[:8]}.sqlite3'}", None, None
    schema = f"migration_check_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    return database_url, engine, schema


@contextmanager
def empty_database_app(
    database_url: str, tmp_path: Path, config: dict | None = None
) -> Iterator[Flask]:
    """An app whose database is empty (no tables, no alembic_version), inside its app
    context; the SQLite file or PostgreSQL schema is dropped afterwards."""
    url, admin_engine, schema = _fresh_database(database_url, tmp_path)
    options: dict = {"pool_pre_ping": True}
    if schema is not None:
        options["connect_args"] = {"options": f"-csearch_path={schema}"}
    settings = {"SECRET_KEY": "x", **(config or {})}
    settings.update({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
    app = create_app(settings)
    try:
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        if admin_engine is not None:
            with admin_engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            admin_engine.dispose()
