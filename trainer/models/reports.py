"""HR's report exports, built by a background job."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainer.extensions import db
from trainer.models.people import utcnow


class ReportExport(db.Model):
    """One report as CSV or XLSX, built by a background job (trainer.hr.reports.jobs) because
    the large ones take seconds. One open request per person, report, format and filters:
    pressing the button twice waits for the same file."""

    __tablename__ = "report_exports"
    __table_args__ = (
        sa.Index(
            "uq_report_exports_open",
            "requested_by_id",
            "report",
            "fmt",
            "filters",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'working')"),
            postgresql_where=sa.text("status IN ('pending', 'working')"),
        ),
        sa.CheckConstraint("status IN ('pending', 'working', 'done')", name="status_known"),
        sa.CheckConstraint("fmt IN ('csv', 'xlsx')", name="fmt_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    report: Mapped[str] = mapped_column(sa.String(20))
    fmt: Mapped[str] = mapped_column(sa.String(4))
    filters: Mapped[str] = mapped_column(sa.String(200))  # canonical JSON: sorted keys
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    tries: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str | None] = mapped_column(sa.String(100))
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
