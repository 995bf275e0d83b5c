"""The lean statements (trainer.hotpath) keep working after a failed statement or a lost
connection: each thread's one connection and cursor are replaced when they break."""

import pytest
import sqlalchemy as sa

from trainer import hotpath
from trainer.extensions import db
from trainer.models import User, UserRole

ROLES_OF = hotpath.LeanQuery(
    sa.select(UserRole.role).where(UserRole.user_id == sa.bindparam("user_id"))
    .order_by(UserRole.role))
NAME_OF = hotpath.LeanQuery(
    sa.select(User.display_name).where(User.id == sa.bindparam("user_id")))
ADD_ROLE = hotpath.LeanStatement(
    sa.insert(UserRole).values(user_id=sa.bindparam("user_id"), role=sa.bindparam("role")))


def test_reads_and_writes_in_a_row_each_see_the_last_commit(app, users):
    learner = users["learner"]
    assert ROLES_OF.rows(user_id=learner.id) == [("learner",)]
    hotpath.lean_write(ADD_ROLE, user_id=learner.id, role="trainer")
    assert NAME_OF.first(user_id=learner.id) == ("学员小张",)
    assert ROLES_OF.rows(user_id=learner.id) == [("learner",), ("trainer",)]


def test_a_refused_write_changes_nothing_and_the_next_statements_work(app, users):
    learner = users["learner"]
    with pytest.raises(db.engine.dialect.loaded_dbapi.IntegrityError):
        hotpath.lean_write(ADD_ROLE, user_id=learner.id, role="learner")  # already has it
    assert ROLES_OF.rows(user_id=learner.id) == [("learner",)]
    hotpath.lean_write(ADD_ROLE, user_id=learner.id, role="hr")
    assert ROLES_OF.rows(user_id=learner.id) == [("hr",), ("learner",)]


def test_a_transaction_that_fails_is_rolled_back_whole(app, users):
    learner = users["learner"]
    with pytest.raises(db.engine.dialect.loaded_dbapi.IntegrityError):
        with hotpath.lean_write_transaction() as transaction:
            transaction.execute(ADD_ROLE, user_id=learner.id, role="assessor")
            transaction.execute(ADD_ROLE, user_id=learner.id, role="learner")  # refused
    assert ROLES_OF.rows(user_id=learner.id) == [("learner",)]  # no assessor either
    with hotpath.lean_write_transaction() as transaction:
        transaction.execute(ADD_ROLE, user_id=learner.id, role="assessor")
        assert transaction.rows(ROLES_OF, user_id=learner.id) == [("assessor",), ("learner",)]
    assert ROLES_OF.rows(user_id=learner.id) == [("assessor",), ("learner",)]


def _lose_the_lean_connection() -> None:
    """What a database restart does to the thread's lean connection."""
    connection = hotpath._reader.connection.dbapi_connection
    if db.engine.dialect.name == "postgresql":
        backend = connection.info.backend_pid
        with db.engine.connect() as other:  # the server ends that session, as on a restart
            ended = other.execute(sa.text("SELECT pg_terminate_backend(:pid)"),
                                  {"pid": backend}).scalar()
        assert ended
    else:
        connection.close()


def test_a_read_after_the_connection_was_lost_is_run_on_a_new_one(app, users):
    learner = users["learner"]
    assert NAME_OF.first(user_id=learner.id) == ("学员小张",)
    lost = hotpath._reader.connection
    _lose_the_lean_connection()
    assert NAME_OF.first(user_id=learner.id) == ("学员小张",)
    assert hotpath._reader.connection is not lost


def test_a_write_after_the_connection_was_lost_fails_once_then_writes_work_again(app, users):
    # Writes are never retried (the caller decides); the broken connection is replaced.
    learner = users["learner"]
    assert ROLES_OF.rows(user_id=learner.id) == [("learner",)]
    _lose_the_lean_connection()
    with pytest.raises(db.engine.dialect.loaded_dbapi.Error):
        hotpath.lean_write(ADD_ROLE, user_id=learner.id, role="hr")
    hotpath.lean_write(ADD_ROLE, user_id=learner.id, role="hr")
    assert ROLES_OF.rows(user_id=learner.id) == [("hr",), ("learner",)]


def test_a_transaction_after_the_connection_was_lost_fails_once_then_works(app, users):
    learner = users["learner"]
    assert ROLES_OF.rows(user_id=learner.id) == [("learner",)]
    _lose_the_lean_connection()
    with pytest.raises(db.engine.dialect.loaded_dbapi.Error):
        with hotpath.lean_write_transaction() as transaction:
            transaction.execute(ADD_ROLE, user_id=learner.id, role="hr")
    with hotpath.lean_write_transaction() as transaction:
        transaction.execute(ADD_ROLE, user_id=learner.id, role="hr")
    assert ROLES_OF.rows(user_id=learner.id) == [("hr",), ("learner",)]
