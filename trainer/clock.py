"""The one clock: moments are stored in UTC (naive); days are the company's days.

Everything that asks "what time is it?" or "what day is it?" calls these, so tests and the
scheduler can reason about one definition.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask_babel import get_timezone


def utcnow() -> datetime:
    """Now, in UTC without tzinfo: how every timestamp column stores moments."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Today where the company is (TRAINER_TIMEZONE), not in UTC."""
    return datetime.now(get_timezone()).date()


def utc_start_of_local_day(day: date) -> datetime:
    """The stored (naive UTC) moment at which the company's day ``day`` begins, so that a
    day's events are those with start_of(day) <= at < start_of(day + 1)."""
    zone = get_timezone()
    midnight = datetime.combine(day, time.min)
    # Babel's zones are pytz zones, whose offset is right only through localize().
    local = zone.localize(midnight) if hasattr(zone, "localize") else midnight.replace(tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None)
