"""Certificates: proof of a completed course or a reached career level."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models.people import User, utcnow


def certificate_status(
    revoked_at: datetime | None, expires_at: datetime | None, now: datetime
) -> str:
    """valid, expired or revoked: the one rule (trainer.progress uses it too)."""
    if revoked_at is not None:
        return "revoked"
    if expires_at is not None and now >= expires_at:
        return "expired"
    return "valid"


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        # One certificate per achievement: a course in a given certification cycle, or a
        # level. Two requests completing the same course at once cannot both insert.
        sa.UniqueConstraint("user_id", "achievement"),
        sa.CheckConstraint("kind IN ('course', 'level')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(20), unique=True)  # TRN-2026-000123
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)  # verification code
    kind: Mapped[str] = mapped_column(sa.String(10))
    achievement: Mapped[str] = mapped_column(sa.String(150))  # course:<id>:<cycle> | level:<id>
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    holder_name: Mapped[str] = mapped_column(sa.String(100))  # as it was when issued
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course_versions.id"))
    level_id: Mapped[str | None] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.String(200))  # course or level title when issued
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def status(self, now: datetime) -> str:
        return certificate_status(self.revoked_at, self.expires_at, now)

    @property
    def code_display(self) -> str:
        """The code in groups of four, as printed: easier to read out and type."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


REQUEST_STATES = ("pending", "working", "done")


class CertificateRequest(db.Model):
    """The outbox of certificate issuing: "this learner made progress on this course; see
    whether a certificate is due". Written in the transaction that records the progress,
    done by a background job (trainer.certificates.issuing), so a lost or crashed job loses
    nothing: the row stays open until a job has finished it.

    At most one open (pending) request per learner and course: recording the same progress
    twice is a no-op. A job first moves the row to "working", so progress recorded while it
    runs opens a new request instead of being swallowed by the one in work.
    """

    __tablename__ = "certificate_requests"
    __table_args__ = (
        sa.Index(
            "uq_certificate_requests_pending",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
        sa.CheckConstraint("status IN ('pending', 'working', 'done')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending", index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a job last took it up: a "working" row untouched for long belongs to a dead job.
    claimed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    tries: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str | None] = mapped_column(sa.String(20))  # issued / not-complete / held
    certificate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certificates.id", ondelete="SET NULL")
    )
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class CertificateSerial(db.Model):
    """The last serial number given out in each year: TRN-<year>-<number>. Taken with one
    UPDATE ... RETURNING, which the database runs one at a time per row (a row lock on
    PostgreSQL, the write lock on SQLite), so no two certificates get the same number; the
    unique constraint on certificates.serial stands behind it. A number taken by an issue
    that then fails stays unused (a gap), as with any database sequence."""

    __tablename__ = "certificate_serials"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class CertificateZip(db.Model):
    """A ZIP of a department's certificates, built by a background job (trainer.certificates.
    zips) because it can hold thousands of PDFs. One open request per person and department:
    pressing the button twice waits for the same file."""

    __tablename__ = "certificate_zips"
    __table_args__ = (
        sa.Index(
            "uq_certificate_zips_open",
            "requested_by_id",
            "department_id",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'working')"),
            postgresql_where=sa.text("status IN ('pending', 'working')"),
        ),
        sa.CheckConstraint("status IN ('pending', 'working', 'done')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    tries: Mapped[int] = mapped_column(default=0)
    certificates: Mapped[int | None]  # how many PDFs the file holds
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


PROMOTION_STATES = ("eligible", "approved", "declined")
# Not declined: at most one such row per person and level.
PROMOTION_OPEN_OR_APPROVED = sa.text("status IN ('eligible', 'approved')")


class LevelPromotion(db.Model):
    """A person who met every requirement of a career level (eligible), and HR's decision.

    Promotion is a selection on performance, ability and conduct, not an automatic result
    of courses: the scheduler's job records eligibility; HR approves or declines with a
    reason (audited); only an approved promotion gets its level certificate, issued by the
    same job that issues level certificates (trainer.certificates.service.issue_levels).
    A declined promotion may be recorded as eligible again after a while (see
    trainer.certificates.service.RECONSIDER_AFTER_MONTHS).
    """

    __tablename__ = "level_promotions"
    __table_args__ = (
        sa.Index(
            "uq_level_promotions_open_or_approved",
            "user_id",
            "level_id",
            unique=True,
            sqlite_where=PROMOTION_OPEN_OR_APPROVED,
            postgresql_where=PROMOTION_OPEN_OR_APPROVED,
        ),
        sa.CheckConstraint("status IN ('eligible', 'approved', 'declined')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    level_id: Mapped[str] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(10), default="eligible", index=True)
    eligible_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reason: Mapped[str | None] = mapped_column(sa.Text)
    certificate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certificates.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
