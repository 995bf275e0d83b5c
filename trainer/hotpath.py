"""Lean reads for the busiest requests: a lesson page, submitting an exam.

On this hardware the ORM session costs about 0.4 ms per request before a row is read
(autobegin, BEGIN, identity map, rollback), more than the whole hello-world request it is
benchmarked against (bench/README.md). These requests instead run a few Core statements,
compiled once per dialect, on a pooled DBAPI connection: no ORM objects, no session.

Reads only, each thread on a connection of its own in autocommit mode, so each statement
sees the latest committed data and no transaction is left open. Results come back as the
driver gives them: select integers and strings, not dates or booleans that SQLAlchemy
would convert.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, session

from trainer.extensions import db


class LeanQuery:
    """A Core SELECT run straight on the DBAPI; `rows(**params)` returns plain tuples."""

    def __init__(self, statement: sa.Select) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict]] = {}
        self._lock = threading.Lock()

    def _for(self, dialect) -> tuple[str, tuple[str, ...] | None, dict]:
        found = self._compiled.get(dialect.name)
        if found is None:
            with self._lock:
                compiled = self.statement.compile(dialect=dialect)
                positional = dialect.paramstyle in ("qmark", "numeric", "format")
                order = tuple(compiled.positiontup) if positional else None
                found = (compiled.string, order, dict(compiled.params))
                self._compiled[dialect.name] = found
        return found

    def rows(self, **params: object) -> list[tuple]:
        engine = db.engine
        sql, order, defaults = self._for(engine.dialect)
        values = {**defaults, **params}
        arguments = tuple(values[name] for name in order) if order is not None else values
        for attempt in (1, 2):
            connection = _reader_connection(engine)
            try:
                cursor = connection.cursor()
                try:
                    cursor.execute(sql, arguments)
                    return cursor.fetchall()
                finally:
                    cursor.close()
            except engine.dialect.loaded_dbapi.Error:
                _close_reader()  # e.g. the server restarted: one retry on a new connection
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def first(self, **params: object) -> tuple | None:
        found = self.rows(**params)
        return found[0] if found else None


class _Reader(threading.local):
    """Each thread's own connection for lean reads, taken out of the pool for good:
    checking a connection out of SQLAlchemy's pool and back costs more than the query."""

    engine = None
    connection = None


_reader = _Reader()


def _reader_connection(engine: sa.Engine):
    if _reader.engine is not engine:  # first use in this thread, or another app's engine
        _close_reader()
        connection = engine.raw_connection()
        connection.detach()  # ours until the thread ends; the pool forgets it
        if engine.dialect.name != "sqlite":
            # Autocommit: each read sees the latest commits and no transaction stays open.
            # (The pool's pre-ping may have begun one.)
            connection.dbapi_connection.rollback()
            connection.dbapi_connection.autocommit = True
        _reader.engine, _reader.connection = engine, connection
    return _reader.connection


def _close_reader() -> None:
    connection, _reader.engine, _reader.connection = _reader.connection, None, None
    if connection is not None:
        with contextlib.suppress(Exception):  # a broken one is being thrown away anyway
            connection.close()


@dataclass(frozen=True)
class Principal:
    """Who is signed in, as the hot requests need it: enough for access checks, the
    locale and the navigation, without loading the ORM user (views that need more use
    `current_user` as usual)."""

    id: int
    display_name: str
    locale: str | None
    must_change_password: bool
    roles: frozenset[str]

    is_authenticated = True

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def _principal_query() -> LeanQuery:
    from trainer.models import User, UserRole

    # One row per role (one row with no role for a user without any).
    return LeanQuery(
        sa.select(User.display_name, User.locale, User.must_change_password, User.active,
                  User.session_epoch, UserRole.role)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(User.id == sa.bindparam("user_id"))
    )


_principal = None


def principal_from_session() -> Principal | None:
    """The signed-in user named by the session, checked as the user loader checks them
    (exists, active, same session epoch); None when the session names nobody valid.

    A session without a user id (e.g. only a remember-me cookie) is left to Flask-Login.
    """
    global _principal
    session_id = session.get("_user_id")
    if not isinstance(session_id, str):
        return None
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    if _principal is None:
        _principal = _principal_query()
    rows = _principal.rows(user_id=int(user_id))
    if not rows:
        return None
    name, locale, must_change, active, session_epoch, _role = rows[0]
    if not active or session_epoch != int(epoch):
        return None
    return Principal(int(user_id), name, locale, bool(must_change),
                     frozenset(row[5] for row in rows if row[5] is not None))


def current_principal() -> Principal | None:
    """The principal the sign-in check loaded for this request, if it was a lean one."""
    return g.get("principal")
