"""Content sync: 100 generated courses loaded into a fresh database, then synced again.

Three cases, each timed around `sync_content` alone (the course generation and the edits
are not timed):
  first    - empty database, all courses new
  none     - nothing changed on disk since the last sync
  changed  - one file edited in every course, so every course gets a new version
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bench.courses import change_one_file_each, generate_catalogue
from bench.load import LoadWindow
from bench.report import Goal, Section, seconds

COURSE_COUNT = 100
ROUNDS = int(os.environ.get("BENCH_SYNC_ROUNDS", "3"))
NONE_CHANGED_PER_ROUND = 2
GOALS = {"none": 1.0, "changed": 5.0}  # seconds; the first sync has no goal
CASES = {
    "first": ("first sync, all new", "new"),
    "none": ("second sync, none changed", "unchanged"),
    "changed": ("one file changed in every course", "updated"),
}
BENCH_DATABASE = "bench"  # a PostgreSQL database of its own, beside the tests' one


@dataclass
class SyncTimings:
    database: str
    detail: str
    load: LoadWindow = field(default_factory=LoadWindow)
    runs: dict[str, list[float]] = field(default_factory=lambda: {case: [] for case in CASES})


def run_sync_benchmarks() -> Section:
    section = Section("Content sync", [])
    with tempfile.TemporaryDirectory(prefix="trainer-bench-sync-") as scratch:
        content_dir = Path(scratch) / "content"
        slugs = generate_catalogue(content_dir, COURSE_COUNT)
        practicals = sum(
            (content_dir / "courses" / slug / "practical.md").is_file() for slug in slugs
        )
        print(f"sync: generated {len(slugs)} courses in {content_dir}", flush=True)
        results = [
            _time_sync(
                "SQLite (WAL)",
                f"sqlite:///{scratch}/bench.sqlite3",
                content_dir,
                slugs,
                fresh_sqlite=Path(scratch) / "bench.sqlite3",
            )
        ]
        server_url = postgres_url()
        if server_url:
            with postgres_bench_database(server_url) as (url, detail):
                results.append(_time_sync("PostgreSQL", url, content_dir, slugs, detail=detail))
    section.lines.append(
        f"{COURSE_COUNT} generated courses (copies of content/courses, 4-5 lessons each, "
        f"20-question quizzes, {practicals} with practical.md); "
        f"{ROUNDS} rounds, each on a fresh database: one first sync, "
        f"{NONE_CHANGED_PER_ROUND} unchanged syncs, one sync after editing one lesson in "
        f"every course. Goals are checked against the median; the max is shown beside it."
    )
    section.lines.append("")
    section.lines.append("| database | case | runs | median | max | goal |")
    section.lines.append("|---|---|---|---|---|---|")
    for result in results:
        for case, (label, _outcome) in CASES.items():
            runs = result.runs[case]
            median, worst = statistics.median(runs), max(runs)
            goal = GOALS.get(case)
            verdict = "no goal"
            if goal is not None:
                sync_goal = Goal(
                    f"sync {result.database}: {label} <= {goal:g} s", median <= goal, worst <= goal
                )
                section.goals.append(sync_goal)
                verdict = f"<= {goal:g} s: {sync_goal.verdict}"
            section.lines.append(
                f"| {result.database} | {label} | {len(runs)} | {seconds(median)} | "
                f"{seconds(worst)} | {verdict} |"
            )
    section.lines.append("")
    section.lines.extend(
        f"- {r.database}: {r.detail}; while it ran, {r.load.describe()}." for r in results
    )
    if not postgres_url():
        section.lines.append("- PostgreSQL: not run (set BENCH_DATABASE_URL or TEST_DATABASE_URL).")
    return section


def _time_sync(
    database: str,
    url: str,
    content_dir: Path,
    slugs: list[str],
    *,
    fresh_sqlite: Path | None = None,
    detail: str = "",
) -> SyncTimings:
    from trainer import create_app
    from trainer.extensions import db

    timings = SyncTimings(database, detail)
    # PostgreSQL's own processes work for the benchmark, so they do not count as others.
    timings.load = LoadWindow(commands=() if fresh_sqlite else ("postgres",)).start()
    edits = 0
    for round_number in range(1, ROUNDS + 1):
        if fresh_sqlite is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{fresh_sqlite}{suffix}").unlink(missing_ok=True)
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "CONTENT_DIR": content_dir}
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            if fresh_sqlite is not None and round_number == 1:
                mode = db.session.execute(sa.text("PRAGMA journal_mode")).scalar()
                if mode != "wal":
                    raise RuntimeError(f"SQLite journal_mode is {mode!r}, expected 'wal'")
                version = db.session.execute(sa.text("SELECT sqlite_version()")).scalar()
                timings.detail = f"journal_mode={mode}, SQLite {version}"
            db.session.remove()
            for case in ["first", *["none"] * NONE_CHANGED_PER_ROUND, "changed"]:
                if case == "changed":
                    edits += 1
                    change_one_file_each(content_dir, slugs, edits)
                elapsed = _timed_sync(content_dir, slugs, case, database)
                timings.runs[case].append(elapsed)
                print(f"sync {database} round {round_number} {case}: {elapsed:.3f} s", flush=True)
            if fresh_sqlite is None:
                db.drop_all()
            db.engine.dispose()
    timings.load.stop()
    return timings


def _timed_sync(content_dir: Path, slugs: list[str], case: str, database: str) -> float:
    from trainer.courses.sync import sync_content
    from trainer.extensions import db

    started = time.perf_counter()
    report = sync_content(content_dir)
    elapsed = time.perf_counter() - started
    db.session.remove()  # the next sync starts as a new command would
    _check_outcomes(report.outcomes, slugs, CASES[case][1], database, case)
    return elapsed


def _check_outcomes(
    outcomes: dict[str, str], slugs: list[str], expected: str, database: str, case: str
) -> None:
    wrong = {slug: outcomes.get(slug) for slug in slugs if outcomes.get(slug) != expected}
    extra = set(outcomes) - set(slugs)
    if wrong or extra:
        sample = dict(list(wrong.items())[:5])
        raise RuntimeError(
            f"sync {database} {case}: expected every course {expected!r}, "
            f"got {len(wrong)} otherwise (e.g. {sample}), extra: {extra}"
        )


def postgres_url() -> str | None:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or None


@contextmanager
def postgres_bench_database(url: str) -> Iterator[tuple[str, str]]:
    """A PostgreSQL database the tests never use.

    BENCH_DATABASE_URL is taken as the benchmark's own. With only TEST_DATABASE_URL, a
    sibling database `bench` is created on the same server; if that is not allowed, a
    schema `bench` inside the test database is used through search_path.
    """
    if os.environ.get("BENCH_DATABASE_URL"):
        yield url, f"BENCH_DATABASE_URL ({_server_version(url)})"
        return
    test_url = sa.make_url(url)
    bench_url = test_url.set(database=BENCH_DATABASE)
    try:
        _create_database_if_missing(test_url, BENCH_DATABASE)
    except Exception as error:  # no CREATEDB right: fall back to a schema of our own
        print(
            f"sync: cannot create database {BENCH_DATABASE!r} ({error}); using a schema", flush=True
        )
        with _schema_in(test_url, BENCH_DATABASE) as schema_url:
            yield (
                schema_url,
                (f"schema {BENCH_DATABASE!r} in the test database ({_server_version(url)})"),
            )
        return
    rendered = bench_url.render_as_string(hide_password=False)
    yield rendered, f"database {BENCH_DATABASE!r} beside the test database ({_server_version(url)})"


def _libpq_url(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _create_database_if_missing(url: sa.URL, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_libpq_url(url), autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextmanager
def _schema_in(url: sa.URL, schema: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_libpq_url(url), autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    schema_url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield schema_url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq_url(url), autocommit=True, connect_timeout=5) as connection:
            connection.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
            )


def _server_version(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return "PostgreSQL " + connection.execute(sa.text("SHOW server_version")).scalar()
    finally:
        engine.dispose()
