"""Database set-up that the ORM does not do for us.

SQLite is the embedded default: it needs WAL (readers never block the writer),
foreign keys switched on per connection, a busy timeout, and - for a transaction
that reads and then writes - BEGIN IMMEDIATE, so two such transactions queue up
instead of one failing with "database is locked" when it tries to upgrade its lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from trainer.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 15_000
_BEGIN_OPTION = "trainer_sqlite_begin"


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block as one transaction that may read, then write.

    Commits at the end, rolls back on any exception, so nothing is half-saved.
    On SQLite it begins IMMEDIATE (takes the write lock up front); elsewhere the
    database's own isolation and constraints apply.
    """
    session = db.session()  # the request's Session itself, not the scoped proxy
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("write_transaction() started with unsaved changes in the session")
    if session.in_transaction():
        # End the read-only transaction the request opened (e.g. loading the user),
        # otherwise SQLite would keep its old snapshot and fail on upgrade.
        session.commit()
    session.connection(execution_options={_BEGIN_OPTION: "IMMEDIATE"})
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
