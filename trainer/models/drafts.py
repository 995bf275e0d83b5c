"""Courses written in the browser: drafts kept in the database, their review, and the
history of every version that went live."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models.people import User, utcnow

DRAFT_STATUSES = ("editing", "in_review")
DRAFT_NOTE_KINDS = ("submitted", "comment", "sent_back")
PUBLICATION_SOURCES = ("folder", "browser", "rollback")


class CourseDraft(db.Model):
    """A course being edited: its files live in the database so every app server sees the
    same draft. One open draft per course folder name (slug)."""

    __tablename__ = "course_drafts"
    __table_args__ = (
        sa.CheckConstraint("status IN ('editing', 'in_review')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True)
    # The title read from course.md at the last save (lists show it without parsing).
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    # The live version the draft started from (None for a new course): publishing is held
    # back while the live version is another one, until the trainer chooses.
    base_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(sa.String(20), default="editing")
    error_count: Mapped[int] = mapped_column(default=0)
    warning_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime | None]
    message: Mapped[str] = mapped_column(sa.Text, default="")  # the submission's message

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    files: Mapped[list[DraftFile]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="DraftFile.path"
    )
    notes: Mapped[list[DraftNote]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="DraftNote.id"
    )


class DraftFile(db.Model):
    """One file of a draft. `revision` grows with every save, so a save made from an older
    revision (another trainer saved in between) is refused instead of overwriting."""

    __tablename__ = "course_draft_files"
    __table_args__ = (sa.UniqueConstraint("draft_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_drafts.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(sa.String(300))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    draft: Mapped[CourseDraft] = relationship(back_populates="files")
    updated_by: Mapped[User | None] = relationship()


class DraftNote(db.Model):
    """What was said about a draft: its submission message, reviewers' comments, the
    reason it was sent back."""

    __tablename__ = "course_draft_notes"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('submitted', 'comment', 'sent_back')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_drafts.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[CourseDraft] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class CoursePublication(db.Model):
    """Each time a version went live: from the folder (sync), from a reviewed draft, or an
    older version published again. Versions are content-addressed snapshots; this is the
    course's history."""

    __tablename__ = "course_publications"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "number"),
        sa.CheckConstraint("source IN ('folder', 'browser', 'rollback')", name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]  # 1, 2, 3… within the course
    source: Mapped[str] = mapped_column(sa.String(10))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(sa.Text, default="")

    version = relationship("CourseVersion")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
