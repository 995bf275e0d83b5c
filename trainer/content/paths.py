"""Career paths (职业发展通道): content/paths/*.md, one track per file.

```
---
title: 专业技术通道
track: specialist            # specialist | management
position_courses:            # optional: each position's own SOP course(s), by position code
  front-desk: [reception-sop]
  sales-associate: [sales-seven-steps]
levels:
  - id: junior-specialist
    title: 初级服务专员
    requires: [onboarding, service-standards]
    own_position_courses: true  # optional: also the person's own position's courses
  - id: mid-specialist
    title: 中级服务专员
    min_months_in_previous: 6   # optional: months holding the previous level
    requires: [communication-listening]
    # after: junior-specialist  # optional: the previous level; default the one above
---
Introduction in Markdown.
```

A level of one track may also require a level of another track, held for some months:

```
  - id: team-leader
    title: 领班
    requires: [service-mindset]
    requires_level: mid-specialist        # a level id of any track
    min_months_in_required_level: 6
```
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from trainer.content.model import POSITIONS, Problem
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
    own_position_courses: bool = False  # plus the courses of the person's own position
    requires_level: str | None = None  # a level of any track the person must hold
    min_months_in_required_level: int = 0


@dataclass(frozen=True)
class Track:
    slug: str  # file name without .md
    title: str
    track: str  # specialist | management
    intro: str
    levels: tuple[Level, ...]  # in promotion order
    # Position code → that position's own courses (its SOP), for own_position_courses levels.
    position_courses: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def level(self, level_id: str) -> Level | None:
        return next((level for level in self.levels if level.id == level_id), None)

    def requirements(self, level: Level, position_code: str | None) -> tuple[str, ...] | None:
        """The course slugs `level` requires of a person in this position; None when the
        level depends on the position and the person has none this track knows."""
        if not level.own_position_courses:
            return level.requires
        own = self.position_courses.get(position_code or "")
        if own is None:
            return None
        return level.requires + tuple(slug for slug in own if slug not in level.requires)


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
    cross_references: list[tuple[Track, Problem]] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        track, found, references = _load_track(
            path, f"paths/{path.name}", course_slugs, seen_levels
        )
        problems.extend(found)
        if track is not None:
            tracks.append(track)
            cross_references += [(track, reference) for reference in references]
    # A level of another track can only be checked once every file is read; a track left
    # out for it can leave out another that requires one of its levels, hence the loop.
    while True:
        known = {level.id for track in tracks for level in track.levels}
        broken = [(t, r) for t, r in cross_references if r.params["required"] not in known]
        if not broken:
            break
        for track, reference in broken:
            problems.append(reference)
            cross_references.remove((track, reference))
            if track in tracks:
                tracks.remove(track)
    return PathCatalogue(tuple(tracks), problems)


def _load_track(
    path: Path, display: str, course_slugs: Collection[str], seen_levels: set[str]
) -> tuple[Track | None, list[Problem], list[Problem]]:
    """(track, problems, the problem each requires_level would be if that level does not
    exist in any track: load_paths decides once every track is read)."""
    text, problems = read_markdown(path, display)
    if text is None:
        return None, problems, []
    front, found = split_front_matter(text, display)
    problems.extend(found)
    if front is None:
        return None, problems, []
    data = front.data
    reporter = _Reporter(display, front, problems)

    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        reporter.error(("title",), "path-title-missing")
    track_kind = data.get("track")
    if track_kind not in TRACKS:
        reporter.error(("track",), "path-track-invalid", value=track_kind)
    position_courses = _position_courses(data.get("position_courses"), course_slugs, reporter)
    raw_levels = data.get("levels")
    if not isinstance(raw_levels, list) or not raw_levels:
        reporter.error(("levels",), "path-levels-missing")
        return None, problems, []

    levels: list[Level] = []
    references: list[Problem] = []
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
        if level.own_position_courses and not position_courses:
            reporter.error(
                ("levels", index, "own_position_courses"),
                "path-position-courses-missing",
                level=level.id,
            )
        if level.requires_level is not None:
            line = front.line_of("levels", index, "requires_level")
            if level.requires_level == level.id:
                reporter.error(
                    ("levels", index, "requires_level"), "path-requires-itself", level=level.id
                )
            else:
                references.append(
                    Problem.error(
                        display,
                        line,
                        "path-required-level-missing",
                        level=level.id,
                        required=level.requires_level,
                    )
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
        return None, problems, []
    track = Track(
        path.stem,
        title.strip(),
        track_kind,
        front.body.strip(),
        tuple(_in_order(levels)),
        position_courses,
    )
    return track, problems, references


def _position_courses(
    raw: object, course_slugs: Collection[str], reporter: _Reporter
) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(courses, list) and courses and all(isinstance(c, str) for c in courses)
        for courses in raw.values()
    ):
        reporter.error(("position_courses",), "path-position-courses-invalid")
        return {}
    mapping: dict[str, tuple[str, ...]] = {}
    for code, courses in raw.items():
        code = str(code)
        if code not in POSITIONS:
            reporter.warning(
                ("position_courses", code),
                "path-position-unknown",
                position=code,
                known=", ".join(p for p in POSITIONS if p != "all"),
            )
        for index, course in enumerate(courses):
            if course not in course_slugs:
                reporter.error(
                    ("position_courses", code, index),
                    "path-position-course-missing",
                    position=code,
                    course=course,
                )
        mapping[code] = tuple(courses)
    return mapping


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
    months = {}
    for key in ("min_months_in_previous", "min_months_in_required_level"):
        value = raw.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            reporter.error(("levels", index, key), "path-months-invalid", level=level_id, key=key)
            return None
        months[key] = value
    own = raw.get("own_position_courses", False)
    if not isinstance(own, bool):
        reporter.error(
            ("levels", index, "own_position_courses"), "path-own-position-invalid", level=level_id
        )
        return None
    required_level = raw.get("requires_level")
    if required_level is not None and (
        not isinstance(required_level, str) or not LEVEL_ID.match(required_level)
    ):
        reporter.error(("levels", index, "requires_level"), "path-level-invalid", number=index + 1)
        return None
    if months["min_months_in_required_level"] and required_level is None:
        reporter.error(
            ("levels", index, "min_months_in_required_level"),
            "path-months-without-level",
            level=level_id,
        )
        return None
    after = raw.get("after", earlier[-1].id if earlier else None)
    return Level(
        level_id,
        title.strip(),
        tuple(requires),
        str(after) if after is not None else None,
        months["min_months_in_previous"],
        own,
        required_level,
        months["min_months_in_required_level"],
    )


class _Reporter:
    """Collects problems at the line of a front-matter key path."""

    def __init__(self, display: str, front, problems: list[Problem]):
        self.display, self.front, self.problems = display, front, problems

    def error(self, key_path: tuple, code: str, **params: object) -> None:
        self.problems.append(
            Problem.error(self.display, self.front.line_of(*key_path), code, **params)
        )

    def warning(self, key_path: tuple, code: str, **params: object) -> None:
        self.problems.append(
            Problem.warning(self.display, self.front.line_of(*key_path), code, **params)
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
