"""An append-only record of who did what, for HR and for appeals."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models.people import User, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(60))  # e.g. "assessment.submitted"
    subject_type: Mapped[str] = mapped_column(sa.String(40))  # e.g. "assessment"
    subject_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()
