"""Courses written in the browser: drafts, their check, review and publishing.

A draft is a set of files in the database, checked by the same loader as a folder under
content/courses/ (`load_course_source`), so a draft passes exactly when the same files in a
folder would. Publishing goes through `sync.make_current`, the one way a version goes live.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from trainer.audit import service as audit
from trainer.authoring.archive import MAX_ARCHIVE_FILES
from trainer.authoring.slugs import suggest_slug
from trainer.content import Course, Problem, settings_of
from trainer.content.loader import (
    COURSE_SLUG,
    DB_LIMITS,
    LESSON_FILE,
    CourseFiles,
    check_prerequisites_of,
    course_version,
    is_ignored_file,
    load_course_source,
    read_course_folder,
)
from trainer.courses.sync import (
    Publication,
    course_for_version,
    make_current,
    stored_files,
)
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import (
    CourseDraft,
    CourseRecord,
    CourseVersion,
    DraftFile,
    DraftNote,
    User,
    utcnow,
)

TITLE_LINE = re.compile(r"^title\s*[:：].*$", re.M)
# A path inside a course: lower-case words, digits, dots, hyphens and underscores in
# folders, as the loader's own file names are; anything else is refused before it is saved.
SAFE_PATH = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*$")
# A course holds at most as many files as its zip may (one rule for both ways in).
MAX_DRAFT_FILES = MAX_ARCHIVE_FILES


class DraftRefused(Exception):
    """What the trainer tried cannot be done; the message says what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)  # lazy: rendered in the reader's language when shown
        self.message = message


class DraftConflict(DraftRefused):
    """Someone else saved the same file since this trainer opened it."""


@dataclass(frozen=True)
class DraftCheck:
    """The loader's verdict on a draft's files."""

    course: Course | None
    problems: list[Problem]
    files: dict[str, bytes]
    display_root: str

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.is_error]

    def relative(self, problem: Problem) -> str:
        """The problem's file as a path inside the course ("lessons/01-x.md")."""
        return problem.file.removeprefix(self.display_root).lstrip("/")


# --- reading -------------------------------------------------------------------------------


def require_review() -> bool:
    return bool(current_app.config["REQUIRE_REVIEW"])


def draft_files(draft: CourseDraft) -> dict[str, bytes]:
    return dict(
        db.session.execute(
            sa.select(DraftFile.path, DraftFile.content).where(DraftFile.draft_id == draft.id)
        ).all()
    )


def record_of(draft: CourseDraft) -> CourseRecord | None:
    return db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == draft.slug))


def check_files(slug: str, files: CourseFiles) -> DraftCheck:
    """Check a course's files as `content check` would, prerequisites against the live
    catalogue (this course's own entry replaced by these files)."""
    display_root = f"courses/{slug}"
    load = load_course_source(slug, files, display_root)
    graph, valid = _live_prerequisites()
    graph[slug] = [prerequisite for prerequisite, _ in load.prerequisites]
    check_prerequisites_of(load, graph, valid)
    return DraftCheck(load.course, load.problems, dict(files), display_root)


def check_draft(draft: CourseDraft, replace: Mapping[str, bytes] | None = None) -> DraftCheck:
    """The draft's check, with `replace`'s files in place of the stored ones (what the
    editor holds but has not saved yet)."""
    files = draft_files(draft)
    files.update(replace or {})
    return check_files(draft.slug, files)


def _live_prerequisites() -> tuple[dict[str, list[str]], set[str]]:
    rows = db.session.execute(
        sa.select(CourseRecord.slug, CourseRecord.status, CourseVersion).outerjoin(
            CourseVersion, CourseRecord.current_version_id == CourseVersion.id
        )
    ).all()
    graph = {
        slug: list(settings_of(version).prerequisites) if version is not None else []
        for slug, status, version in rows
        if status != "missing"
    }
    valid = {slug for slug, status, version in rows if status == "ok" and version is not None}
    return graph, valid


