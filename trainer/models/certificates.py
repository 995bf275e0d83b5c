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
