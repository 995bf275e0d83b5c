"""Scoring a checklist: plain functions over the parsed Checklist, no database, no Flask.

Task score % = sum(weight × score) / sum(weight × max score) × 100. The task passes when the
score reaches the checklist's pass mark and no critical item sits at its lowest level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from trainer.content.model import Checklist, ChecklistItem


class ScoringError(ValueError):
    """Scores that cannot be graded: some items unscored or scored off their scale."""

    def __init__(self, missing: tuple[ChecklistItem, ...], invalid: tuple[ChecklistItem, ...]):
        super().__init__("missing or invalid scores")
        self.missing = missing
        self.invalid = invalid


@dataclass(frozen=True)
class TaskScore:
    points: int
    max_points: int
    pass_mark: int  # percent
    critical_failures: tuple[str, ...]  # ids of critical items at their lowest level

    @property
    def percent(self) -> float:
        return round(100 * self.points / self.max_points, 1)

    @property
    def reaches_pass_mark(self) -> bool:
        # Integers only, so 80 % of 46 points is not lost to floating point.
        return self.points * 100 >= self.pass_mark * self.max_points

    @property
    def passed(self) -> bool:
        return self.reaches_pass_mark and not self.critical_failures


def scale_values(item: ChecklistItem) -> tuple[int, ...]:
    return tuple(score for score, _label in item.scale)


def lowest_score(item: ChecklistItem) -> int:
    return item.scale[0][0]


def missing_items(
    checklist: Checklist, scores: Mapping[str, int | None]
) -> tuple[ChecklistItem, ...]:
    return tuple(item for item in checklist.items if scores.get(item.id) is None)


def invalid_items(
    checklist: Checklist, scores: Mapping[str, int | None]
) -> tuple[ChecklistItem, ...]:
    return tuple(
        item
        for item in checklist.items
        if scores.get(item.id) is not None and scores[item.id] not in scale_values(item)
    )


def is_critical_failure(item: ChecklistItem, score: int | None) -> bool:
    return item.critical and score is not None and score == lowest_score(item)


def score_task(checklist: Checklist, scores: Mapping[str, int | None]) -> TaskScore:
    """Grade a complete set of scores; raises ScoringError naming every item that is not."""
    missing = missing_items(checklist, scores)
    invalid = invalid_items(checklist, scores)
    if missing or invalid:
        raise ScoringError(missing, invalid)
    items = checklist.items
    return TaskScore(
        points=sum(item.weight * scores[item.id] for item in items),
        max_points=sum(item.weight * item.max_score for item in items),
        pass_mark=checklist.pass_mark,
        critical_failures=tuple(
            item.id for item in items if is_critical_failure(item, scores[item.id])
        ),
    )
