"""Time and scope rules of assessments and appeals: plain functions with explicit inputs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta


def appeal_deadline(submitted_at: datetime, window_days: int) -> datetime:
    """The last moment an appeal is accepted: the window counts from submission."""
    return submitted_at + timedelta(days=window_days)


def appeal_in_time(submitted_at: datetime, window_days: int, now: datetime) -> bool:
    return now <= appeal_deadline(submitted_at, window_days)


def retake_opens_at(failed_at: datetime, wait_minutes: int) -> datetime:
    """A failed task may be assessed again once the course's wait has passed."""
    return failed_at + timedelta(minutes=max(wait_minutes, 0))


def departments_below(roots: Iterable[int], parent_of: Mapping[int, int | None]) -> set[int]:
    """The given departments and every department under them in the tree."""
    children: dict[int, list[int]] = {}
    for department, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(department)
    found: set[int] = set()
    stack = [root for root in roots if root in parent_of]
    while stack:
        department = stack.pop()
        if department in found:  # a broken tree with a loop must not hang the page
            continue
        found.add(department)
        stack.extend(children.get(department, ()))
    return found
