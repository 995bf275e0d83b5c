"""Quiz submit-and-grade under load: many learners each submit their own open attempt once.

The real app under gunicorn on a database prepared by `flask trainer setup`, plus learners
with open 10-question attempts made by the app's own service (`start_attempt`). Each learner
signs in through the form and reads one of their attempt pages (200, the CSRF token). wrk
then POSTs every prepared answer form once (bench/wrk_submit.lua): every request is the
first submission of a different attempt, answered in full, so each is graded and stored -
a repeated submit would only read back the stored result. Compared with hello-world under
the same gunicorn settings and the same wrk settings, measured just before on the same
database run.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bench.report import Section
from bench.servers import GUNICORN_SETTINGS, ROOT, Server, gunicorn, http_request
from bench.sync import postgres_bench_database, postgres_url
from bench.web import (
    WrkResult,
    app_environment,
    csrf_token,
    flask_command,
    require_wrk,
    run_wrk,
    session_cookie,
    sign_in,
)

BENCH_DIR = Path(__file__).resolve().parent
SUBMIT_SCRIPT = BENCH_DIR / "wrk_submit.lua"
HELLO_SCRIPT = BENCH_DIR / "wrk_report.lua"
CONNECTIONS = 32
# One wrk thread: it takes the prepared submits from one queue, so none is left unused while
# another thread has run out (one thread keeps 32 connections busy at these rates).
WRK_THREADS = 1
# Shorter than the lesson runs: every submit needs an open attempt made beforehand by the
# app's own service (about 20 ms each), and at the current pace 10 s would need ~10,000.
WRK_SECONDS = int(os.environ.get("BENCH_QUIZ_SECONDS", "5"))
WARMUP_SECONDS = 2
# Open attempts prepared: for each of two warm-ups, then as many as the second one's pace
# says the measured run needs, with some to spare.
# Should they run out before the time is up (wrk's rate would then be too low), the measured
# run is done once more with more.
# The first may run out: it only wakes the workers; the second should last its 2 s.
WARMUP_ATTEMPTS = (150, 1500)
SPARE = 1.5
MAX_ATTEMPTS = 12000
SUBMIT_ANSWER = "a 302 to the attempt's result"
PASSWORD = "bench-pass-1"
# Cheap hashes: signing 300+ learners in is set-up, not what is measured.
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
SIGN_IN_THREADS = 8


@dataclass
class Prepared:
    """One open attempt and the answer form its learner will send (without CSRF token)."""

    employee_no: str
    attempt_id: int
    fields: dict[str, list[str]]
    passing: bool


@dataclass
class QuizRun:
    database: str
    detail: str
    courses: list[str] = field(default_factory=list)
    assessed: list[str] = field(default_factory=list)  # passing does not complete these
    learners: int = 0
    hello: WrkResult | None = None  # the faster of the two hello-world runs
    hello_rates: tuple[float, float] = (0.0, 0.0)  # before and after the submits
    submit: WrkResult | None = None
    prepared: int = 0  # open attempts prepared for the measured run
    graded: int = 0  # of them, graded in the database during the measured run
    passed: int = 0

    @property
    def server_cpu_ms_per_submit(self) -> float:
        return 1000 * self.submit.server_cpu_seconds / self.graded if self.graded else 0.0

    @property
    def database_cpu_ms_per_submit(self) -> float:
        return 1000 * self.submit.database_cpu_seconds / self.graded if self.graded else 0.0


def run_quiz_benchmark() -> Section:
    wrk = require_wrk()
    runs = []
    with tempfile.TemporaryDirectory(prefix="trainer-bench-quiz-") as scratch:
        sqlite_url = f"sqlite:///{Path(scratch) / 'trainer.sqlite3'}"
        runs.append(_run("SQLite (WAL)", sqlite_url, "", Path(scratch), wrk))
        url = postgres_url()
        if url:
            with postgres_bench_database(url) as (bench_url, detail):
                runs.append(
                    _run("PostgreSQL", bench_url, detail, Path(scratch), wrk, postgres=True)
                )
    return _section(runs, postgres_ran=bool(postgres_url()))


def _run(
    database: str, url: str, detail: str, scratch: Path, wrk: str, postgres: bool = False
) -> QuizRun:
    if postgres:
        _drop_every_table(url)
    env = app_environment(url)
    flask_command(env, "trainer", "setup", label="quiz")
    run = QuizRun(database, detail)
    exams = _Exams(url, run)
    try:
        database_commands = ("postgres",) if postgres else ()
        with ExitStack() as stack:
            log = scratch / f"quiz-{'pg' if postgres else 'sqlite'}"
            app = stack.enter_context(gunicorn("trainer", "app:app", env, log.with_suffix(".log")))
            hello = stack.enter_context(
                gunicorn("hello", "bench.hello_app:app", env, log.with_suffix(".hello.log"))
            )
            ours = (app.process.pid, hello.process.pid)

            def load(server: Server, script: Path, arguments: list[str], seconds: int, what: str):
                return run_wrk(
                    wrk,
                    server,
                    "/",  # the submit script gives each request its own path
                    script=script,
                    script_args=arguments,
                    duration=seconds,
                    connections=CONNECTIONS,
                    ours=ours,
                    database_commands=database_commands,
                    threads=WRK_THREADS,
                    what=what,
                )

            for seconds in (WARMUP_SECONDS, WRK_SECONDS):
                run.hello = load(hello, HELLO_SCRIPT, ["hello"], seconds, "200 with 'hello'")
            print(f"quiz {database} hello: {run.hello.summary()}", flush=True)
            # Two warm-ups, each on attempts of its own: the first wakes the workers (and,
            # on PostgreSQL, their connections) and is slower; the second gives the pace.
            for warmup_try, count in enumerate(WARMUP_ATTEMPTS, start=1):
                warmup_file = log.with_suffix(f".warmup-{warmup_try}.tsv")
                exams.prepare(app, count, warmup_file)
                arguments = [str(warmup_file), str(WRK_THREADS)]
                warmup = load(app, SUBMIT_SCRIPT, arguments, WARMUP_SECONDS, SUBMIT_ANSWER)
                print(f"quiz {database} warm-up {warmup_try}: {warmup.summary()}", flush=True)
            # Attempts that ran out in the warm-up make its pace a floor.
            pace = warmup.per_second * (1.5 if warmup.extra["threads_ran_out"] else 1)
            for measured_try in range(1, 3):
                # Enough attempts for the measured run at the pace seen so far, and to spare.
                wanted = round(pace * WRK_SECONDS * SPARE) + 2 * CONNECTIONS
                if wanted > MAX_ATTEMPTS and measured_try == 1:
                    raise RuntimeError(f"{wanted} attempts needed, more than {MAX_ATTEMPTS}")
                # A second try's pace is a floor times a guess: capped, it still lasts the
                # run at up to MAX_ATTEMPTS / WRK_SECONDS submits per second.
                wanted = min(wanted, MAX_ATTEMPTS)
                measured_file = log.with_suffix(f".{measured_try}.tsv")
                measured = exams.prepare(app, wanted, measured_file)
                arguments[0] = str(measured_file)
                run.submit = load(app, SUBMIT_SCRIPT, arguments, WRK_SECONDS, SUBMIT_ANSWER)
                if not run.submit.extra["threads_ran_out"]:
                    break
                # They ran out before the time was up: wrk's rate would be too low. Again,
                # with more (the pace wrk reports is then a floor).
                print(f"quiz {database}: the {len(measured)} attempts ran out", flush=True)
                pace = max(pace, run.submit.per_second) * 1.5
            else:
                raise RuntimeError(f"the {len(measured)} prepared attempts ran out twice")
            # Hello-world once more, after the submits: a disturbed first run (the machine
            # busy with something else) would make the ratio look better than it is, so
            # the ratio is taken against the faster of the two.
            before = run.hello
            after = load(hello, HELLO_SCRIPT, ["hello"], WRK_SECONDS, "200 with 'hello'")
            print(f"quiz {database} hello again: {after.summary()}", flush=True)
            run.hello_rates = (before.per_second, after.per_second)
            run.hello = max(before, after, key=lambda result: result.per_second)
        run.prepared = len(measured)
        run.graded, run.passed = exams.check_grading(measured, run.submit)
        print(
            f"quiz {database} submit: {run.submit.summary()}; {run.graded} of "
            f"{len(measured)} prepared attempts graded ({run.passed} passed), "
            f"{run.submit.extra['replays']} repeated",
            flush=True,
        )
        return run
    finally:
        exams.close()
        if postgres:
            _drop_every_table(url)


class _Exams:
    """Learners, each with an open attempt on every live course with a 10-question exam,
    made by the app's own service (`start_attempt`) in the benchmark's process."""

    def __init__(self, url: str, run: QuizRun):
        from trainer import create_app

        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD,
                "CONTENT_DIR": ROOT / "content",
            }
        )
        self.run = run
        self.rng = random.Random(4)

    def prepare(self, server: Server, count: int, wrk_file: Path) -> list[Prepared]:
        """`count` more attempts of new learners, who sign in; their wrk lines are appended
        to `wrk_file`."""
        started = time.perf_counter()
        with self.app.app_context():
            prepared = self._open_attempts(count)
        opened = time.perf_counter()
        lines = _sign_in_everyone(server, prepared)
        with wrk_file.open("a", encoding="utf-8") as stream:
            stream.writelines(lines)
        print(
            f"quiz {self.run.database}: {count} open attempts in {opened - started:.1f} s, "
            f"their learners signed in in {time.perf_counter() - opened:.1f} s",
            flush=True,
        )
        return prepared

    def _open_attempts(self, count: int) -> list[Prepared]:
        from tests.quiz_helpers import correct_response, wrong_response
        from trainer.courses.service import live_courses_query
        from trainer.courses.sync import course_for_version
        from trainer.database import write_transaction
        from trainer.extensions import db
        from trainer.models import CourseRecord, User
        from trainer.quizzes.answers import form_values
        from trainer.quizzes.service import drawn_questions, start_attempt

        courses = []
        for record, version in db.session.execute(
            live_courses_query().order_by(CourseRecord.slug)
        ).all():
            course = course_for_version(version)
            if 10 <= course.meta.quiz.questions_per_attempt <= len(course.questions):
                assessed = version.settings.get("practical_required") or version.settings.get(
                    "attitude_required"
                )
                courses.append((record, version, bool(assessed)))
        if not any(assessed for *_, assessed in courses):
            raise RuntimeError("no live course with a 10-question exam and an assessment")
        self.run.courses = [record.slug for record, *_ in courses]
        self.run.assessed = [record.slug for record, _, assessed in courses if assessed]
        users = []
        for number in range(self.run.learners, self.run.learners + -(-count // len(courses))):
            user = User(employee_no=f"Q{number:05d}", display_name=f"考生{number:05d}")
            user.set_roles({"learner"})
            user.set_password(PASSWORD)
            users.append(user)
        self.run.learners += len(users)
        with write_transaction():  # as the app writes: SQLite's lock taken up front
            db.session.add_all(users)
        prepared: list[Prepared] = []
        for user in users:
            for record, version, passing in courses:
                if len(prepared) == count:
                    break
                attempt = start_attempt(user, record, version, rng=self.rng)
                drawn = drawn_questions(attempt)
                if len(drawn) < 10:
                    raise RuntimeError(f"attempt {attempt.id} drew {len(drawn)} questions")
                fields: dict[str, list[str]] = {}
                for position, (question, entry) in enumerate(drawn, start=1):
                    pick = correct_response if passing or position <= 5 else wrong_response
                    fields.update(form_values(question, entry, position, pick(question)))
                prepared.append(Prepared(user.employee_no, attempt.id, fields, passing))
        db.session.remove()
        # Learner-major order above; shuffled so that neighbouring requests are other
        # learners' and other courses'.
        self.rng.shuffle(prepared)
        return prepared

    def check_grading(self, measured: list[Prepared], submit: WrkResult) -> tuple[int, int]:
        """Every measured submit must be a first one, graded from the answers sent: the
        right pass/fail for each graded attempt, and as many graded as wrk counted (or a
        few more: those in flight when wrk stopped)."""
        from trainer.extensions import db
        from trainer.models import QuizResult

        expected = {item.attempt_id: item.passing for item in measured}
        with self.app.app_context():
            rows = db.session.execute(
                sa.select(QuizResult.attempt_id, QuizResult.passed, QuizResult.closed_by).where(
                    QuizResult.attempt_id.in_(expected)
                )
            ).all()
            db.session.remove()
        wrong = [row.attempt_id for row in rows if row.passed != expected[row.attempt_id]]
        late = [row.attempt_id for row in rows if row.closed_by != "learner"]
        if wrong or late:
            raise RuntimeError(
                f"graded otherwise than answered: {len(wrong)} wrong pass/fail "
                f"(e.g. {wrong[:5]}), {len(late)} not closed by the learner"
            )
        replays, sent = submit.extra["replays"], submit.extra["sent"]
        if replays or not submit.requests <= len(rows) <= sent:
            raise RuntimeError(
                f"{len(rows)} attempts graded, but wrk counted {submit.requests} answers "
                f"to {sent} first submits and {replays} repeated ones"
            )
        return len(rows), sum(1 for row in rows if row.passed)

    def close(self) -> None:
        from trainer.extensions import db

        with self.app.app_context():
            db.engine.dispose()


def _sign_in_everyone(app: Server, prepared: list[Prepared]) -> list[str]:
    """Each learner signs in through the form and opens one of their attempts; returns one
    wrk line per attempt: cookie, path, form body with that session's CSRF token."""
    first_attempt: dict[str, int] = {}
    for item in prepared:
        first_attempt.setdefault(item.employee_no, item.attempt_id)

    def open_session(employee_no: str) -> tuple[str, str, str]:
        cookie = sign_in(app, employee_no, PASSWORD)
        path = f"/quiz/attempt/{first_attempt[employee_no]}"
        status, headers, body = http_request(app.port, "GET", path, headers={"Cookie": cookie})
        token = csrf_token(body)
        if status != 200 or token is None or f"{path}/confirm" not in body:
            raise RuntimeError(
                f"{employee_no}: {path} answered {status} {headers.get('Location', '')}, "
                f"CSRF token found: {token is not None}\n{app.log_tail()}"
            )
        return employee_no, session_cookie(headers, cookie), token

    with ThreadPoolExecutor(SIGN_IN_THREADS) as pool:
        sessions = {
            no: (cookie, token) for no, cookie, token in pool.map(open_session, first_attempt)
        }
    lines = []
    for item in prepared:
        cookie, token = sessions[item.employee_no]
        body = urllib.parse.urlencode({**item.fields, "csrf_token": [token]}, doseq=True)
        lines.append(f"{cookie}\t/quiz/attempt/{item.attempt_id}/submit\t{body}\n")
    return lines


