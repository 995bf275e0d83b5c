"""Fixtures: a fresh app per test on SQLite (default) or TEST_DATABASE_URL (PostgreSQL)."""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings

from trainer import create_app
from trainer.extensions import db
from trainer.hr.people.service import NewUser, create_user
from trainer.models import User

# CI runs the same examples every time (a found bug is reproducible, and a green run does not
# turn red by chance); on a developer's machine hypothesis keeps exploring new examples.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

PASSWORD = "correct-horse-1"
ROLE_USERS = {
    "learner": ("L0001", "学员小张", {"learner"}),
    "trainer": ("T0001", "培训师老王", {"trainer", "learner"}),
    "assessor": ("A0001", "考核员小李", {"assessor", "learner"}),
    "hr": ("H0001", "人事小陈", {"hr", "learner"}),
    "admin": ("M0001", "管理员老赵", {"admin", "learner"}),
}


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The test body holds an app context of its own (to use db.session directly); without
    this, requests would share its `g` (the signed-in user, the locale) and its session.
    The test's session is committed before each request (so the request sees the test's
    changes) and after it (so the test then reads what the request wrote).
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect followed from inside a request's context
            return super().open(*args, **kwargs)
        db.session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            db.session.commit()


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database a URL names when it is missing (connecting to the
    server's `postgres` database to do so), so `TEST_DATABASE_URL=.../trainer_test` works on a
    fresh server. Two runs creating it at once are fine: the loser finds it there."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return
    server = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def exists(connection) -> bool:
        return bool(
            connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            )
        )

    try:
        with server.connect() as connection:
            if not exists(connection):
                quoted = connection.dialect.identifier_preparer.quote(parsed.database)
                try:
                    connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
                except sa.exc.DBAPIError:
                    # Another run (or test worker) made it a moment ago: duplicate_database, or
                    # a unique violation on pg_database when both inserted at once.
                    if not exists(connection):
                        raise
    finally:
        server.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        ensure_database(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Build the schema once per run; each test then starts from empty tables.

    On PostgreSQL every run gets a schema of its own, so two runs on one server (two
    developers, or CI next to a developer) never see each other's tables.
    """
    schema = None
    if database_url.startswith("postgresql"):
        schema = f"test_run_{os.getpid()}"
        admin = sa.create_engine(database_url)
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        # synchronous_commit off: a test's commits need not wait for the disk (a crash loses
        # nothing a test needs); everything else is the server's own setting.
        _ENGINE_OPTIONS["connect_args"] = {
            "options": f"-csearch_path={schema} -csynchronous_commit=off"
        }
    app = create_app(_test_config(database_url, tmp_path_factory.mktemp("content")))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield database_url
    if schema:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()


_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}


def _test_config(database_url: str, content_dir: Path) -> dict:
    return {
        "SQLALCHEMY_ENGINE_OPTIONS": _ENGINE_OPTIONS,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",  # noqa: S105 - tests only
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "CONTENT_DIR": content_dir,
        # Jobs run where they are enqueued (Huey's immediate mode), retries at once; the
        # tests in tests/unit/jobs run a real worker on SQLite and on Redis.
        "JOBS_IMMEDIATE": True,
        "JOBS_RETRY_DELAY": 0,
        "REDIS_URL": None,
    }


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE makes new files for
            # every table and index (about 0.13 s a test, a fifth of the PostgreSQL pass).
            # Ids start again at 1, as on a fresh database (and as SQLite's do after DELETE).
            connection.exec_driver_sql(
                "; ".join(f'DELETE FROM "{table.name}"' for table in tables)
                + "; SELECT setval(c.oid::regclass, 1, false) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )
        else:
            # Self-referencing rows (the department tree) delete in any order this way.
            connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Tests override this (or update the dict) to change settings before the app is built."""
    return {}


@pytest.fixture
def app(_schema, app_config, tmp_path):
    config = _test_config(_schema, tmp_path / "content")
    config.update(app_config)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def csrf_app(app):
    """The app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def make_user(employee_no: str, name: str, roles: set[str], **extra) -> User:
    user = create_user(
        NewUser(
            employee_no=employee_no,
            display_name=name,
            password=PASSWORD,
            roles=frozenset(roles),
            **extra,
        )
    )
    db.session.commit()
    return user


@pytest.fixture
def users(app) -> dict[str, User]:
    """One account per role, all with the password PASSWORD."""
    made = {}
    for role, (employee_no, name, roles) in ROLE_USERS.items():
        made[role] = make_user(employee_no, name, roles, department_path="测试公司/华东区/上海一店")
    return made


@contextmanager
def recorded_statements() -> Iterator[list[str]]:
    """Every SQL statement run inside the block."""
    statements: list[str] = []

    def record(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def sign_in(client, login: str, password: str = PASSWORD, **extra):
    return client.post("/auth/login", data={"login": login, "password": password, **extra})


@pytest.fixture
def signed_in(client, users):
    """sign_in_as('hr') signs the test client in as that role's user."""

    def sign_in_as(role: str):
        response = sign_in(client, users[role].employee_no)
        assert response.status_code == 302, response.get_data(as_text=True)
        return users[role]

    return sign_in_as


def count_rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def courses_dir(app) -> Path:
    """The test fixture courses (basics, store-service) copied into this test's content dir."""
    from tests.course_helpers import copy_fixture_courses

    return copy_fixture_courses(Path(app.config["CONTENT_DIR"]))


@pytest.fixture
def synced(app, courses_dir):
    """Fixture courses on disk and loaded into the database."""
    from trainer.courses.sync import sync_content

    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert set(report.outcomes.values()) == {"new"}, report.problems
    return courses_dir


@pytest.fixture
def paths_dir(app):
    """A career path over the fixture courses, in this test's content folder."""
    folder = Path(app.config["CONTENT_DIR"]) / "paths"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "specialist.md").write_text(
        "---\ntitle: 专业技术通道\ntrack: specialist\nlevels:\n"
        "  - id: junior\n    title: 初级服务专员\n    requires: [basics]\n"
        "  - id: middle\n    title: 中级服务专员\n    min_months_in_previous: 6\n"
        "    requires: [basics, store-service]\n---\n介绍。\n",
        encoding="utf-8",
    )
    return folder


def approve_promotions(
    person: User, hr: User, reason: str = "业绩、能力和职业操守都符合要求"
) -> list:
    """HR approves every promotion the person is eligible for (the level job then issues
    the level certificates, at once under the tests' immediate queue)."""
    from trainer.certificates import service
    from trainer.models import LevelPromotion

    eligible = db.session.scalars(
        sa.select(LevelPromotion.id).where(
            LevelPromotion.user_id == person.id, LevelPromotion.status == "eligible"
        )
    ).all()
    return [service.decide_promotion(hr, promotion_id, True, reason) for promotion_id in eligible]
