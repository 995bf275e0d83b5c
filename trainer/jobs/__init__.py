"""Background jobs and the scheduler, on Huey.

One queue per app, built from its configuration: SqliteHuey in the instance folder by
default (`make run` starts a worker beside the web server), RedisHuey when TRAINER_REDIS_URL
is set (every host of the app then shares one queue). Tests run Huey in its immediate mode:
a job runs where it is enqueued, so they stay deterministic.

Jobs are plain functions in trainer.jobs.tasks, registered on the app's queue by init_app;
the worker (`flask trainer worker`) runs them inside an app context. A job must be safe to
run twice: a retry, the outbox sweep or a second worker may run it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper

logger = logging.getLogger(__name__)
EXTENSION = "trainer_jobs"
_AFTER_COMMIT = "trainer_jobs_after_commit"


@dataclass
class Jobs:
    huey: Huey
    tasks: dict[str, TaskWrapper] = field(default_factory=dict)

    def enqueue(self, name: str, *args) -> None:
        self.tasks[name](*args)


def make_huey(config) -> Huey:
    """The queue: Redis when configured (shared by several hosts), else a SQLite file."""
    immediate = bool(config.get("JOBS_IMMEDIATE"))
    name = config.get("JOBS_QUEUE_NAME") or "trainer"
    if config.get("REDIS_URL"):
        return RedisHuey(name, url=config["REDIS_URL"], immediate=immediate)
    filename = Path(config["JOBS_DATABASE"])
    if not immediate:  # Huey creates its tables at once
        filename.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(filename), immediate=immediate)


def init_app(app: Flask) -> None:
    from trainer.jobs import tasks
    from trainer.observability.metrics import init_jobs as count_failures

    jobs = Jobs(make_huey(app.config))
    count_failures(jobs.huey)
    tasks.register(jobs, app)
    app.extensions[EXTENSION] = jobs


def jobs_of(app: Flask | None = None) -> Jobs:
    return (app or current_app).extensions[EXTENSION]


def enqueue(name: str, *args) -> bool:
    """Put a job on the queue now. False (and logged) when the queue cannot be reached: the
    callers' outbox rows stay open and the scheduler's sweep enqueues them again."""
    try:
        jobs_of().enqueue(name, *args)
    except Exception:  # noqa: BLE001 - a queue that is down must not fail the request
        logger.exception("could not enqueue %s%r; the outbox sweep will retry", name, args)
        return False
    return True


def enqueue_after_commit(session: sa.orm.Session, name: str, *args) -> None:
    """Enqueue once `session`'s transaction commits (never if it rolls back): a job must not
    look for rows that are not committed yet. The same job asked for twice in one
    transaction is enqueued once (a job does all there is to do when it runs)."""
    waiting = session.info.setdefault(_AFTER_COMMIT, [])
    if (name, args) not in waiting:
        waiting.append((name, args))


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _enqueue_committed(session: sa.orm.Session) -> None:
    for name, args in session.info.pop(_AFTER_COMMIT, []):
        enqueue(name, *args)


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _forget_rolled_back(session: sa.orm.Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)