def _drop_every_table(url: str) -> None:
    """Empty the benchmark's PostgreSQL database (its own, or its own schema) so that
    `flask trainer setup` migrates it from scratch, as on a new installation."""
    engine = sa.create_engine(url)
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.begin() as connection:
            metadata.drop_all(connection)
    finally:
        engine.dispose()


def _section(runs: list[QuizRun], postgres_ran: bool) -> Section:
    settings = " ".join(GUNICORN_SETTINGS)
    section = Section("Quiz submit-and-grade", [])
    first = runs[0]
    section.lines += [
        f"gunicorn `{settings}` for both servers; wrk `-t{WRK_THREADS} -c{CONNECTIONS} "
        f"-d{WRK_SECONDS}s` on 127.0.0.1, after warm-ups ({WARMUP_SECONDS} s for hello-world, "
        f"2 x {WARMUP_SECONDS} s for submits). Each request "
        f"is a signed-in learner's POST `/quiz/attempt/<id>/submit` of a complete answer form "
        f"(CSRF token from their attempt page), every one the **first submission** of a "
        f"different open 10-question attempt, made beforehand by the app's `start_attempt` "
        f"for learners who each have one open attempt on each of the {len(first.courses)} "
        f"courses. The answers are all right on the {len(first.assessed)} courses that also "
        f"require an assessment ({', '.join(first.assessed)}): passed, but the course is "
        f"not complete yet, so no certificate is issued; on the others 5 of 10 answers are "
        f"wrong: failed. So no certificate PDF is rendered inside these requests; a submit "
        f"that completes a course also renders its certificate (see the certificate PDF "
        f"figure for what that adds). Every response was checked to be the "
        f"302 to the attempt's result, and afterwards each graded attempt's pass/fail in "
        f"the database against the answers sent. Server CPU (gunicorn master and workers) "
        f"and database CPU (the `postgres` processes; on SQLite that work is in the "
        f"server's) are divided by the attempts graded during the run.",
        "",
        "| database | server | requests/s | latency p50 | latency p99 | requests "
        "| socket errors | server CPU per request | database CPU per request |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        hello, submit = run.hello, run.submit
        database_cpu = "-" if run.database.startswith("SQLite") else "{:.2f} ms"
        section.lines.append(
            f"| {run.database} | hello-world Flask | {hello.per_second:.0f} | "
            f"{hello.p50_us / 1000:.1f} ms | {hello.p99_us / 1000:.1f} ms | {hello.requests} | "
            f"{hello.socket_errors} | {hello.server_cpu_ms_per_request:.2f} ms | "
            f"{database_cpu.format(hello.database_cpu_ms_per_request)} |"
        )
        section.lines.append(
            f"| {run.database} | submit-and-grade | {submit.per_second:.0f} | "
            f"{submit.p50_us / 1000:.1f} ms | {submit.p99_us / 1000:.1f} ms | "
            f"{submit.requests} | {submit.socket_errors} | "
            f"{run.server_cpu_ms_per_submit:.2f} ms | "
            f"{database_cpu.format(run.database_cpu_ms_per_submit)} |"
        )
    section.lines.append("")
    for run in runs:
        hello, submit = run.hello, run.submit
        ratio = submit.per_second / hello.per_second
        p99_ms = submit.p99_us / 1000
        section.lines += [
            f"- {run.database}: submit / hello-world requests/s **{ratio:.3f}**, p99 "
            f"**{p99_ms:.0f} ms** (for information, no goal). {run.graded} attempts graded during "
            f"the measured run ({run.passed} passed), of {run.prepared} prepared for it "
            f"({run.learners} learners in all); none was submitted twice."
            + (f" Ran on {run.detail}." if run.detail else ""),
            f"- {run.database}: hello-world ran before and after the submits, "
            f"{run.hello_rates[0]:.0f} and {run.hello_rates[1]:.0f} requests/s; the table and "
            f"the ratio use the faster. While it was loaded, {hello.load.describe()}; while "
            f"submits were loaded, {submit.load.describe()}.",
        ]
    if not postgres_ran:
        section.lines.append("- PostgreSQL: not run (set BENCH_DATABASE_URL or TEST_DATABASE_URL).")
    return section
