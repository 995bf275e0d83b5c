"""Courses as loaded from content/: versions, their files and rendered lessons, progress."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models.people import utcnow

COURSE_STATUSES = ("ok", "error", "missing")


class CourseRecord(db.Model):
    """One course folder (by slug). Its live version stays live while newer files are broken."""

    __tablename__ = "courses"
    __table_args__ = (
        sa.CheckConstraint("status IN ('ok', 'error', 'missing')", name="status_known"),
        sa.CheckConstraint("source IN ('folder', 'browser')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course_versions.id", use_alter=True, ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(sa.String(10), default="ok")
    # The last check's problems: [{"file", "line", "code", "severity", "zh", "en"}, ...]
    problems: Mapped[list] = mapped_column(sa.JSON, default=list, deferred=True)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Where the live version came from: "folder" (content/courses, by sync) or "browser" (a
    # published draft). A sync does not replace a version published from the browser: it
    # keeps the folder's differing files' hash here until a trainer chooses.
    source: Mapped[str] = mapped_column(sa.String(10), default="folder")
    folder_conflict_hash: Mapped[str | None] = mapped_column(sa.String(64))
    folder_conflict_kept: Mapped[bool] = mapped_column(default=False)

    current_version: Mapped[CourseVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[CourseVersion]] = relationship(
        back_populates="course",
        foreign_keys="CourseVersion.course_id",
        order_by="CourseVersion.id.desc()",
    )

    @property
    def errors(self) -> list[dict]:
        return [p for p in self.problems or [] if p.get("severity") == "error"]


class CourseVersion(db.Model):
    """An immutable snapshot of a course folder, named by the hash of its files."""

    __tablename__ = "course_versions"
    __table_args__ = (sa.UniqueConstraint("course_id", "version_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    version_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(30), index=True)
    estimated_minutes: Mapped[int] = mapped_column(default=0)
    settings: Mapped[dict] = mapped_column(sa.JSON)  # the whole front matter, normalised
    intro_html: Mapped[str] = mapped_column(sa.Text, default="")
    question_count: Mapped[int] = mapped_column(default=0)

    course: Mapped[CourseRecord] = relationship(back_populates="versions", foreign_keys=[course_id])
    lessons: Mapped[list[CourseLesson]] = relationship(
        order_by="CourseLesson.number",
        cascade="all, delete-orphan",
        back_populates="version",
    )

    @property
    def short_hash(self) -> str:
        return self.version_hash[:10]


class CourseFile(db.Model):
    """Every file of a version, so old versions stay readable after the folder changes."""

    __tablename__ = "course_files"
    __table_args__ = (sa.UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(sa.String(300))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


class CourseLesson(db.Model):
    """A lesson rendered once per version: safe HTML and its table of contents."""

    __tablename__ = "course_lessons"
    __table_args__ = (sa.UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    slug: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    html: Mapped[str] = mapped_column(sa.Text)
    toc: Mapped[list] = mapped_column(sa.JSON, default=list)  # [[level, anchor, title], ...]

    version: Mapped[CourseVersion] = relationship(back_populates="lessons")


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (sa.UniqueConstraint("user_id", "version_id", "lesson_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    lesson_number: Mapped[int]
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class CourseEvaluation(db.Model):
    """培训效果评估: a learner's rating and three answers, once per course version."""

    __tablename__ = "course_evaluations"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "version_id"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[int]
    learned: Mapped[str] = mapped_column(sa.Text)
    apply_at_work: Mapped[str] = mapped_column(sa.Text)
    improve: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
