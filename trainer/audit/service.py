"""Writing and reading the audit log. Callers add the event inside their own transaction,
so an action and its audit record are saved together or not at all."""

from __future__ import annotations

import sqlalchemy as sa

from trainer.extensions import db
from trainer.models import AuditEvent, User


def record(
    actor: User | None, action: str, subject_type: str, subject_id: int | None, **details: object
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
    db.session.add(event)
    return event


def events(
    subject_type: str | None = None, subject_id: int | None = None, limit: int = 200
) -> list[AuditEvent]:
    statement = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if subject_type:
        statement = statement.where(AuditEvent.subject_type == subject_type)
    if subject_id is not None:
        statement = statement.where(AuditEvent.subject_id == subject_id)
    return list(db.session.scalars(statement.limit(limit)))
