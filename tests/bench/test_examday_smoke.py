"""The exam-day scenario (bench/examday) end to end, small and fast: 10 learners at time
factor 0.01 against gunicorn and the job worker started here as `make run` starts them;
no request may fail and the database must hold every answer, one grading per attempt and
the certificates of the course the exam completes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.examday import scenario
from bench.examday.bench import job_worker
from bench.servers import HOST, ROOT, gunicorn

pytestmark = pytest.mark.examday

USERS = 10
FACTOR = 0.01  # arrivals over 9 s, the start over 1.8 s, 0.3-0.9 s per question


@pytest.fixture
def database(tmp_path):
    """SQLite in tmp_path, or a schema of its own on TEST_DATABASE_URL's server."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'examday.sqlite3'}"
        return
    from tests.conftest import ensure_database

    ensure_database(url)  # a fresh server: these may be the pass's first tests to connect
    schema = f"examday_smoke_{os.getpid()}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield (
            sa.make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        engine.dispose()


def test_exam_day_smoke(tmp_path, database):
    started = time.monotonic()
    seed = scenario.prepare(database, USERS, content_dir=tmp_path / "content")
    assert seed.courses == [scenario.COMPLETING_COURSE, scenario.ASSESSED_COURSE]
    env = scenario.app_environment(database, seed.content_dir)
    env["TRAINER_JOBS_DATABASE"] = str(tmp_path / "jobs.sqlite3")
    env.pop("TRAINER_REDIS_URL", None)
    out = tmp_path / "report.json"
    with (
        gunicorn("trainer", "app:app", env, tmp_path / "gunicorn.log") as server,
        job_worker(env, tmp_path / "worker.log") as worker,
    ):
        # In a process of its own: Locust patches the standard library with gevent.
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.examday.scenario",
                "run",
                "--base-url",
                f"http://{HOST}:{server.port}",
                "--users",
                str(USERS),
                "--factor",
                str(FACTOR),
                "--database-url",
                database,
                "--server-pid",
                str(server.process.pid),
                "--worker-pid",
                str(worker.pid),
                "--certificate-within",
                "30",
                "--out",
                str(out),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        log = server.log_tail()
    assert out.exists(), f"{done.stdout}\n{done.stderr}\n{log}"
    payload = json.loads(out.read_text())
    report = scenario.ExamDayReport.from_json(json.dumps(payload["report"]))
    assert report.errors == [] and report.error_count == 0, report.errors
    assert payload["problems"] == []
    assert done.returncode == 0
    # Every learner went the whole way: each kind of request made as often as it should be.
    assert report.learners_finished == USERS
    per_learner = {"sign-in page": 1, "sign-in POST": 1, "course page": 2, "lesson": 2}
    per_learner |= {"lesson read": 2, "start": 1, "exam page": 1, "confirm": 1, "submit": 1}
    per_learner |= {"result": 1}
    for kind, times in per_learner.items():
        assert report.kinds[kind].count == USERS * times, kind
    answered = sum(len(r.answers) for r in report.learners)
    assert report.kinds["autosave"].count == answered
    # 12 questions on the completing course, 16 on the other, every one answered.
    assert sorted({(r.course, r.questions) for r in report.learners}) == [
        (scenario.COMPLETING_COURSE, 12),
        (scenario.ASSESSED_COURSE, 16),
    ]
    assert all(len(r.answers) == r.questions for r in report.learners)
    completing = sum(1 for r in report.learners if r.course == scenario.COMPLETING_COURSE)
    assert report.certificates_issued == report.certificates_expected == completing == 3
    assert report.server_cpu_s and report.server_cpu_s > 0
    assert any(label.startswith("job worker") for label in report.peak_rss_mb)
    assert time.monotonic() - started < 90


def test_check_finds_a_lost_answer_and_a_missing_certificate(tmp_path, database):
    """check() is only worth something if it fails: a learner who says they sent another
    answer than the stored one, and a certificate that never came, are both reported."""
    seed = scenario.prepare(database, 1, content_dir=tmp_path / "content")
    from tests.quiz_helpers import correct_response
    from trainer import create_app
    from trainer.courses.service import live_course
    from trainer.extensions import db
    from trainer.models import User
    from trainer.quizzes.answers import form_values
    from trainer.quizzes.service import drawn_questions, start_attempt, submit_attempt

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "CONTENT_DIR": Path(seed.content_dir),
            "JOBS_DATABASE": tmp_path / "jobs.sqlite3",  # no worker: the job waits there
        }
    )
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.employee_no == "ED00000"))
        from tests.course_helpers import read_every_lesson

        read_every_lesson(user, scenario.COMPLETING_COURSE)
        record, version = live_course(scenario.COMPLETING_COURSE)
        attempt = start_attempt(user, record, version)
        sent = {}
        responses = {}
        for position, (question, entry) in enumerate(drawn_questions(attempt), start=1):
            values = form_values(question, entry, position, correct_response(question))
            ((name, (value,)),) = values.items()
            sent[position] = [name, value]
            responses[question.id] = correct_response(question)
        submit_attempt(user, attempt, responses)
        attempt_id = attempt.id
        db.session.remove()
        db.engine.dispose()
    learner = scenario.LearnerRecord(0, "ED00000", scenario.COMPLETING_COURSE, attempt_id)
    learner.questions = len(sent)
    learner.answers = dict(sent)
    learner.submitted_at = time.time()
    learner.finished = True
    report = scenario.ExamDayReport("http://nowhere", 1, 1.0, (30, 90), 900, 180)
    report.learners = [learner]
    # No job worker ran: the certificate is missing; everything else is as sent.
    problems = scenario.check(database, report, certificate_within_s=0)
    assert len(problems) == 1 and "1 of 1 certificates not issued" in problems[0], problems
    # The learner claims another option for question 1 than the one stored.
    name, value = sent[1]
    other = next(v for v in _options_of(database, seed, attempt_id, 1) if v != value)
    learner.answers[1] = [name, other]
    problems = scenario.check(database, report, certificate_within_s=0)
    assert any("not stored as sent" in p for p in problems), problems


def _options_of(database, seed, attempt_id, position):
    from trainer import create_app
    from trainer.extensions import db
    from trainer.models import QuizAttempt
    from trainer.quizzes.service import drawn_questions

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "CONTENT_DIR": Path(seed.content_dir)})
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        _question, entry = drawn_questions(attempt)[position - 1]
        tokens = [token for token, _key in entry["options"]]
        db.session.remove()
        db.engine.dispose()
    return tokens
