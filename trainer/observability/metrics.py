"""Prometheus metrics (prometheus_client, the official client).

Under gunicorn several worker processes serve requests, and the job worker is another
process: with PROMETHEUS_MULTIPROC_DIR set (before Python starts; `make run` does it) each
process writes its counters to files there and /metrics adds them up. Without it (tests, the
development server) the counters live in the process.

Per request: one counter and one histogram observation, in memory or an mmap'd file; no query.
The queue length and the exams in progress are read when Prometheus scrapes, not before.
"""

from __future__ import annotations

import logging
import os
import time

import sqlalchemy as sa
from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

# Methods outside this set (anything a client makes up) share one label value.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# A URL that matches no route has no endpoint: one label value for all of them.
UNMATCHED = "<unmatched>"

HTTP_REQUESTS = Counter(
    "trainer_http_requests_total",
    "HTTP requests answered, by Flask endpoint, method and status.",
    ["endpoint", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "trainer_http_request_duration_seconds",
    "Time from the first to the last request hook, by Flask endpoint.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
JOB_FAILURES = Counter(
    "trainer_job_failures_total",
    "Background job runs that raised an error (each retry counts), by task.",
    ["task"],
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")


def record_request(response: Response) -> Response:
    started = g.get("metrics_started")
    endpoint = request.endpoint or UNMATCHED
    method = request.method if request.method in KNOWN_METHODS else "other"
    HTTP_REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
    if started is not None:
        HTTP_LATENCY.labels(endpoint).observe(time.perf_counter() - started)
    return response


def start_timer() -> None:
    g.metrics_started = time.perf_counter()


def count_job_failure(signal, task, exc=None) -> None:
    JOB_FAILURES.labels(task.name).inc()


class ScrapeTimeCollector:
    """Gauges read when Prometheus scrapes: pending jobs and exams in progress."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        from trainer.clock import utcnow
        from trainer.extensions import db
        from trainer.jobs import jobs_of
        from trainer.models import QuizAttempt, QuizResult

        pending = GaugeMetricFamily(
            "trainer_jobs_pending", "Jobs waiting in the queue (not yet taken by a worker)."
        )
        try:
            pending.add_metric([], jobs_of(self.app).huey.pending_count())
        except Exception:  # noqa: BLE001 - a queue that is down leaves the gauge out
            logger.warning("metrics: could not count the pending jobs", exc_info=True)
        else:
            yield pending

        in_progress = GaugeMetricFamily(
            "trainer_exams_in_progress",
            "Quiz attempts started, not yet submitted, deadline not passed.",
        )
        try:
            # Open, and its deadline not passed (a passed one is graded by the next sweep:
            # the same rule as trainer.quizzes.service.close_expired).
            count = db.session.scalar(
                sa.select(sa.func.count(QuizAttempt.id)).where(
                    ~sa.exists().where(QuizResult.attempt_id == QuizAttempt.id),
                    sa.or_(QuizAttempt.deadline_at.is_(None), QuizAttempt.deadline_at >= utcnow()),
                )
            )
        except Exception:  # noqa: BLE001
            db.session.rollback()
            logger.warning("metrics: could not count the exams in progress", exc_info=True)
        else:
            in_progress.add_metric([], count)
            yield in_progress


def exposition(app: Flask) -> bytes:
    """The text Prometheus reads: every process's counters plus the scrape-time gauges."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        counters = generate_latest(registry)
    else:
        counters = generate_latest(REGISTRY)
    scrape = CollectorRegistry()
    scrape.register(ScrapeTimeCollector(app))
    return counters + generate_latest(scrape)


def init_app(app: Flask) -> None:
    app.before_request(start_timer)
    app.after_request(record_request)


def init_jobs(huey) -> None:
    """Count failed job runs in whichever process runs them (the worker; the web process in
    the tests' immediate mode)."""
    from huey.signals import SIGNAL_ERROR

    huey.signal(SIGNAL_ERROR)(count_job_failure)


CONTENT_TYPE = CONTENT_TYPE_LATEST
