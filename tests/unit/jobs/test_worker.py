"""A real worker process (`flask trainer worker`) on the SQLite queue and on Redis: a job
enqueued while no worker runs (none started yet, or the last one crashed) waits in the
queue and is done once a worker starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import conftest
from tests.unit.certificates.conftest import pass_quiz
from trainer.extensions import db
from trainer.jobs import jobs_of
from trainer.models import Certificate, CertificateRequest

PROJECT_ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _database_url_for_a_subprocess() -> str:
    url = db.engine.url
    options = conftest._ENGINE_OPTIONS.get("connect_args", {}).get("options")
    if options:  # PostgreSQL: the test run's own schema
        url = url.update_query_dict({"options": options})
    return url.render_as_string(hide_password=False)


def _start_worker(app, extra_env: dict[str, str]) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRAINER_")}
    env.update(
        TRAINER_DATABASE_URL=_database_url_for_a_subprocess(),
        TRAINER_CONTENT_DIR=str(app.config["CONTENT_DIR"]),
        TRAINER_SECRET_KEY="test-secret-key",
        TRAINER_JOBS_QUEUE_NAME=app.config["JOBS_QUEUE_NAME"],
        **extra_env,
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "app",
            "trainer",
            "worker",
            "--threads",
            "1",
            "--no-scheduler",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_certificate(worker: subprocess.Popen, seconds: float = 60) -> Certificate:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.commit()  # a fresh snapshot each time
        certificate = db.session.scalar(sa.select(Certificate))
        if certificate is not None:
            return certificate
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    _stop(worker)
    pytest.fail(f"no certificate from the worker; its output:\n{worker.stdout.read()}")


def _stop(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)  # graceful: a job in progress finishes
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    return worker.stdout.read()


def _a_job_waits_for_a_worker_then_is_done(app, learner, extra_env):
    pass_quiz(learner)  # enqueued by the app; no worker runs
    time.sleep(0.5)
    db.session.commit()
    assert db.session.scalar(sa.select(Certificate)) is None
    assert jobs_of(app).huey.pending_count() == 1

    crashed = _start_worker(app, extra_env)  # a worker that dies before it takes a job
    crashed.send_signal(signal.SIGKILL)
    crashed.wait(timeout=30)
    crashed.stdout.close()
    assert jobs_of(app).huey.pending_count() == 1  # still queued

    worker = _start_worker(app, extra_env)
    try:
        certificate = _wait_for_certificate(worker)
    finally:
        output = _stop(worker)
    assert certificate.user_id == learner.id and certificate.pdf_sha256, output
    db.session.commit()  # a fresh snapshot: the worker finished the request after it was read
    request = db.session.scalar(sa.select(CertificateRequest))
    assert (request.status, request.outcome) == ("done", "issued")
    assert jobs_of(app).huey.pending_count() == 0
    assert "issue_certificate" in output


@pytest.fixture
def sqlite_queue(app_config, tmp_path):
    app_config.update(JOBS_IMMEDIATE=False, JOBS_DATABASE=tmp_path / "jobs.sqlite3")
    return tmp_path / "jobs.sqlite3"


def test_a_real_worker_runs_jobs_from_the_sqlite_queue(sqlite_queue, app, users, synced):
    _a_job_waits_for_a_worker_then_is_done(
        app, users["learner"], {"TRAINER_JOBS_DATABASE": str(sqlite_queue)}
    )


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture
def redis_queue(app_config):
    if not _redis_reachable():
        message = f"Redis is not reachable at {REDIS_URL}"
        if os.environ.get("CI"):  # CI has one: a missing server there is a failure, not a skip
            pytest.fail(message)
        pytest.skip(f"{message} (a developer's machine without Redis)")
    name = f"trainer-test-{uuid.uuid4().hex[:12]}"
    app_config.update(JOBS_IMMEDIATE=False, REDIS_URL=REDIS_URL, JOBS_QUEUE_NAME=name)
    yield name


def test_a_real_worker_runs_jobs_from_redis(redis_queue, app, users, synced):
    try:
        _a_job_waits_for_a_worker_then_is_done(
            app, users["learner"], {"TRAINER_REDIS_URL": REDIS_URL}
        )
    finally:
        jobs_of(app).huey.flush()


def test_the_scheduler_process_only_enqueues_the_timetable(sqlite_queue, app):
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRAINER_")}
    env.update(
        TRAINER_DATABASE_URL=_database_url_for_a_subprocess(),
        TRAINER_SECRET_KEY="test-secret-key",
        TRAINER_JOBS_DATABASE=str(sqlite_queue),
    )
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "trainer", "scheduler"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    huey = jobs_of(app).huey
    deadline = time.monotonic() + 60
    while huey.pending_count() == 0 and time.monotonic() < deadline and scheduler.poll() is None:
        time.sleep(0.2)
    output = _stop(scheduler)
    assert scheduler.returncode == 0, output
    # Enqueued at the start of the minute, run by no one: close_expired_attempts at least.
    names = {type(task).__name__ for task in huey.pending()}
    assert "close_expired_attempts" in names, output
    assert "scheduler stopped" in output
