"""SQLite runs in WAL with foreign keys, and read-then-write transactions queue up."""

import threading

import pytest
import sqlalchemy as sa

from trainer import create_app
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import Position


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.sqlite3'}",
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_sqlite_uses_wal_foreign_keys_and_a_busy_timeout(sqlite_app):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(sqlite_app):
    from trainer.models import User

    db.session.add(User(employee_no="F1", display_name="x", department_id=12345))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_write_transaction_begins_immediate_on_sqlite(sqlite_app):
    statements = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    db.session.scalar(sa.select(Position.id))  # a read transaction, as a request would open
    with write_transaction():
        db.session.add(Position(code="p1", name="岗位"))
    assert "BEGIN IMMEDIATE" in statements


def test_write_transaction_rolls_back_everything_on_error(sqlite_app):
    with pytest.raises(ValueError), write_transaction():
        db.session.add(Position(code="p1", name="岗位"))
        db.session.flush()
        raise ValueError("half-way")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Position)) == 0


def test_concurrent_read_then_write_transactions_all_succeed(sqlite_app):
    """Each thread reads the counter, then writes it + 1: no lost update, no 'locked' error."""
    with write_transaction():
        db.session.add(Position(code="counter", name="0"))
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def bump():
        try:
            with sqlite_app.app_context():
                barrier.wait()
                for _ in range(5):
                    with write_transaction():
                        row = db.session.scalar(
                            sa.select(Position).where(Position.code == "counter")
                        )
                        row.name = str(int(row.name) + 1)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=bump) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    counter = db.session.scalar(sa.select(Position).where(Position.code == "counter"))
    assert counter.name == "30"


def test_write_transaction_refuses_unsaved_changes(sqlite_app):
    db.session.add(Position(code="p2", name="x"))
    with pytest.raises(RuntimeError), write_transaction():
        pass
    db.session.rollback()


def test_json_columns_keep_what_json_would_keep(app):
    """JSON columns are written with orjson (trainer.extensions.json_text) on SQLite and
    PostgreSQL: Chinese text comes back as it went in, and keys that are not strings come
    back as strings, as with the json module."""
    import json

    from trainer.extensions import json_text
    from trainer.models import AuditEvent

    details = {"reason": "补考一次：上次断网", 3: [1.5, None, True], "nested": {"分": 90}}
    db.session.add(AuditEvent(action="quiz.extra_attempt", subject_type="course", details=details))
    db.session.commit()
    db.session.expunge_all()
    stored = db.session.scalar(sa.select(AuditEvent.details))
    assert stored == json.loads(json.dumps(details))
    assert stored["3"] == [1.5, None, True] and stored["reason"] == "补考一次：上次断网"
    assert json.loads(json_text(details)) == json.loads(json.dumps(details))
