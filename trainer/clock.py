"""The one clock: moments are stored in UTC (naive); days are the company's days.

Everything that asks "what time is it?" or "what day is it?" calls these, so tests and the
scheduler can reason about one definition.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import get_timezone


def utcnow() -> datetime:
    """Now, in UTC without tzinfo: how every timestamp column stores moments."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Today where the company is (TRAINER_TIMEZONE), not in UTC."""
    return datetime.now(get_timezone()).date()
