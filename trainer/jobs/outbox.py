"""What every request-row-plus-job pair shares (department ZIPs, report exports): finding rows
whose job was lost, and forgetting finished files after a while."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from trainer.clock import utcnow
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.jobs import enqueue

# A pending row younger than this may still have its job in the queue.
PENDING_GRACE = timedelta(minutes=2)


def requeue_stale(
    model, job_name: str, working_grace: timedelta, now: datetime | None = None
) -> int:
    """Enqueue again the rows of `model` whose job was lost (queue down, worker killed): pending
    for longer than PENDING_GRACE, or claimed by a worker longer than `working_grace` ago."""
    now = now or utcnow()
    stale = db.session.scalars(
        sa.select(model.id).where(
            sa.or_(
                sa.and_(model.status == "pending", model.requested_at < now - PENDING_GRACE),
                sa.and_(model.status == "working", model.claimed_at < now - working_grace),
            )
        )
    ).all()
    db.session.commit()
    return sum(enqueue(job_name, row_id) for row_id in stale)


def forget_done(model, kept_for: timedelta, now: datetime | None = None) -> int:
    """Delete the finished rows of `model` (and the files they hold) older than `kept_for`."""
    with write_transaction():
        result = db.session.execute(
            sa.delete(model)
            .where(model.status == "done", model.done_at < (now or utcnow()) - kept_for)
            .execution_options(synchronize_session=False)
        )
    return result.rowcount
