"""Load content/courses into the database, one immutable version per distinct set of files.

A course folder that fails validation never takes the catalogue down: its last good version
stays live, its problems are stored for trainers to read, and the other courses load.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from trainer.audit import service as audit
from trainer.content import (
    Course,
    Problem,
    course_version,
    format_problem,
    load_catalogue,
    load_course,
    media_url_for,
    render_markdown,
    settings_of,
)
from trainer.content.lesson_values import fill_lesson_values
from trainer.content.loader import DB_LIMITS
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import CourseFile, CourseLesson, CourseRecord, CourseVersion, utcnow

OUTCOMES = ("new", "updated", "restored", "unchanged", "error", "missing")


@dataclass
class SyncReport:
    outcomes: dict[str, str] = field(default_factory=dict)  # slug -> one of OUTCOMES
    problems: dict[str, list[Problem]] = field(default_factory=dict)

    @property
    def counts(self) -> Counter:
        return Counter(self.outcomes.values())

    def summary(self) -> str:
        counts = self.counts
        return ", ".join(f"{counts[name]} {name}" for name in OUTCOMES if counts[name])


def media_path(slug: str, version_id: int, path: str) -> str:
    """The URL path of a course media file; matches the courses.media route."""
    return f"/courses/{slug}/v{version_id}/{path}"


def course_folders(content_dir: Path) -> list[Path]:
    """The folders load_catalogue treats as courses (same rule)."""
    courses_dir = content_dir / "courses" if (content_dir / "courses").is_dir() else content_dir
    if not courses_dir.is_dir():
        return []
    return [
        folder
        for folder in sorted(courses_dir.iterdir())
        if folder.is_dir() and not folder.is_symlink() and not folder.name.startswith((".", "_"))
    ]


def _nothing_changed(content_dir: Path) -> dict[str, str] | None:
    """When every folder's files hash to its live, error-free version and no folder came or
    went, the catalogue is as last loaded: return {slug: "unchanged"} without parsing."""
    hashes = {folder.name: course_version(folder) for folder in course_folders(content_dir)}
    rows = db.session.execute(
        sa.select(CourseRecord.slug, CourseRecord.status, CourseVersion.version_hash)
        .outerjoin(CourseVersion, CourseRecord.current_version_id == CourseVersion.id)
        .where(CourseRecord.status != "missing")
    ).all()
    live = {slug: (status, version_hash) for slug, status, version_hash in rows}
    if set(live) != set(hashes):
        return None
    if any(live[slug] != ("ok", version_hash) for slug, version_hash in hashes.items()):
        return None
    return {slug: "unchanged" for slug in hashes}


def sync_content(content_dir: Path) -> SyncReport:
    unchanged = _nothing_changed(content_dir)
    if unchanged is not None:
        with write_transaction():
            db.session.execute(
                sa.update(CourseRecord)
                .where(CourseRecord.slug.in_(list(unchanged)))
                .values(checked_at=utcnow())
            )
        return SyncReport(outcomes=unchanged)
    catalogue = load_catalogue(content_dir)
    on_disk = set(catalogue.problems) | set(catalogue.courses)
    report = SyncReport(problems=catalogue.problems)
    with write_transaction():
        records = {r.slug: r for r in db.session.scalars(sa.select(CourseRecord))}
        for slug in sorted(on_disk):
            # One savepoint per course: whatever the database refuses in one course is
            # undone for that course alone, and the others still load.
            try:
                with db.session.begin_nested():
                    report.outcomes[slug] = _sync_one(slug, records, catalogue)
            except sa.exc.SQLAlchemyError as error:
                report.outcomes[slug] = "error"
                report.problems[slug] = [
                    *catalogue.problems.get(slug, []),
                    Problem.error(
                        f"courses/{slug}/course.md", 0, "loader-failed", detail=type(error).__name__
                    ),
                ]
                records[slug] = _record_failure(slug, report.problems[slug])
        for slug, record in records.items():
            if slug not in on_disk:
                record.status = "missing"
                report.outcomes[slug] = "missing"
    return report


def _sync_one(slug: str, records: dict[str, CourseRecord], catalogue) -> str:
    record = records.get(slug)
    if record is None and len(slug) > DB_LIMITS["slug"]:
        return "error"  # its problems are in the report; no row can hold this slug
    if record is None:
        record = CourseRecord(slug=slug, problems=[])
        db.session.add(record)
        db.session.flush()
        records[slug] = record
    record.problems = [_problem_dict(p) for p in catalogue.problems.get(slug, [])]
    record.checked_at = utcnow()
    course = catalogue.courses.get(slug)
    if course is None:
        record.status = "error"  # the live version, if any, stays live
        return "error"
    record.status = "ok"
    outcome = _make_current(record, course)
    db.session.flush()  # a refusal shows here, inside this course's savepoint
    return outcome


def _record_failure(slug: str, problems: list[Problem]) -> CourseRecord | None:
    """After a course's savepoint was rolled back: keep its problems for trainers to read
    (its live version, if any, stays live)."""
    record = db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == slug))
    if record is None:
        record = CourseRecord(slug=slug)
        db.session.add(record)
    record.status = "error"
    record.problems = [_problem_dict(p) for p in problems]
    record.checked_at = utcnow()
    db.session.flush()
    return record


def _make_current(record: CourseRecord, course: Course) -> str:
    version = db.session.scalar(
        sa.select(CourseVersion).where(
            CourseVersion.course_id == record.id, CourseVersion.version_hash == course.version
        )
    )
    if version is not None:
        outcome = "unchanged" if record.current_version_id == version.id else "restored"
    else:
        outcome = "new" if record.current_version_id is None else "updated"
        version = _create_version(record, course)
    record.current_version = version
    if outcome != "unchanged":
        # In the same transaction as the version it records; the content sync has no actor.
        audit.record(
            None,
            "course.version_published",
            "course_version",
            version.id,
            course=record.slug,
            title=version.title,
            outcome=outcome,
        )
    return outcome


def _create_version(record: CourseRecord, course: Course) -> CourseVersion:
    meta = course.meta
    version = CourseVersion(
        course_id=record.id,
        version_hash=course.version,
        title=meta.title,
        summary=meta.summary,
        category=meta.category,
        estimated_minutes=meta.estimated_minutes,
        settings=dataclasses.asdict(meta),
        question_count=len(course.questions),
    )
    db.session.add(version)
    db.session.flush()  # the id goes into media URLs

    def to_url(path: str) -> str:
        return media_path(course.slug, version.id, path)

    # Exam settings a lesson or the introduction shows come from the settings just stored
    # on this version.
    settings = settings_of(version)
    version.intro_html = render_markdown(
        fill_lesson_values(course.intro, settings),
        media_url_for("course.md", course.media, to_url),
    ).html
    for lesson in course.lessons:
        rendered = render_markdown(
            fill_lesson_values(lesson.source, settings),
            media_url_for(lesson.path, course.media, to_url),
        )
        version.lessons.append(
            CourseLesson(
                number=lesson.number,
                slug=lesson.slug,
                title=lesson.title,
                html=rendered.html,
                toc=[list(entry) for entry in rendered.toc],
            )
        )
    db.session.add_all(
        CourseFile(
            version_id=version.id, path=path, content=(course.source_dir / path).read_bytes()
        )
        for path in course.files
    )
    return version


def _problem_dict(problem: Problem) -> dict:
    return {
        "file": problem.file,
        "line": problem.line,
        "code": problem.code,
        "severity": problem.severity,
        "zh": problem.message("zh"),
        "en": problem.message("en"),
    }


def course_for_version(version: CourseVersion) -> Course:
    """The parsed course of a stored version (quiz, checklists), rebuilt from its files."""
    return _parse_stored_version(version.id, version.version_hash, version.course.slug)


@lru_cache(maxsize=64)
def _parse_stored_version(version_id: int, version_hash: str, slug: str) -> Course:
    # A stored version never changes, so its parse is kept for the life of the process,
    # keyed by the version's id and content hash (a database rebuilt under the same ids
    # holds other content and so gets another key).
    files = db.session.execute(
        sa.select(CourseFile.path, CourseFile.content).where(CourseFile.version_id == version_id)
    ).all()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / slug
        for path, content in files:
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        course, problems = load_course(folder)
    if course is None:  # stored versions were valid when stored; say clearly if not
        raise RuntimeError("; ".join(format_problem(p, "en") for p in problems))
    return course
