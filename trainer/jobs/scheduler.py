"""The scheduler as a process of its own: enqueue the periodic jobs at the start of each
minute, as the scheduler inside Huey's consumer does, and run none of them."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime, timedelta

from huey import Huey

logger = logging.getLogger(__name__)


def enqueue_due(huey: Huey, minute: datetime) -> int:
    """Enqueue every periodic job due at `minute` (UTC, naive, as Huey reads its crontabs)."""
    due = huey.read_periodic(minute)
    for task in due:
        logger.info("enqueueing %s", task)
        huey.enqueue(task)
    return len(due)


def run_scheduler(huey: Huey) -> None:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    logger.info("scheduler started")
    while not stop.is_set():
        now = datetime.now(UTC).replace(tzinfo=None)
        enqueue_due(huey, now.replace(second=0, microsecond=0))
        next_minute = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        stop.wait((next_minute - datetime.now(UTC).replace(tzinfo=None)).total_seconds())
    logger.info("scheduler stopped")
