"""Staff imports waiting for HR to confirm them: the parsed rows, kept server-side."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models.people import User, utcnow


class ImportBatch(db.Model):
    """An uploaded staff file, parsed once. The preview is recomputed from these rows against
    the database each time it is shown, so a reload (or a confirm after someone else changed
    the staff) always shows and applies what is true now."""

    __tablename__ = "staff_import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {"columns": {field: header as written}, "rows": [[row number, {field: text}], ...],
    #  "problems": [file-level problems found while reading]}
    parsed: Mapped[dict] = mapped_column(sa.JSON)
    row_count: Mapped[int] = mapped_column(default=0)
    applied_at: Mapped[datetime | None]
    # HR confirmed: a background job applies it (trainer.hr.staff.importer.apply_requested).
    apply_requested_at: Mapped[datetime | None]
    # Why the job applied nothing ("rejected": the file no longer fits the staff as it is).
    apply_error: Mapped[str | None] = mapped_column(sa.String(20))
    # What applying did: {"created": n, "updated": n, ...}
    outcome: Mapped[dict | None] = mapped_column(sa.JSON)

    created_by: Mapped[User | None] = relationship()
