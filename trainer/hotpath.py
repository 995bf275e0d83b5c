"""Lean reads for the busiest requests: a lesson page, submitting an exam.

On this hardware the ORM session costs about 0.4 ms per request before a row is read
(autobegin, BEGIN, identity map, rollback), more than the whole hello-world request it is
benchmarked against (bench/README.md). These requests instead run a few Core statements,
compiled once per dialect, on a pooled DBAPI connection: no ORM objects, no session.

Each thread runs them on a connection of its own in autocommit mode, so each read sees the
latest committed data and no transaction is left open; writes are one statement
(lean_write) or a short explicit transaction (lean_write_transaction). Results come back as the
driver gives them: select integers and strings, not dates or booleans that SQLAlchemy
would convert.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, session

from trainer.extensions import db
from trainer.models import User, UserRole

# Called with each SQL text a lean statement runs (tests count queries with it, as they
# do with SQLAlchemy's before_cursor_execute event for everything else).
statement_listeners: list[Callable[[str], None]] = []


@dataclass
class _Compiled:
    sql: str
    order: tuple[str, ...] | None  # positional parameters' names; None: named parameters
    defaults: dict
    binds: dict[str, Callable]  # parameter name -> its type's bind processor
    typed: bool
    # (column position, its type's result processor) for the columns that have one: known
    # after the first run, as some depend on the type the driver reports (cursor.description).
    results: tuple | None = None

    def convert(self, statement, dialect, cursor, found: list[tuple]) -> list[tuple]:
        if not self.typed:
            return found
        if self.results is None:
            processors = [
                column.type._cached_result_processor(dialect, described[1])
                for column, described in zip(statement.selected_columns, cursor.description,
                                             strict=True)]
            # Only the columns that have a processor, by position (most have none).
            self.results = tuple((index, process) for index, process in enumerate(processors)
                                 if process is not None)
        converted = []
        for row in found:
            row = list(row)
            for index, process in self.results:
                if row[index] is not None:
                    row[index] = process(row[index])
            converted.append(tuple(row))
        return converted

    def arguments(self, params: dict) -> tuple | dict:
        values = {**self.defaults, **params}
        for name, process in self.binds.items():
            if values.get(name) is not None:
                values[name] = process(values[name])
        return tuple(values[name] for name in self.order) if self.order is not None else values


class LeanStatement:
    """A Core statement compiled once per dialect and run straight on the DBAPI, with each
    parameter going through its SQLAlchemy type's bind processor (JSON, datetimes...)."""

    typed = False

    def __init__(self, statement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def compiled(self, dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            with self._lock:
                compiled = self.statement.compile(dialect=dialect)
                positional = dialect.paramstyle in ("qmark", "numeric", "format")
                binds = {}
                for name, bind in compiled.binds.items():
                    process = bind.type._cached_bind_processor(dialect)
                    if process is not None:
                        binds[name] = process
                found = _Compiled(compiled.string,
                                  tuple(compiled.positiontup) if positional else None,
                                  dict(compiled.params), binds, self.typed)
                self._compiled[dialect.name] = found
        return found


class LeanQuery(LeanStatement):
    """A SELECT; `rows(**params)` returns plain tuples, on this thread's reader connection.

    With `typed=True` each column goes through its SQLAlchemy type's result processor
    (JSON text to Python, SQLite's datetime strings to datetimes), as the ORM would give it.
    """

    def __init__(self, statement: sa.Select, typed: bool = False) -> None:
        super().__init__(statement)
        self.typed = typed

    def rows(self, **params: object) -> list[tuple]:
        engine = db.engine
        compiled = self.compiled(engine.dialect)
        arguments = compiled.arguments(params)
        for attempt in (1, 2):
            cursor = _reader_cursor(engine)
            try:
                _execute(cursor, compiled.sql, arguments)
                return compiled.convert(self.statement, engine.dialect, cursor,
                                        cursor.fetchall())
            except engine.dialect.loaded_dbapi.Error:
                _close_reader()  # e.g. the server restarted: one retry on a new connection
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def first(self, **params: object) -> tuple | None:
        found = self.rows(**params)
        return found[0] if found else None


def _execute(cursor, sql: str, arguments) -> None:
    for listener in statement_listeners:
        listener(sql)
    cursor.execute(sql, arguments)


class LeanTransaction:
    """What `lean_write_transaction()` yields: run lean statements inside it."""

    def __init__(self, cursor, dialect) -> None:
        self.cursor = cursor
        self.dialect = dialect

    def rows(self, query: LeanQuery, **params: object) -> list[tuple]:
        compiled = query.compiled(self.dialect)
        _execute(self.cursor, compiled.sql, compiled.arguments(params))
        return compiled.convert(query.statement, self.dialect, self.cursor,
                                self.cursor.fetchall())

    def execute(self, statement: LeanStatement, **params: object) -> None:
        compiled = statement.compiled(self.dialect)
        _execute(self.cursor, compiled.sql, compiled.arguments(params))

    def executemany(self, statement: LeanStatement, rows: list[dict]) -> None:
        compiled = statement.compiled(self.dialect)
        for listener in statement_listeners:
            listener(compiled.sql)
        self.cursor.executemany(compiled.sql, [compiled.arguments(row) for row in rows])


@contextlib.contextmanager
def lean_write_transaction() -> Iterator[LeanTransaction]:
    """One transaction on this thread's lean connection: commits at the end, rolls back on
    any exception (a constraint violation included), so nothing is half-saved. On SQLite it
    waits its turn among writers (trainer.database.writer_turn) and begins IMMEDIATE.

    The request's ORM session must not hold unsaved changes; its read transaction is ended
    first, or on SQLite it would keep reading its older snapshot afterwards.
    """
    from trainer.database import end_read_transaction, writer_turn

    end_read_transaction()
    engine = db.engine
    sqlite = engine.dialect.name == "sqlite"
    with writer_turn(engine):
        cursor = _reader_cursor(engine)
        try:
            _execute(cursor, "BEGIN IMMEDIATE" if sqlite else "BEGIN", ())
        except engine.dialect.loaded_dbapi.Error:
            _close_reader()  # e.g. the server restarted: a new connection next time
            raise
        try:
            yield LeanTransaction(cursor, engine.dialect)
            _execute(cursor, "COMMIT", ())
        except BaseException:
            try:
                cursor.execute("ROLLBACK")
            except engine.dialect.loaded_dbapi.Error:
                _close_reader()  # a broken connection: a new one next time
            raise


def lean_write(statement: LeanStatement, **params: object) -> None:
    """One statement that is a transaction of its own, run in autocommit on this thread's
    lean connection: no BEGIN or COMMIT to send. It fails or commits as a whole, so nothing
    is half-saved. On SQLite it waits its turn among writers (writer_turn) like
    lean_write_transaction. Never retried: a constraint violation is the caller's to handle.
    """
    from trainer.database import end_read_transaction, writer_turn

    end_read_transaction()
    engine = db.engine
    compiled = statement.compiled(engine.dialect)
    arguments = compiled.arguments(params)
    with writer_turn(engine):
        cursor = _reader_cursor(engine)
        try:
            _execute(cursor, compiled.sql, arguments)
        except engine.dialect.loaded_dbapi.IntegrityError:
            raise
        except engine.dialect.loaded_dbapi.Error:
            _close_reader()  # e.g. the server restarted: a new connection next time
            raise


class _Reader(threading.local):
    """Each thread's own connection for lean reads, taken out of the pool for good:
    checking a connection out of SQLAlchemy's pool and back costs more than the query.
    Its one cursor is kept too: a new psycopg cursor for each statement costs 10-15 µs of
    CPU more (a prepared select measured on PostgreSQL 15: 72-76 against 61-66 µs). Each
    statement on it is fetched in full before the next one runs."""

    engine = None
    connection = None
    cursor = None


_reader = _Reader()


def _reader_cursor(engine: sa.Engine):
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
        _reader.cursor = connection.cursor()
    return _reader.cursor


def _close_reader() -> None:
    connection = _reader.connection
    _reader.engine = _reader.connection = _reader.cursor = None
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


_PRINCIPAL_COLUMNS = (User.display_name, User.locale, User.must_change_password, User.active,
                      User.session_epoch, UserRole.role)
_ROLE = len(_PRINCIPAL_COLUMNS) - 1  # the role's position; a companion's columns follow


def _principal_select() -> sa.Select:
    # One row per role (one row with no role for a user without any).
    return (sa.select(*_PRINCIPAL_COLUMNS)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(User.id == sa.bindparam("user_id")))


_PRINCIPAL = LeanQuery(_principal_select())


class Companion:
    """A row a lean view needs besides the principal, read in the principal's statement:
    one query, and on PostgreSQL one round trip, instead of two. `select` must return at
    most one row; its bind parameters are the view's URL arguments."""

    def __init__(self, select: sa.Select) -> None:
        found = select.subquery("companion")
        self.query = LeanQuery(_principal_select().add_columns(*found.c)
                               .outerjoin(found, sa.true()), typed=True)


def parse_session_id(session_id: object) -> tuple[int, int] | None:
    """(user id, session epoch) from the id Flask-Login keeps in the session (User.get_id);
    None for anything else."""
    if not isinstance(session_id, str):
        return None
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    return int(user_id), int(epoch)


def principal_from_session(companion: Companion | None = None,
                           view_args: dict | None = None) -> Principal | None:
    """The signed-in user named by the session, checked as the user loader checks them
    (exists, active, same session epoch); None when the session names nobody valid. With a
    companion, its row is read in the same statement (bound to the view's URL arguments
    and the user's id) and kept for lean_companion_row().

    A session without a user id (e.g. only a remember-me cookie) is left to Flask-Login.
    """
    parsed = parse_session_id(session.get("_user_id"))
    if parsed is None:
        return None
    user_id, epoch = parsed
    if companion is None:
        rows = _PRINCIPAL.rows(user_id=user_id)
    else:
        rows = companion.query.rows(user_id=user_id, **(view_args or {}))
    principal = principal_from_rows(rows, user_id, epoch)
    if principal is not None and companion is not None:
        g.lean_companion_read = (companion, {"user_id": user_id, **(view_args or {})},
                                 companion_row(rows))
    return principal


def principal_from_rows(rows: list[tuple], user_id: int, epoch: int) -> Principal | None:
    """The principal in the rows of the principal's query (or a companion's), checked as
    the user loader checks them (exists, active, same session epoch); else None."""
    if not rows:
        return None
    name, locale, must_change, active, session_epoch, _role = rows[0][:_ROLE + 1]
    if not active or session_epoch != epoch:
        return None
    return Principal(user_id, name, locale, bool(must_change),
                     frozenset(row[_ROLE] for row in rows if row[_ROLE] is not None))


def companion_row(rows: list[tuple]) -> tuple | None:
    """The companion's row in the rows of its query; None when it matched nothing."""
    row = rows[0][_ROLE + 1:] if rows else ()
    return None if all(value is None for value in row) else row


def lean_companion_row(companion: Companion, **params: object) -> tuple[bool, tuple | None]:
    """(read, row): whether this request read `companion` with the principal, for these
    parameters (URL arguments, user_id), and the row it found (None: nothing matched). Not
    read, e.g. when a remember-me cookie signed the request in: the view reads it itself."""
    found = g.get("lean_companion_read")
    if found is None or found[0] is not companion or any(
            found[1].get(name) != value for name, value in params.items()):
        return False, None
    return True, found[2]
