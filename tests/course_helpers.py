"""Helpers for tests that need courses on disk and in the database."""

import shutil
from pathlib import Path

FIXTURE_COURSES = Path(__file__).resolve().parent / "fixtures" / "courses"
SHIPPED_COURSES = Path(__file__).resolve().parents[1] / "content" / "courses"


def copy_fixture_courses(content_dir: Path, source: Path = FIXTURE_COURSES) -> Path:
    courses = content_dir / "courses"
    shutil.copytree(source, courses, dirs_exist_ok=True)
    return courses


def read_every_lesson(user, slug: str, at=None) -> None:
    """The learner has read every lesson of the live course to its end (`at`: when; by
    default a month ago, before any exam a test starts)."""
    from datetime import timedelta

    import sqlalchemy as sa

    from trainer.courses.service import live_course
    from trainer.extensions import db
    from trainer.models import LessonProgress, utcnow

    _record, version = live_course(slug)
    at = at or utcnow() - timedelta(days=30)
    for lesson in version.lessons:
        found = db.session.scalar(
            sa.select(LessonProgress).where(
                LessonProgress.user_id == user.id,
                LessonProgress.version_id == version.id,
                LessonProgress.lesson_number == lesson.number,
            )
        )
        if found is None:
            db.session.add(
                LessonProgress(
                    user_id=user.id, version_id=version.id, lesson_number=lesson.number, read_at=at
                )
            )
        else:
            found.read_at = at
    db.session.commit()


def give_certificate(user, slug: str, issued_at=None, expires_at=None, revoked_at=None):
    """A course certificate for `user` (valid unless `expires_at`/`revoked_at` say otherwise):
    how a test says the person has passed that course, e.g. a prerequisite."""
    from datetime import timedelta

    import sqlalchemy as sa

    from trainer.courses.service import live_course
    from trainer.extensions import db
    from trainer.models import Certificate, utcnow

    record, version = live_course(slug)
    number = (db.session.scalar(sa.select(sa.func.max(Certificate.id))) or 0) + 1
    issued_at = issued_at or utcnow() - timedelta(days=60)
    certificate = Certificate(
        serial=f"TRN-PRE-{number:06d}",
        code=f"prerequisite{number:020d}",
        kind="course",
        achievement=f"course:{record.id}:{number}",
        user_id=user.id,
        holder_name=user.display_name,
        course_id=record.id,
        version_id=version.id,
        title=version.title,
        issued_at=issued_at,
        expires_at=expires_at,
        revoked_at=revoked_at,
        pdf=b"",
        pdf_sha256="",
    )
    db.session.add(certificate)
    db.session.commit()
    return certificate


def _holds_certificate(user, course_id: int) -> bool:
    import sqlalchemy as sa

    from trainer.extensions import db
    from trainer.models import Certificate

    return bool(
        db.session.scalar(
            sa.select(sa.func.count()).where(
                Certificate.user_id == user.id,
                Certificate.course_id == course_id,
                Certificate.revoked_at.is_(None),
            )
        )
    )


def pass_prerequisites(user, slug: str) -> None:
    """Every prerequisite course of `slug` passed (here: a valid certificate for it)."""
    from trainer.content import settings_of
    from trainer.courses.service import live_course

    _record, version = live_course(slug)
    for prerequisite in settings_of(version).prerequisites:
        found = live_course(prerequisite)
        if found is not None and not _holds_certificate(user, found[0].id):
            give_certificate(user, prerequisite)


def ready_for_exam(user, slug: str, at=None) -> None:
    """What the exam waits for by default (course.md `exam_requires`): every lesson read,
    and every prerequisite course passed."""
    pass_prerequisites(user, slug)
    read_every_lesson(user, slug, at)
