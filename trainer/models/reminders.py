"""Notifications (in the app and by e-mail) and reminders: one row per message, never two
for the same occasion.

The unique key (kind, subject, recipient, due date) is what keeps a reminder from being sent
twice, even when two `trainer reminders send` runs overlap: the second insert of the same
message fails and is skipped, and only the run that claimed a row sends it.

A row keeps what happened (kind + params), not a sentence: the text is written when it is
shown or sent, in the reader's language at that moment (trainer.notifications.texts). Rows
written before that (params NULL) keep the title and body they were written with.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models.people import User, utcnow

MESSAGE_KINDS = (
    "due_soon",
    "overdue",
    "assessment_result",
    "cleared_for_duty",
    "certificate_expiring",
    "appeal_lodged",
    "appeal_decided",
    "certificate_issued",
    "extra_attempt",
    "assessor_assigned",
    "team_overdue",  # a manager's weekly digest of their department's overdue people
)
EMAIL_STATES = ("pending", "sending", "sent", "failed", "no_email")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.UniqueConstraint(
            "kind",
            "subject_type",
            "subject_id",
            "recipient_id",
            "due_on",
            name="uq_outbox_messages_occasion",
        ),
        sa.CheckConstraint(_in("kind", MESSAGE_KINDS), name="kind_known"),
        sa.CheckConstraint(_in("email_state", EMAIL_STATES), name="email_state_known"),
        sa.Index("ix_outbox_messages_email_state", "email_state"),
        sa.Index("ix_outbox_messages_recipient", "recipient_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    subject_type: Mapped[str] = mapped_column(sa.String(30))  # "assignment", "assessment", ...
    subject_id: Mapped[int]
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(sa.Date)  # the date the message is about
    params: Mapped[dict | None] = mapped_column(sa.JSON)  # what the text is written from
    link: Mapped[str | None] = mapped_column(sa.String(300))  # the page it is about (a path)
    title: Mapped[str | None] = mapped_column(sa.String(300))  # only rows older than params
    body: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    email_to: Mapped[str | None] = mapped_column(sa.String(254))
    email_state: Mapped[str] = mapped_column(sa.String(20), default="pending")
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    read_at: Mapped[datetime | None]  # in the app

    recipient: Mapped[User] = relationship()