def is_stale(draft: CourseDraft, record: CourseRecord | None = None) -> bool:
    """The live version changed (a sync, another publish, a rollback) since the draft began."""
    record = record if record is not None else record_of(draft)
    if record is None:
        return False
    return record.current_version_id != draft.base_version_id


def changes_against_live(draft: CourseDraft, files: Mapping[str, bytes]) -> bool:
    record = record_of(draft)
    if record is None or record.current_version is None:
        return True
    return course_version(files) != record.current_version.version_hash


def drafts_in_order() -> list[CourseDraft]:
    return list(db.session.scalars(sa.select(CourseDraft).order_by(CourseDraft.updated_at.desc())))


def draft_for_slug(slug: str) -> CourseDraft | None:
    return db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == slug))


# --- starting a draft ----------------------------------------------------------------------


def starter_files(title: str) -> dict[str, bytes]:
    """The starter template's files, its course.md titled `title`."""
    folder = Path(current_app.config["STARTER_COURSE_DIR"])
    files, _problems = read_course_folder(folder, "starter")
    files = {path: data for path, data in files.items() if not is_ignored_file(path)}
    files["course.md"] = _retitled(files["course.md"], title)
    return files


def _retitled(course_md: bytes, title: str) -> bytes:
    text = course_md.decode("utf-8")
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return TITLE_LINE.sub(lambda _match: f"title: {quoted}", text, count=1).encode("utf-8")


def taken_slugs() -> set[str]:
    """Folder names a new course cannot have: those of every course and every draft."""
    return set(db.session.scalars(sa.select(CourseRecord.slug))) | set(
        db.session.scalars(sa.select(CourseDraft.slug))
    )


def suggested_slug(title: str) -> str:
    """The folder name offered for a new course's title, not yet taken."""
    return suggest_slug(title, taken_slugs())


def _check_new_slug(slug: str) -> None:
    if not COURSE_SLUG.match(slug) or len(slug) > DB_LIMITS["slug"]:
        raise DraftRefused(
            _l(
                "The folder name may use lower-case letters a–z, digits and single hyphens "
                "(for example reception-etiquette), at most 100 characters."
            )
        )
    if slug in taken_slugs():
        raise DraftRefused(
            _l("A course or draft named %(slug)s already exists: choose another name.", slug=slug)
        )


def start_new_course(
    actor: User, title: str, slug: str, files: Mapping[str, bytes] | None = None
) -> CourseDraft:
    """A draft for a new course: the starter template titled `title`, or the given files."""
    title = title.strip()
    if not title or len(title) > DB_LIMITS["title"]:
        raise DraftRefused(_l("Give the course a title of at most 200 characters."))
    with write_transaction():
        _check_new_slug(slug)
        draft = _new_draft(actor, slug, None, files or starter_files(title), "new")
    return draft


def start_draft_from_live(actor: User, record: CourseRecord) -> CourseDraft:
    """A draft of a live course, starting from its live version (or the open one)."""
    existing = draft_for_slug(record.slug)
    if existing is not None:
        return existing
    if record.current_version_id is None:
        raise DraftRefused(_l("This course has no live version to edit yet."))
    with write_transaction():
        if (existing := draft_for_slug(record.slug)) is not None:
            return existing
        files = stored_files(record.current_version_id)
        draft = _new_draft(actor, record.slug, record.current_version_id, files, "edit")
    return draft


def duplicate_course(actor: User, record: CourseRecord, slug: str, title: str) -> CourseDraft:
    """A new course's draft holding a copy of a live course's files, retitled."""
    if record.current_version_id is None:
        raise DraftRefused(_l("This course has no live version to copy."))
    title = title.strip()
    if not title or len(title) > DB_LIMITS["title"]:
        raise DraftRefused(_l("Give the course a title of at most 200 characters."))
    files = stored_files(record.current_version_id)
    files["course.md"] = _retitled(files["course.md"], title)
    with write_transaction():
        _check_new_slug(slug)
        draft = _new_draft(actor, slug, None, files, "duplicate", copied_from=record.slug)
    return draft


