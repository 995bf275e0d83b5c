"""Certificates issued in the background: the outbox (certificate_requests) and its jobs.

1. Progress that may complete a course writes a certificate request in the transaction that
   records it (completion.record_progress, or completion.notify right after the commit).
   One open request per learner and course: writing it twice is a no-op.
2. After the commit, a job (trainer.jobs.tasks.issue_certificate) takes the request up: it
   decides completeness, issues the certificate at most once per cycle (a unique constraint
   decides), renders the PDF outside any write transaction, then records the career levels
   now reached as eligible (HR approves a promotion before its level certificate is issued).
   A failing job is retried by the queue; a lost one (worker killed, queue unreachable) is
   enqueued again by the scheduler's sweep, because its request is still open.
3. Until the request is done, the learner's pages say the certificate is being prepared.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from trainer.database import write_transaction
from trainer.extensions import db
from trainer.jobs import enqueue, enqueue_after_commit
from trainer.models import (
    Certificate,
    CertificateRequest,
    CourseRecord,
    CourseVersion,
    LevelPromotion,
    User,
    utcnow,
)

logger = logging.getLogger(__name__)
OPEN = ("pending", "working")
# A pending request older than this was not taken up by its job (lost on the way); a
# working one untouched for longer belongs to a job that died. Generous: on a busy day the
# queue can be minutes long, and every request swept too early is a job run twice (which
# only costs its claim, an UPDATE that changes nothing).
PENDING_GRACE = timedelta(minutes=10)
WORKING_GRACE = timedelta(minutes=15)


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(CertificateRequest)


def request_certificate(user_id: int, course_id: int) -> None:
    """Inside the transaction that records progress: open a certificate request (unless one
    is open already) and have its job enqueued once that transaction commits."""
    now = utcnow()
    request_id = db.session.scalar(
        _insert()
        .values(user_id=user_id, course_id=course_id, status="pending", requested_at=now, tries=0)
        .on_conflict_do_nothing()
        .returning(CertificateRequest.id)
    )
    if request_id is not None:  # else an open request (and its job) is there already
        enqueue_after_commit(db.session(), "issue_certificate", request_id)


def _claim(request_id: int, now: datetime) -> tuple[int, int] | None:
    """Mark the request as taken up; None when it is done already (a job ran twice)."""
    with write_transaction():
        row = db.session.execute(
            sa.update(CertificateRequest)
            .where(CertificateRequest.id == request_id, CertificateRequest.status.in_(OPEN))
            .values(status="working", claimed_at=now, tries=CertificateRequest.tries + 1)
            .returning(CertificateRequest.user_id, CertificateRequest.course_id)
            .execution_options(synchronize_session=False)
        ).first()
    return tuple(row) if row is not None else None


def _finish(request_id: int, outcome: str, certificate: Certificate | None) -> None:
    with write_transaction():
        db.session.execute(
            sa.update(CertificateRequest)
            .where(CertificateRequest.id == request_id)
            .values(
                status="done",
                done_at=utcnow(),
                outcome=outcome,
                last_error=None,
                certificate_id=certificate.id if certificate is not None else None,
            )
            .execution_options(synchronize_session=False)
        )


def _note_failure(request_id: int, error: BaseException) -> None:
    db.session.rollback()
    with write_transaction():
        db.session.execute(
            sa.update(CertificateRequest)
            .where(CertificateRequest.id == request_id)
            .values(last_error=f"{type(error).__name__}: {error}"[:1000])
            .execution_options(synchronize_session=False)
        )


def process_request(app: Flask, request_id: int, now: datetime | None = None) -> str | None:
    """The job: decide the request and issue what is due. Safe to run twice; raises on
    failure (the queue retries), leaving the request open."""
    from trainer.certificates import service

    claimed = _claim(request_id, now or utcnow())
    if claimed is None:
        return None
    user_id, course_id = claimed
    try:
        user, record = db.session.get(User, user_id), db.session.get(CourseRecord, course_id)
        certificate, outcome = None, "not-complete"
        if user is not None and record is not None and service.may_be_complete(user_id, course_id):
            certificate = service.issue_if_complete(app, user, record, now)
            outcome = "issued" if certificate is not None else "not-complete"
        if user is not None:
            # Also when this course gave nothing new: a retry after a failed level
            # certificate finds the course certificate issued by the first try.
            service.issue_levels(app, user, now)
        _finish(request_id, outcome, certificate)
    except Exception as error:
        logger.exception("certificate request %s failed", request_id)
        _note_failure(request_id, error)
        raise
    return outcome


def requeue_stale_requests(now: datetime | None = None) -> int:
    """Enqueue again every request whose job has not finished it in time."""
    now = now or utcnow()
    stale = db.session.scalars(
        sa.select(CertificateRequest.id)
        .where(
            sa.or_(
                sa.and_(
                    CertificateRequest.status == "pending",
                    CertificateRequest.requested_at < now - PENDING_GRACE,
                ),
                sa.and_(
                    CertificateRequest.status == "working",
                    CertificateRequest.claimed_at < now - WORKING_GRACE,
                ),
            )
        )
        .order_by(CertificateRequest.id)
    ).all()
    db.session.commit()
    return sum(enqueue("issue_certificate", request_id) for request_id in stale)


def being_prepared(user_id: int) -> set[int]:
    """Courses whose certificate request for this learner is still open."""
    return set(
        db.session.scalars(
            sa.select(CertificateRequest.course_id).where(
                CertificateRequest.user_id == user_id, CertificateRequest.status.in_(OPEN)
            )
        )
    )


def titles_being_prepared(user_id: int) -> list[str]:
    """Titles of the courses whose certificate for this learner is being prepared."""
    return list(
        db.session.scalars(
            sa.select(CourseVersion.title)
            .join(CourseRecord, CourseRecord.current_version_id == CourseVersion.id)
            .where(CourseRecord.id.in_(being_prepared(user_id)))
            .order_by(CourseVersion.title)
        )
    )


# --- career levels -------------------------------------------------------------------------
# The same job records eligibility for newly reached levels and issues the certificates of
# promotions HR approved (trainer.certificates.service.issue_levels).


def issue_levels_of(app: Flask, user_id: int, now: datetime | None = None) -> list[Certificate]:
    from trainer.certificates import service

    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return []
    return service.issue_levels(app, user, now)


def enqueue_ready_levels(app: Flask, now: datetime | None = None) -> int:
    """The scheduler's check: a job for everyone with a level to record as eligible (its
    courses done and, the case nothing else notices, its waiting time over) or an approved
    promotion whose certificate is not issued yet (its job was lost)."""
    from trainer.certificates import service

    now = now or utcnow()
    holders = db.session.scalars(
        sa.select(User)
        .where(
            User.active.is_(True),
            User.id.in_(sa.select(Certificate.user_id).where(Certificate.revoked_at.is_(None))),
        )
        .order_by(User.id)
    ).all()
    due = {
        user.id
        for user in holders
        if any(
            progress.ready
            for levels in service.level_progress(app, user, now)
            for progress in levels
        )
    }
    due |= set(
        db.session.scalars(
            sa.select(LevelPromotion.user_id)
            .join(User, User.id == LevelPromotion.user_id)
            .where(
                User.active.is_(True),
                LevelPromotion.status == "approved",
                LevelPromotion.certificate_id.is_(None),
            )
        )
    )
    db.session.commit()
    return sum(enqueue("issue_levels", user_id) for user_id in sorted(due))
