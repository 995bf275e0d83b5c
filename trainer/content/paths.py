"""Career paths (职业发展通道): content/paths/*.md, one track per file.

```
---
title: 专业技术通道
track: specialist            # specialist | management
levels:
  - id: junior-specialist
    title: 初级服务专员
    requires: [onboarding, service-standards]
  - id: mid-specialist
    title: 中级服务专员
    min_months_in_previous: 6   # optional: months holding the previous level
    requires: [reception-sop]
    # after: junior-specialist  # optional: the previous level; default the one above
---
Introduction in Markdown.
```
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from trainer.content.model import Problem
from trainer.content.sources import read_markdown, split_front_matter

TRACKS = ("specialist", "management")
LEVEL_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Level:
    id: str
    title: str
    requires: tuple[str, ...]  # course slugs whose certificates the level needs
    after: str | None  # the previous level's id
    min_months_in_previous: int


@dataclass(frozen=True)
class Track:
    slug: str  # file name without .md
    title: str
    track: str  # specialist | management
    intro: str
    levels: tuple[Level, ...]  # in promotion order

    def level(self, level_id: str) -> Level | None:
        return next((level for level in self.levels if level.id == level_id), None)


@dataclass(frozen=True)
class PathCatalogue:
    tracks: tuple[Track, ...]
    problems: list[Problem]

    def level(self, level_id: str) -> tuple[Track, Level] | None:
        for track in self.tracks:
            level = track.level(level_id)
            if level is not None:
                return track, level
        return None


def load_paths(content_dir: Path, course_slugs: Collection[str]) -> PathCatalogue:
    """Every valid track under content_dir/paths; a broken file is reported, not loaded."""
    folder = content_dir / "paths"
    tracks: list[Track] = []
    problems: list[Problem] = []
    seen_levels: set[str] = set()
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        track, found = _load_track(path, f"paths/{path.name}", course_slugs, seen_levels)
        problems.extend(found)
        if track is not None:
            tracks.append(track)
    return PathCatalogue(tuple(tracks), problems)


def _load_track(
    path: Path, display: str, course_slugs: Collection[str], seen_levels: set[str]
) -> tuple[Track | None, list[Problem]]:
    text, problems = read_markdown(path, display)
    if text is None:
        return None, problems
    front, found = split_front_matter(text, display)
    problems.extend(found)
    if front is None:
        return None, problems
    data = front.data
    reporter = _Reporter(display, front, problems)

    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        reporter.error(("title",), "path-title-missing")
    track_kind = data.get("track")
    if track_kind not in TRACKS:
        reporter.error(("track",), "path-track-invalid", value=track_kind)
    raw_levels = data.get("levels")
    if not isinstance(raw_levels, list) or not raw_levels:
        reporter.error(("levels",), "path-levels-missing")
        return None, problems

    levels: list[Level] = []
    for index, raw in enumerate(raw_levels):
        level = _level(raw, index, levels, reporter)
        if level is None:
            continue
        if level.id in seen_levels:
            reporter.error(("levels", index, "id"), "path-level-duplicate", level=level.id)
            continue
        seen_levels.add(level.id)
        for position, course in enumerate(level.requires):
            if course not in course_slugs:
                reporter.error(
                    ("levels", index, "requires", position),
                    "path-course-missing",
                    level=level.id,
                    course=course,
                )
        levels.append(level)

    ids = {level.id for level in levels}
    for index, level in enumerate(levels):
        if level.after is not None and level.after not in ids:
            reporter.error(
                ("levels", index, "after"), "path-after-missing", level=level.id, after=level.after
            )
    cycle = _cycle(levels)
    if cycle:
        reporter.error(("levels",), "path-level-cycle", cycle=" → ".join(cycle))
    if any(p.is_error for p in problems):
        return None, problems
    return Track(
        path.stem, title.strip(), track_kind, front.body.strip(), tuple(_in_order(levels))
    ), problems


def _level(raw: object, index: int, earlier: list[Level], reporter: _Reporter) -> Level | None:
    if not isinstance(raw, dict):
        reporter.error(("levels", index), "path-level-invalid", number=index + 1)
        return None
    level_id, title, requires = raw.get("id"), raw.get("title"), raw.get("requires")
    if (
        not isinstance(level_id, str)
        or not LEVEL_ID.match(level_id)
        or not isinstance(title, str)
        or not title.strip()
        or not isinstance(requires, list)
        or not all(isinstance(course, str) for course in requires)
    ):
        reporter.error(("levels", index), "path-level-invalid", number=index + 1)
        return None
    months = raw.get("min_months_in_previous", 0)
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        reporter.error(
            ("levels", index, "min_months_in_previous"), "path-months-invalid", level=level_id
        )
        return None
    after = raw.get("after", earlier[-1].id if earlier else None)
    return Level(
        level_id, title.strip(), tuple(requires), str(after) if after is not None else None, months
    )


class _Reporter:
    """Collects problems at the line of a front-matter key path."""

    def __init__(self, display: str, front, problems: list[Problem]):
        self.display, self.front, self.problems = display, front, problems

    def error(self, key_path: tuple, code: str, **params: object) -> None:
        self.problems.append(
            Problem.error(self.display, self.front.line_of(*key_path), code, **params)
        )


def _cycle(levels: list[Level]) -> list[str] | None:
    after = {level.id: level.after for level in levels}
    for start in after:
        seen = [start]
        current = after.get(start)
        while current is not None and current in after:
            if current in seen:
                return [*seen[seen.index(current) :], current]
            seen.append(current)
            current = after.get(current)
    return None


def _in_order(levels: list[Level]) -> list[Level]:
    """Levels sorted so each comes after its `after` level (file order breaks ties)."""
    placed: list[Level] = []
    remaining = list(levels)
    while remaining:
        for level in remaining:
            if level.after is None or level.after in {p.id for p in placed}:
                placed.append(level)
                remaining.remove(level)
                break
        else:  # unreachable for valid tracks: cycles were refused above
            placed.extend(remaining)
            break
    return placed
