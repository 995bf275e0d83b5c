"""Issue 26: /healthz, /readyz, request ids in (JSON) logs, Prometheus metrics on /metrics."""

from __future__ import annotations

import json
import logging
import os
import random
import re
import socket
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROLE_USERS, _test_config, recorded_statements, sign_in
from tests.unit.hr.helpers import read_lessons
from trainer import create_app
from trainer.clock import utcnow
from trainer.config import build_config
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.jobs import jobs_of
from trainer.observability.health import code_heads
from trainer.observability.logs import JsonFormatter
from trainer.quizzes import service as quizzes

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TOKEN = "s3cret-metrics-token"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stamp(revisions) -> None:
    """The alembic_version table `flask db upgrade` keeps (the tests build the schema with
    create_all, so there is none)."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        connection.exec_driver_sql(
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"
        )
        for revision in revisions:
            connection.execute(
                sa.text("INSERT INTO alembic_version (version_num) VALUES (:r)"), {"r": revision}
            )


@pytest.fixture
def at_head(app):
    stamp(code_heads(app))
    yield
    db.session.rollback()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


# ---- /healthz -------------------------------------------------------------------------


def test_healthz_answers_without_the_database(client):
    with recorded_statements() as statements:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert statements == []


def test_healthz_is_neither_redirected_nor_limited_for_anyone(client, users):
    sign_in(client, ROLE_USERS["learner"][0])
    for _ in range(60):
        assert client.get("/healthz").status_code == 200
    client.post("/auth/logout")
    assert client.get("/healthz").status_code == 200


def test_healthz_with_a_session_cookie_reads_no_user(client, users):
    """The access log names the user only when the request loaded them anyway."""
    sign_in(client, ROLE_USERS["learner"][0])
    with recorded_statements() as statements:
        assert client.get("/healthz").status_code == 200
    assert statements == []


# ---- /readyz --------------------------------------------------------------------------


def test_readyz_ok_when_everything_answers(client, at_head):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "redis": "skipped", "jobs": "ok"},
    }


def test_readyz_fails_when_migrations_are_behind_the_code(client, at_head):
    stamp(["6ebfbf02976c"])  # one character off the head
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "failing"
    assert body["failed"] == ["migrations"]
    assert body["checks"]["migrations"] == "not at the code's migration head"
    assert body["checks"]["database"] == "ok"


def test_readyz_fails_when_no_migration_was_ever_run(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["migrations"]


def test_readyz_fails_with_two_heads_where_the_code_has_one(client, at_head, app):
    stamp([*code_heads(app), "0123456789ab"])
    assert client.get("/readyz").get_json()["failed"] == ["migrations"]


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-folder/for/trainer.sqlite3",
        "postgresql+psycopg://postgres:hunter2@127.0.0.1:{port}/nothing?connect_timeout=2",
    ],
)
def test_readyz_names_the_database_when_it_fails_and_leaks_nothing(tmp_path, url):
    url = url.format(port=closed_port())
    config = _test_config(url, tmp_path / "content")
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    broken = create_app(config)
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["database", "migrations"]
    assert body["checks"]["database"] == "unreachable"
    assert body["checks"]["jobs"] == "ok"
    text = response.get_data(as_text=True)
    for secret in ("hunter2", "nonexistent", "Traceback", "127.0.0.1", "sqlite"):
        assert secret not in text
    # and /healthz still answers: the process is alive
    assert broken.test_client().get("/healthz").status_code == 200


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize(
    "app_config", [{"REDIS_URL": f"redis://:pw@127.0.0.1:{closed_port()}/0"}], indirect=True
)
def test_readyz_fails_when_redis_is_configured_but_down(client, at_head):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failed"] == ["redis"]
    assert body["checks"]["redis"] == "unreachable"
    assert "pw@" not in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"REDIS_URL": REDIS_URL}], indirect=True)
def test_readyz_ok_with_redis_answering(client, at_head):
    response = client.get("/readyz")
    assert response.get_json()["checks"]["redis"] == "ok"
    assert response.status_code == 200


def test_readyz_fails_when_the_job_queue_cannot_be_read(client, app, at_head, monkeypatch):
    def broken():
        raise ConnectionError("queue storage gone")

    monkeypatch.setattr(jobs_of(app).huey, "pending_count", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["jobs"]
    assert "queue storage gone" not in response.get_data(as_text=True)


# ---- request ids and logs -----------------------------------------------------------------


@pytest.mark.parametrize(
    "incoming, kept",
    [
        ("0f3c2a9e8b7d6c5b4a39281706f5e4d3", True),  # nginx's $request_id
        ("a", True),
        ("A.b_c-9", True),
        ("x" * 64, True),  # at the limit
        ("x" * 65, False),  # just over
        ("", False),
        ("has space", False),
        ("semi;colon", False),
        ('quote"d', False),
        ("日本", False),
    ],
)
def test_request_id_is_kept_only_when_sane(client, incoming, kept):
    response = client.get("/healthz", headers={"X-Request-ID": incoming.encode().decode("latin-1")})
    echoed = response.headers["X-Request-ID"]
    if kept:
        assert echoed == incoming
    else:
        assert echoed != incoming
        assert re.fullmatch(r"[0-9a-f]{32}", echoed)


def test_request_id_is_generated_fresh_for_each_request(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_refused_and_missing_pages_carry_a_request_id(client):
    assert client.get("/").headers.get("X-Request-ID")  # redirected to sign in
    assert client.get("/no-such-page").headers.get("X-Request-ID")


def _json_lines(records) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(record)) for record in records]


def test_access_line_is_json_with_the_request_id(client, users, caplog):
    sign_in(client, ROLE_USERS["learner"][0])
    caplog.set_level(logging.INFO, logger="trainer.access")
    caplog.clear()
    response = client.get("/courses/", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 200
    lines = [line for line in _json_lines(caplog.records) if line["logger"] == "trainer.access"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "req-123"
    assert line["method"] == "GET"
    assert line["path"] == "/courses/"
    assert line["endpoint"] == "courses.index"
    assert line["status"] == 200
    assert line["user_id"] == users["learner"].id
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO"


def test_anonymous_access_line_has_no_user(client, caplog):
    caplog.set_level(logging.INFO, logger="trainer.access")
    client.get("/healthz", headers={"X-Request-ID": "anon-1"})
    (line,) = [line for line in _json_lines(caplog.records) if line["request_id"] == "anon-1"]
    assert line["user_id"] is None
    assert line["endpoint"] == "ops.healthz"


def test_every_record_of_a_request_carries_its_id(client, caplog):
    """A warning logged deep inside a view (a failing readiness check) has the id too."""
    caplog.set_level(logging.INFO)
    client.get("/readyz", headers={"X-Request-ID": "ready-7"})
    warnings = [r for r in caplog.records if r.name == "trainer.observability.health"]
    assert warnings
    assert {r.request_id for r in warnings} == {"ready-7"}
    line = _json_lines(warnings)[0]
    assert line["request_id"] == "ready-7"
    assert "Traceback" in line["exc_info"]


def test_records_outside_a_request_have_no_id(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("trainer.test").info("outside")
    assert caplog.records[-1].request_id is None


@pytest.mark.parametrize(
    "value, expected", [(None, "text"), ("json", "json"), ("JSON", "json"), ("text", "text")]
)
def test_log_format_setting(monkeypatch, tmp_path, value, expected):
    monkeypatch.setenv("TRAINER_SECRET_KEY", "x")
    if value is None:
        monkeypatch.delenv("TRAINER_LOG_FORMAT", raising=False)
    else:
        monkeypatch.setenv("TRAINER_LOG_FORMAT", value)
    assert build_config(tmp_path)["LOG_FORMAT"] == expected


def _run_python(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")}
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    environment.update(TRAINER_SECRET_KEY="test-secret-key", **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


APP_IN_A_PROCESS = textwrap.dedent("""
    from trainer import create_app
    from trainer.extensions import db
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "JOBS_IMMEDIATE": True})
    with app.app_context():
        db.create_all()
    client = app.test_client()