def _new_draft(
    actor: User,
    slug: str,
    base_version_id: int | None,
    files: Mapping[str, bytes],
    how: str,
    **details: object,
) -> CourseDraft:
    draft = CourseDraft(slug=slug, base_version_id=base_version_id, created_by=actor)
    db.session.add(draft)
    db.session.flush()
    for path, content in sorted(files.items()):
        db.session.add(DraftFile(draft_id=draft.id, path=path, content=content, updated_by=actor))
    db.session.flush()
    _summarise(draft, check_files(slug, files))
    audit.record(
        actor,
        "course.draft_started",
        "course_draft",
        draft.id,
        course=slug,
        title=draft.title,
        how=how,
        **details,
    )
    return draft


def _summarise(draft: CourseDraft, check: DraftCheck) -> None:
    draft.error_count = len(check.errors)
    draft.warning_count = len(check.warnings)
    if check.course is not None:
        draft.title = check.course.meta.title[: DB_LIMITS["title"]]
    draft.updated_at = utcnow()


# --- editing -------------------------------------------------------------------------------


def check_path(path: str) -> str:
    """A path a draft may hold, or DraftRefused saying why not."""
    path = path.strip()
    normal = posixpath.normpath(path) if path else ""
    if (
        not path
        or normal != path
        or path.startswith("/")
        or ".." in path.split("/")
        or not SAFE_PATH.match(path)
        or len(path) > DB_LIMITS["path"]
    ):
        raise DraftRefused(
            _l(
                "%(path)s is not a file name a course can hold: use letters, digits, hyphens "
                "and dots inside the course, such as lessons/03-greeting.md.",
                path=path[:80],
            )
        )
    return path


def _editable(draft: CourseDraft) -> None:
    if draft.status == "in_review":
        raise DraftRefused(
            _l(
                "This draft is waiting for review and cannot be changed. Withdraw it from "
                "review first, or ask the reviewer to send it back."
            )
        )


def save_file(
    draft: CourseDraft, actor: User, path: str, content: bytes, revision: int | None
) -> DraftFile:
    """Save one file of the draft. `revision` is the one the trainer's editor started from
    (None for a new file): when someone saved since, nothing is saved (DraftConflict)."""
    path = check_path(path)
    with write_transaction():
        db.session.refresh(draft)
        _editable(draft)
        stored = db.session.scalar(
            sa.select(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.path == path)
        )
        if stored is None and revision:
            raise DraftConflict(
                _l(
                    "%(path)s was deleted by someone else since you opened it. Your text is "
                    "still in the editor: copy it, reload the page and add the file again.",
                    path=path,
                )
            )
        if stored is not None and revision != stored.revision:
            who = stored.updated_by.display_name if stored.updated_by else "?"
            raise DraftConflict(
                _l(
                    "%(who)s saved %(path)s after you opened it, so your save was not made. "
                    "Your text is still in the editor: copy it, reload the page to see their "
                    "changes, and merge the two.",
                    who=who,
                    path=path,
                )
            )
        if stored is None:
            count = db.session.scalar(
                sa.select(sa.func.count()).where(DraftFile.draft_id == draft.id)
            )
            if count >= MAX_DRAFT_FILES:
                raise DraftRefused(_l("A course holds at most 500 files."))
            stored = DraftFile(draft_id=draft.id, path=path, content=content, updated_by=actor)
            db.session.add(stored)
        else:
            stored.content = content
            stored.revision += 1
            stored.updated_by = actor
            stored.updated_at = utcnow()
        db.session.flush()
        _summarise(draft, check_draft(draft))
    return stored


def delete_file(draft: CourseDraft, actor: User, path: str, revision: int | None) -> None:
    with write_transaction():
        db.session.refresh(draft)
        _editable(draft)
        stored = db.session.scalar(
            sa.select(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.path == path)
        )
        if stored is None:
            return
        if revision != stored.revision:
            raise DraftConflict(
                _l("Someone saved %(path)s since you opened it; reload and try again.", path=path)
            )
        db.session.delete(stored)
        db.session.flush()
        _summarise(draft, check_draft(draft))


