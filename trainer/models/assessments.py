"""Practical assessments and attitude evaluations, their appeals and corrections.

A submitted assessment is never changed again. An appeal that overturns it adds an
AssessmentCorrection; the effective outcome is the correction's when there is one.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models.courses import CourseRecord, CourseVersion
from trainer.models.people import Department, User, utcnow

ASSESSMENT_KINDS = ("practical", "attitude")
ASSESSMENT_MODES = ("observed", "role_play", "mystery_shopper")
ASSESSMENT_STATUSES = ("draft", "submitted")
APPEAL_STATUSES = ("open", "upheld", "overturned")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class AssessorAssignment(db.Model):
    """HR lets an assessor assess the staff of a department and everything below it."""

    __tablename__ = "assessor_assignments"
    __table_args__ = (sa.UniqueConstraint("assessor_id", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])
    department: Mapped[Department] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class Assessment(db.Model):
    """One observation of a learner against a course version's practical or attitude checklist."""

    __tablename__ = "assessments"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", ASSESSMENT_KINDS), name="kind_known"),
        sa.CheckConstraint(_in("mode", ASSESSMENT_MODES), name="mode_known"),
        sa.CheckConstraint(_in("status", ASSESSMENT_STATUSES), name="status_known"),
        sa.CheckConstraint("learner_id <> assessor_id", name="not_self"),
        sa.Index("ix_assessments_learner_course", "learner_id", "course_id", "kind"),
        # An assessor keeps one draft per learner and checklist: "start" twice resumes it.
        sa.Index(
            "uq_assessments_one_draft",
            "assessor_id",
            "learner_id",
            "version_id",
            "kind",
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    assessor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    mode: Mapped[str] = mapped_column(sa.String(20))
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    observed_on: Mapped[date] = mapped_column(sa.Date)
    overall_comment: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Filled once, on submit:
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    points: Mapped[int | None]
    max_points: Mapped[int | None]
    pass_mark: Mapped[int | None]
    passed: Mapped[bool | None]
    critical_failed: Mapped[bool | None]

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])
    course: Mapped[CourseRecord] = relationship()
    version: Mapped[CourseVersion] = relationship()
    scores: Mapped[list[AssessmentScore]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="AssessmentScore.id"
    )
    appeals: Mapped[list[Appeal]] = relationship(back_populates="assessment", order_by="Appeal.id")
    correction: Mapped[AssessmentCorrection | None] = relationship(
        back_populates="assessment", uselist=False
    )

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def percent(self) -> float | None:
        if self.points is None or not self.max_points:
            return None
        return round(100 * self.points / self.max_points, 1)

    @property
    def effective_passed(self) -> bool | None:
        """The outcome that counts: a correction's when an appeal overturned this result."""
        if self.correction is not None:
            return self.correction.passed
        return self.passed


class AssessmentScore(db.Model):
    """The score (and the assessor's comment) of one checklist item."""

    __tablename__ = "assessment_scores"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(sa.String(100))
    score: Mapped[int | None]  # None while a draft has only a comment for the item
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="scores")


class Appeal(db.Model):
    """A learner disputes a result; someone other than the assessor decides it."""

    __tablename__ = "appeals"
    __table_args__ = (
        sa.CheckConstraint(_in("status", APPEAL_STATUSES), name="status_known"),
        # At most one open appeal per result, whoever races to lodge it.
        sa.Index(
            "uq_appeals_one_open",
            "assessment_id",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    appellant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)

    assessment: Mapped[Assessment] = relationship(back_populates="appeals")
    appellant: Mapped[User] = relationship(foreign_keys=[appellant_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class AssessmentCorrection(db.Model):
    """The new outcome of a result whose appeal was overturned; the original stays as it was."""

    __tablename__ = "assessment_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), unique=True
    )
    appeal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appeals.id", ondelete="CASCADE"), unique=True
    )
    passed: Mapped[bool]
    reason: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="correction")
    appeal: Mapped[Appeal] = relationship()
    created_by: Mapped[User | None] = relationship()