""")


def test_a_real_process_logs_one_json_line_per_request(tmp_path):
    result = _run_python(
        APP_IN_A_PROCESS + 'client.get("/healthz", headers={"X-Request-ID": "proc-1"})\n',
        TRAINER_LOG_FORMAT="json",
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "trainer.access"]
    assert len(access) == 1
    assert access[0]["request_id"] == "proc-1"
    assert access[0]["status"] == 200
    assert access[0]["endpoint"] == "ops.healthz"


def test_a_real_process_logs_plain_text_by_default(tmp_path):
    result = _run_python(
        APP_IN_A_PROCESS
        + 'client.get("/healthz", headers={"X-Request-ID": "proc-2"})\n'
        + 'import logging; logging.getLogger("trainer.outside").info("after the request")\n'
    )
    (line,) = [line for line in result.stderr.splitlines() if "trainer.access" in line]
    assert "[proc-2] GET /healthz 200" in line
    assert not line.startswith("{")
    outside = [line for line in result.stderr.splitlines() if "trainer.outside" in line]
    assert outside and "[-] after the request" in outside[0]


# ---- /metrics -----------------------------------------------------------------------------


def scrape(client, **kwargs) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def requests_of(samples, endpoint, status, method="GET") -> float:
    key = (
        "trainer_http_requests_total",
        (("endpoint", endpoint), ("method", method), ("status", str(status))),
    )
    return samples.get(key, 0.0)


def test_a_request_counts_once_for_its_endpoint_and_status(client):
    before = scrape(client)
    client.get("/healthz")
    client.get("/verify/no-such-code")
    client.get("/no/such/page/12345")
    after = scrape(client)
    assert requests_of(after, "ops.healthz", 200) - requests_of(before, "ops.healthz", 200) == 1
    assert requests_of(after, "<unmatched>", 404) - requests_of(before, "<unmatched>", 404) == 1
    # the raw path is never a label
    assert not any("no/such/page" in str(key) for key in after)
    # the first scrape itself is counted by the second
    assert requests_of(after, "ops.metrics", 200) - requests_of(before, "ops.metrics", 200) == 1


def test_anonymous_refusal_counts_under_the_refused_endpoint(client):
    before = scrape(client)
    client.get("/courses/")
    after = scrape(client)
    assert requests_of(after, "courses.index", 302) - requests_of(before, "courses.index", 302) == 1


def test_a_made_up_method_is_one_label(client):
    before = scrape(client)
    client.open("/healthz", method="BREW")  # no route takes it: no endpoint either
    after = scrape(client)
    assert (
        requests_of(after, "<unmatched>", 405, "other")
        - requests_of(before, "<unmatched>", 405, "other")
        == 1
    )


def test_latency_histogram_has_its_buckets(client):
    client.get("/healthz")
    samples = scrape(client)
    buckets = {
        dict(labels)["le"]
        for (name, labels) in samples
        if name == "trainer_http_request_duration_seconds_bucket"
        and dict(labels)["endpoint"] == "ops.healthz"
    }
    assert buckets == {
        "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"
    }  # fmt: skip
    count = ("trainer_http_request_duration_seconds_count", (("endpoint", "ops.healthz"),))
    assert samples[count] >= 1


def _exams(client) -> float:
    return scrape(client)[("trainer_exams_in_progress", ())]


def test_exams_in_progress_counts_open_attempts_only(client, users, synced):
    assert _exams(client) == 0
    record, version = live_course("basics")
    for role in ("learner", "trainer", "hr", "assessor"):
        read_lessons(users[role], "basics")
    open_one = quizzes.start_attempt(users["learner"], record, version, rng=random.Random(1))
    assert _exams(client) == 1
    quizzes.start_attempt(users["trainer"], record, version, rng=random.Random(2))
    assert _exams(client) == 2
    # deadline just passed: over, though the sweep has not graded it yet
    expired = quizzes.start_attempt(users["hr"], record, version, rng=random.Random(3))
    expired.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _exams(client) == 2
    # deadline a minute ahead: still in progress
    later = quizzes.start_attempt(users["assessor"], record, version, rng=random.Random(4))
    later.deadline_at = utcnow() + timedelta(minutes=1)
    db.session.commit()
    assert _exams(client) == 3
    quizzes.grade_attempt(open_one, closed_by="submit", now=utcnow())
    db.session.commit()
    assert _exams(client) == 2


def test_pending_jobs_gauge_and_job_failures(client, app):
    huey = jobs_of(app).huey

    @huey.task(name="observability_test_boom")
    def boom():
        raise ValueError("boom")

    before = scrape(client)
    assert before[("trainer_jobs_pending", ())] == 0
    key = ("trainer_job_failures_total", (("task", "observability_test_boom"),))
    boom()
    boom()
    after = scrape(client)
    assert after[key] - before.get(key, 0.0) == 2


def test_metrics_scrape_asks_nothing_of_the_database_per_request(client):
    """The per-request hooks query nothing; a scrape runs exactly one query (the count)."""
    client.get("/healthz")
    with recorded_statements() as statements:
        client.get("/metrics")
    queries = [statement for statement in statements if not statement.startswith("BEGIN")]
    assert len(queries) == 1
    assert "quiz_attempts" in queries[0]


# -- who may read /metrics


@pytest.mark.parametrize(
    "environ, headers, status",
    [
        ({"REMOTE_ADDR": "127.0.0.1"}, {}, 200),
        ({"REMOTE_ADDR": "::1"}, {}, 200),
        ({"REMOTE_ADDR": "127.0.0.2"}, {}, 200),
        ({"REMOTE_ADDR": "10.0.0.5"}, {}, 403),
        ({"REMOTE_ADDR": "192.168.1.20"}, {}, 403),
        # a proxy on this machine forwarding somebody else's request
        ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": "203.0.113.9"}, 403),
        ({"REMOTE_ADDR": "127.0.0.1"}, {"Forwarded": "for=203.0.113.9"}, 403),
    ],
)
def test_metrics_without_a_token_answer_this_machine_only(client, environ, headers, status):
    response = client.get("/metrics", environ_overrides=environ, headers=headers)
    assert response.status_code == status
    if status == 403:
        assert b"trainer_" not in response.data


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": 1}], indirect=True)
def test_metrics_through_a_trusted_proxy_from_outside_is_refused(client):
    response = client.get(
        "/metrics",
        environ_overrides={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("app_config", [{"METRICS_TOKEN": TOKEN}], indirect=True)
@pytest.mark.parametrize(
    "authorization, status",
    [
        (None, 401),
        ("", 401),
        (f"Bearer {TOKEN}", 200),
        (f"bearer {TOKEN}", 200),
        (f"Bearer {TOKEN}x", 401),
        (f"Bearer {TOKEN[:-1]}", 401),
        (f"Basic {TOKEN}", 401),
        (TOKEN, 401),
        ("Bearer ", 401),
    ],
)
def test_metrics_with_a_token_ask_for_it_even_from_this_machine(client, authorization, status):
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.get(
        "/metrics", headers=headers, environ_overrides={"REMOTE_ADDR": "127.0.0.1"}
    )
    assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert b"trainer_" not in response.data


@pytest.mark.parametrize("app_config", [{"METRICS_TOKEN": TOKEN}], indirect=True)
def test_metrics_with_the_token_from_elsewhere(client):
    response = client.get(
        "/metrics",
        headers={"Authorization": f"Bearer {TOKEN}"},
        environ_overrides={"REMOTE_ADDR": "10.0.0.5"},
    )
    assert response.status_code == 200


# -- several processes (gunicorn workers, the job worker) add up


MULTIPROCESS_RUN = APP_IN_A_PROCESS + textwrap.dedent(
    """
    from trainer.jobs import jobs_of
    huey = jobs_of(app).huey

    @huey.task(name="boom")
    def boom():
        raise ValueError("boom")

    import sys
    for _ in range(int(sys.argv[1])):
        client.get("/healthz")
    boom()
    if sys.argv[2] == "scrape":
        print(client.get("/metrics").get_data(as_text=True))
"""
)


def test_metrics_add_up_over_processes(tmp_path):
    directory = tmp_path / "prometheus"
    directory.mkdir()

    def run(count: int, action: str) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")}
        env.update(TRAINER_SECRET_KEY="x", PROMETHEUS_MULTIPROC_DIR=str(directory))
        return subprocess.run(
            [sys.executable, "-c", MULTIPROCESS_RUN, str(count), action],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout

    run(2, "-")
    output = run(3, "scrape")
    assert 'trainer_http_requests_total{endpoint="ops.healthz",method="GET",status="200"} 5.0' in (
        output
    )
    assert 'trainer_job_failures_total{task="boom"} 2.0' in output
    assert "trainer_exams_in_progress 0.0" in output