def next_lesson_path(draft: CourseDraft, lesson_slug: str) -> str:
    """lessons/NN-slug.md with the number after the draft's last lesson."""
    numbers = [
        int(match.group(1))
        for path in draft_files(draft)
        if path.startswith("lessons/") and (match := LESSON_FILE.match(path[len("lessons/") :]))
    ]
    return f"lessons/{max(numbers, default=0) + 1:02d}-{lesson_slug}.md"


def replace_files(draft: CourseDraft, actor: User, files: Mapping[str, bytes]) -> None:
    """Replace every file of the draft (an uploaded zip)."""
    for path in files:
        check_path(path)
    with write_transaction():
        db.session.refresh(draft)
        _editable(draft)
        stored = {f.path: f for f in draft.files}
        for path, file in stored.items():
            if path not in files:
                db.session.delete(file)
        for path, content in files.items():
            if path in stored:
                if stored[path].content != content:
                    stored[path].content = content
                    stored[path].revision += 1
                    stored[path].updated_by = actor
                    stored[path].updated_at = utcnow()
            else:
                db.session.add(
                    DraftFile(draft_id=draft.id, path=path, content=content, updated_by=actor)
                )
        db.session.flush()
        _summarise(draft, check_draft(draft))
        audit.record(
            actor,
            "course.draft_imported",
            "course_draft",
            draft.id,
            course=draft.slug,
            files=len(files),
        )


# --- live version changed while editing ------------------------------------------------------


def continue_on_live(draft: CourseDraft, actor: User) -> None:
    """Keep the draft's files and take the current live version as its new base (the
    trainer has seen what changed in the live version)."""
    with write_transaction():
        record = record_of(draft)
        if record is None:
            return
        draft.base_version_id = record.current_version_id
        audit.record(actor, "course.draft_rebased", "course_draft", draft.id, course=draft.slug)


def discard(draft: CourseDraft, actor: User) -> None:
    with write_transaction():
        audit.record(
            actor,
            "course.draft_discarded",
            "course_draft",
            draft.id,
            course=draft.slug,
            title=draft.title,
        )
        db.session.delete(draft)


# --- review and publishing -----------------------------------------------------------------


def _ready(draft: CourseDraft, check: DraftCheck) -> None:
    if check.errors:
        raise DraftRefused(
            _l(
                "The draft has %(count)d errors. Fix them (they are listed at their line in "
                "the editor) before it can go to review or be published.",
                count=len(check.errors),
            )
        )
    if is_stale(draft):
        raise DraftRefused(
            _l(
                "The live version of this course changed after this draft began. Look at the "
                "changes and choose: continue with your draft on top of them, or discard it."
            )
        )
    if not changes_against_live(draft, check.files):
        raise DraftRefused(_l("The draft is the same as the live version: nothing to publish."))


def submit(draft: CourseDraft, actor: User, message: str) -> None:
    message = message.strip()
    if not message:
        raise DraftRefused(_l("Say in a sentence what you changed, for the reviewer."))
    with write_transaction():
        db.session.refresh(draft)
        if draft.status != "editing":
            raise DraftRefused(_l("This draft is already waiting for review."))
        _ready(draft, check_draft(draft))
        draft.status = "in_review"
        draft.submitted_by = actor
        draft.submitted_at = utcnow()
        draft.message = message
        db.session.add(DraftNote(draft=draft, author=actor, kind="submitted", body=message))
        audit.record(
            actor,
            "course.draft_submitted",
            "course_draft",
            draft.id,
            course=draft.slug,
            title=draft.title,
            message=message,
        )


def comment(draft: CourseDraft, actor: User, body: str) -> None:
    body = body.strip()
    if not body:
        raise DraftRefused(_l("Write the comment first."))
    with write_transaction():
        db.session.add(DraftNote(draft_id=draft.id, author=actor, kind="comment", body=body))
        draft.updated_at = utcnow()
        audit.record(actor, "course.draft_commented", "course_draft", draft.id, course=draft.slug)


