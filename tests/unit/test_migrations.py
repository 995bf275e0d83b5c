"""`flask db upgrade` builds the schema from nothing, and it matches the models."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from tests.migration_helpers import empty_database_app
from trainer import create_app
from trainer.extensions import db


def test_upgrade_from_nothing_matches_models(database_url, tmp_path):
    with empty_database_app(database_url, tmp_path):
        upgrade()
        with db.engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            assert {"users", "user_roles", "departments", "positions"} <= tables
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], "models changed without a migration: flask db migrate"


@pytest.mark.parametrize("run_twice", [True])
def test_upgrade_twice_is_harmless(tmp_path, run_twice):
    url = f"sqlite:///{tmp_path / 'twice.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        upgrade()
        assert db.session.scalar(sa.text("SELECT count(*) FROM alembic_version")) == 1
        db.engine.dispose()
