"""Invitations HR sends to a group at once: the e-mails and the printed sheets of one action."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models.people import User, utcnow


class InvitationBatch(db.Model):
    """One "invite these people" action by HR, carried out by a background job
    (trainer.hr.invitations.service.build): it creates one invitation per person who has
    never signed in, e-mails those with an address and renders the printable sheets."""

    __tablename__ = "invitation_batches"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'working', 'done')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Whom to invite: {"department_id": n, "hired_since": "YYYY-MM-DD"} (either or both),
    # or {"import_id": n} (the people of a staff file).
    selection: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    tries: Mapped[int] = mapped_column(default=0)
    invited: Mapped[int | None]  # invitations created
    emailed: Mapped[int | None]  # e-mails the mail server accepted
    mail_failed: Mapped[int | None]  # e-mails that could not be sent (the sheet still has them)
    expires_at: Mapped[datetime | None]  # when this batch's links and codes stop working
    # The printable sheets (one page per department). Holds live sign-in codes, so it is
    # forgotten after a few days (the scheduler) and only its requester may download it.
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    requested_by: Mapped[User] = relationship()