def send_back(draft: CourseDraft, actor: User, body: str) -> None:
    """The reviewer sends the draft back for changes (or its author withdraws it)."""
    body = body.strip()
    withdrawn = draft.submitted_by_id == actor.id
    if not body and not withdrawn:
        raise DraftRefused(_l("Say what should change before the course can be published."))
    with write_transaction():
        db.session.refresh(draft)
        if draft.status != "in_review":
            raise DraftRefused(_l("This draft is not waiting for review."))
        draft.status = "editing"
        db.session.add(
            DraftNote(draft_id=draft.id, author=actor, kind="sent_back", body=body or "—")
        )
        audit.record(
            actor,
            "course.draft_sent_back",
            "course_draft",
            draft.id,
            course=draft.slug,
            withdrawn=withdrawn,
            message=body or None,
        )


def may_publish(draft: CourseDraft, actor: User) -> bool:
    """Who may publish this draft now: with review required, someone other than the person
    who submitted it, once it is submitted; without, its author at any time."""
    if not require_review():
        return True
    return draft.status == "in_review" and draft.submitted_by_id != actor.id


def publish(draft: CourseDraft, actor: User, message: str = "") -> CourseVersion:
    """Put the draft live as a new version of its course, exactly as the sync would."""
    with write_transaction():
        db.session.refresh(draft)
        if require_review() and draft.status != "in_review":
            raise DraftRefused(_l("Submit the draft for review first."))
        if require_review() and draft.submitted_by_id == actor.id:
            raise DraftRefused(
                _l("Another trainer or an administrator must review and publish your draft.")
            )
        message = (draft.message if draft.status == "in_review" else message).strip()
        if not message:
            raise DraftRefused(_l("Say in a sentence what you changed."))
        check = check_draft(draft)
        _ready(draft, check)
        record = record_of(draft)
        if record is None:
            record = CourseRecord(slug=draft.slug, problems=[], source="browser")
            db.session.add(record)
            db.session.flush()
        record.status = "ok"
        record.problems = []
        record.checked_at = utcnow()
        reviewed = require_review()
        author = draft.submitted_by or draft.created_by or actor
        make_current(
            record,
            check.course,
            check.files,
            Publication(
                "browser",
                actor=actor,
                author=author,
                reviewer=actor if reviewed else None,
                message=message,
            ),
        )
        version = record.current_version
        db.session.delete(draft)
    return version


# --- history -------------------------------------------------------------------------------


def rollback(record: CourseRecord, version: CourseVersion, actor: User, message: str) -> None:
    """Publish an older version again, as a new entry of the course's history."""
    message = message.strip()
    if version.course_id != record.id:
        raise DraftRefused(_l("That version belongs to another course."))
    if version.id == record.current_version_id:
        raise DraftRefused(_l("This version is already the live one."))
    if not message:
        raise DraftRefused(_l("Say in a sentence why this version goes live again."))
    course = course_for_version(version)
    with write_transaction():
        make_current(
            record,
            course,
            stored_files(version.id),
            Publication("rollback", actor=actor, author=actor, message=message),
        )


def take_folder_version(record: CourseRecord, actor: User, content_dir: Path) -> str:
    """The trainer chose the folder's files over the version published from the browser."""
    folder = content_dir / "courses" / record.slug
    if not folder.is_dir():
        raise DraftRefused(_l("The course's folder is no longer there."))
    files, read_problems = read_course_folder(folder)
    load = load_course_source(record.slug, files, read_problems=read_problems)
    if load.course is None or any(problem.is_error for problem in load.problems):
        raise DraftRefused(
            _l("The folder's files have errors: fix them in the folder first, then load content.")
        )
    with write_transaction():
        record.folder_conflict_hash = None
        record.folder_conflict_kept = False
        return make_current(
            record,
            load.course,
            load.files,
            Publication("folder", actor=actor, message=str(_l("Folder version chosen"))),
        )


def keep_browser_version(record: CourseRecord, actor: User) -> None:
    with write_transaction():
        record.folder_conflict_kept = True
        audit.record(
            actor,
            "course.folder_version_declined",
            "course",
            record.id,
            course=record.slug,
        )
