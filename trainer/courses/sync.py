"""Load content/courses into the database, one immutable version per distinct set of files.

A course folder that fails validation never takes the catalogue down: its last good version
stays live, its problems are stored for trainers to read, and the other courses load.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from trainer.audit import service as audit
from trainer.content import (
    Course,
    Problem,
    format_problem,
    load_catalogue,
    media_url_for,
    render_markdown,
    settings_of,
)
from trainer.content.lesson_values import fill_lesson_values
from trainer.content.loader import DB_LIMITS, CourseFiles, folder_version, load_course_files
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import (
    CourseFile,
    CourseLesson,
    CoursePublication,
    CourseRecord,
    CourseVersion,
    User,
    utcnow,
)

# "conflict": the folder's files differ from a version published from the browser, which
# stays live until a trainer chooses; "kept": a trainer chose the browser's version over
# these very folder files before.
OUTCOMES = ("new", "updated", "restored", "unchanged", "error", "missing", "conflict", "kept")


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


def _nothing_changed(hashes: dict[str, str]) -> dict[str, str] | None:
    """When every folder's files hash to its live, error-free version and no folder came or
    went, the catalogue is as last loaded: return {slug: "unchanged"} without parsing.
    Courses published from the browser need no folder; one that has a folder is unchanged
    when its files are the live version or the ones a trainer chose not to take."""
    rows = db.session.execute(
        sa.select(
            CourseRecord.slug,
            CourseRecord.status,
            CourseRecord.source,
            CourseRecord.folder_conflict_hash,
            CourseRecord.folder_conflict_kept,
            CourseVersion.version_hash,
        )
        .outerjoin(CourseVersion, CourseRecord.current_version_id == CourseVersion.id)
        .where(CourseRecord.status != "missing")
    ).all()
    from_folder = {
        row.slug: (row.status, row.version_hash) for row in rows if row.source == "folder"
    }
    from_browser = {row.slug: row for row in rows if row.source == "browser"}
    if set(from_folder) != set(hashes) - set(from_browser):
        return None
    if any(from_folder[slug] != ("ok", hashes[slug]) for slug in from_folder):
        return None
    outcomes = {slug: "unchanged" for slug in hashes}
    for slug, row in from_browser.items():
        folder_hash = hashes.get(slug)
        if folder_hash is None or folder_hash == row.version_hash:
            continue
        if not (row.folder_conflict_kept and folder_hash == row.folder_conflict_hash):
            return None
        outcomes[slug] = "kept"
    return outcomes


def sync_content(content_dir: Path) -> SyncReport:
    hashes = {folder.name: folder_version(folder) for folder in course_folders(content_dir)}
    unchanged = _nothing_changed(hashes)
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
                    report.outcomes[slug] = _sync_one(slug, records, catalogue, hashes.get(slug))
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
            if slug not in on_disk and record.source == "folder":
                record.status = "missing"
                report.outcomes[slug] = "missing"
    return report


def _sync_one(
    slug: str, records: dict[str, CourseRecord], catalogue, folder_hash: str | None
) -> str:
    record = records.get(slug)
    if record is None and len(slug) > DB_LIMITS["slug"]:
        return "error"  # its problems are in the report; no row can hold this slug
    if record is not None and record.source == "browser":
        return _check_folder_against_browser(record, folder_hash)
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
    record.folder_conflict_hash = None
    record.folder_conflict_kept = False
    outcome = make_current(record, course, catalogue.files[slug], Publication("folder"))
    db.session.flush()  # a refusal shows here, inside this course's savepoint
    return outcome


def _check_folder_against_browser(record: CourseRecord, folder_hash: str | None) -> str:
    """A course last published from the browser is never replaced by a sync: when the
    folder holds other files, they wait as a conflict on the course page until a trainer
    takes them (`take_folder_version`) or keeps the browser's version."""
    live_hash = record.current_version.version_hash if record.current_version else None
    if folder_hash is None or folder_hash == live_hash:
        record.folder_conflict_hash = None
        record.folder_conflict_kept = False
        return "unchanged"
    if record.folder_conflict_hash == folder_hash and record.folder_conflict_kept:
        return "kept"
    record.folder_conflict_hash = folder_hash
    record.folder_conflict_kept = False
    return "conflict"


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


@dataclass(frozen=True)
class Publication:
    """Who put a version live and why: the sync (folder), a reviewed draft (browser), or an
    older version published again (rollback)."""

    source: str  # one of PUBLICATION_SOURCES
    actor: User | None = None  # who pressed publish; None for the content sync
    author: User | None = None
    reviewer: User | None = None
    message: str = ""


def make_current(
    record: CourseRecord, course: Course, files: CourseFiles, publication: Publication
) -> str:
    """Make `course` (parsed from `files`) the live version of `record`: the one way a
    version goes live, for the sync, a published draft and a rollback alike. Stores the
    version when its files are new, records the publication and its audit event."""
    version = db.session.scalar(
        sa.select(CourseVersion).where(
            CourseVersion.course_id == record.id, CourseVersion.version_hash == course.version
        )
    )
    if version is not None:
        outcome = "unchanged" if record.current_version_id == version.id else "restored"
    else:
        outcome = "new" if record.current_version_id is None else "updated"
        version = _create_version(record, course, files)
    record.current_version = version
    record.source = "folder" if publication.source == "folder" else "browser"
    if outcome == "unchanged" and publication.source == "folder":
        return outcome
    number = (
        db.session.scalar(
            sa.select(sa.func.max(CoursePublication.number)).where(
                CoursePublication.course_id == record.id
            )
        )
        or 0
    ) + 1
    db.session.add(
        CoursePublication(
            course_id=record.id,
            version_id=version.id,
            number=number,
            source=publication.source,
            author_id=publication.author.id if publication.author else None,
            reviewer_id=publication.reviewer.id if publication.reviewer else None,
            message=publication.message,
        )
    )
    # In the same transaction as the version it records; the content sync has no actor.
    audit.record(
        publication.actor,
        "course.version_published",
        "course_version",
        version.id,
        course=record.slug,
        title=version.title,
        outcome=outcome,
        source=publication.source,
        number=number,
        author=publication.author.display_name if publication.author else None,
        reviewer=publication.reviewer.display_name if publication.reviewer else None,
        message=publication.message or None,
    )
    return outcome


def _create_version(record: CourseRecord, course: Course, files: CourseFiles) -> CourseVersion:
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
        CourseFile(version_id=version.id, path=path, content=files[path]) for path in course.files
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


def stored_files(version_id: int) -> dict[str, bytes]:
    """Every file of a stored version, path → bytes."""
    return dict(
        db.session.execute(
            sa.select(CourseFile.path, CourseFile.content).where(
                CourseFile.version_id == version_id
            )
        ).all()
    )


def course_for_version(version: CourseVersion) -> Course:
    """The parsed course of a stored version (quiz, checklists), rebuilt from its files."""
    return _parse_stored_version(version.id, version.version_hash, version.course.slug)


@lru_cache(maxsize=64)
def _parse_stored_version(version_id: int, version_hash: str, slug: str) -> Course:
    # A stored version never changes, so its parse is kept for the life of the process,
    # keyed by the version's id and content hash (a database rebuilt under the same ids
    # holds other content and so gets another key).
    course, problems = load_course_files(slug, stored_files(version_id))
    if course is None:  # stored versions were valid when stored; say clearly if not
        raise RuntimeError("; ".join(format_problem(p, "en") for p in problems))
    return course
