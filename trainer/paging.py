"""Lists in pages: every list shows how many there are and reaches the last row; none stops
silently at a fixed number of rows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from trainer.extensions import db

PAGE_SIZE = 200


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int  # 1-based
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when there is none)."""
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(value: object) -> int:
    """The page asked for in a query string: anything but a whole number from 1 up is 1."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= 10**6 else 1


def _clamped(number: int, total: int, size: int) -> int:
    # A page past the end (the list shrank since the link was made) shows the last page.
    return min(max(number, 1), max(1, math.ceil(total / size)))


def page_of_list(items: Sequence[Any], number: int, size: int = PAGE_SIZE) -> Page:
    """A page of a list already read whole (reports that compute each row in Python)."""
    number = _clamped(number, len(items), size)
    start = (number - 1) * size
    return Page(list(items[start : start + size]), number, size, len(items))


def page_of_query(
    statement: sa.Select, number: int, size: int = PAGE_SIZE, scalars: bool = True
) -> Page:
    """A page of a query: two queries, the count and the rows (the statement must be ordered)."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    )
    number = _clamped(number, total, size)
    paged = statement.limit(size).offset((number - 1) * size)
    rows = db.session.scalars(paged).all() if scalars else db.session.execute(paged).all()
    return Page(list(rows), number, size, total)
