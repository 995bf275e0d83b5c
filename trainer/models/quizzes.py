"""Theory-exam attempts: the frozen draw, answers saved as the learner goes, one grading."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models.courses import CourseVersion
from trainer.models.people import User, utcnow


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # Two "start" clicks cannot open two attempts with the same number.
        sa.UniqueConstraint("user_id", "course_id", "round_number", "attempt_number"),
        sa.Index("ix_quiz_attempts_user_course", "user_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    round_number: Mapped[int] = mapped_column(default=1)
    attempt_number: Mapped[int] = mapped_column(default=1)  # within the round
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime | None]
    # The draw, frozen at start: [{"id": question id, "tokens": {opaque token: key}, ...}]
    draw: Mapped[list] = mapped_column(sa.JSON)
    extra_grant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quiz_extra_attempts.id", ondelete="SET NULL"), unique=True
    )

    user: Mapped[User] = relationship()
    version: Mapped[CourseVersion] = relationship()
    result: Mapped[QuizResult | None] = relationship(back_populates="attempt", uselist=False)
    answers: Mapped[list[QuizAnswer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )


class QuizAnswer(db.Model):
    """The learner's latest saved answer to one question of an open attempt (saved as they
    go). Submitting stores the answers it grades in the result instead (QuizResult
    .per_question): from then on the result is the attempt's record."""

    __tablename__ = "quiz_answers"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(sa.String(100))
    response: Mapped[object] = mapped_column(sa.JSON)  # in bank keys, never in page tokens
    # False: a draft the learner has not finished (an ordering with positions missing),
    # kept so the page shows it again; it is never graded.
    complete: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


class QuizResult(db.Model):
    """The grading of an attempt. Its primary key is the attempt: it can exist only once."""

    __tablename__ = "quiz_results"

    attempt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), primary_key=True
    )
    graded_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by: Mapped[str] = mapped_column(sa.String(20))  # learner | deadline
    points: Mapped[float]
    max_points: Mapped[float]
    percent: Mapped[float]
    passed: Mapped[bool]
    # Per question: {"id": ..., "fraction": 0..1, "points": ..., "response": ...}
    per_question: Mapped[list] = mapped_column(sa.JSON)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="result")


class QuizExtraAttempt(db.Model):
    """One extra attempt granted by a trainer or HR, with the reason."""

    __tablename__ = "quiz_extra_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
