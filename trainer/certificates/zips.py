"""A department's certificates as one ZIP, built by a background job.

HR asks for it (a POST writes a certificate_zips row and enqueues the job once that commits);
the page of the request says "being prepared" until the job has stored the file, then offers
it for download. Files are forgotten a day after they are built (the scheduler).
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from trainer.assessments.rules import departments_below
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.jobs import enqueue_after_commit, outbox
from trainer.models import Certificate, CertificateZip, Department, User, utcnow

OPEN = ("pending", "working")
KEPT_FOR = timedelta(days=1)
WORKING_GRACE = timedelta(minutes=30)


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(CertificateZip)


def request_zip(user: User, department: Department) -> CertificateZip:
    """The open request of this person for this department, or a new one (and its job)."""
    with write_transaction():
        new_id = db.session.scalar(
            _insert()
            .values(
                requested_by_id=user.id,
                department_id=department.id,
                status="pending",
                requested_at=utcnow(),
                tries=0,
            )
            .on_conflict_do_nothing()
            .returning(CertificateZip.id)
        )
        if new_id is not None:
            enqueue_after_commit(db.session(), "build_certificate_zip", new_id)
    if new_id is not None:
        return db.session.get(CertificateZip, new_id)
    return db.session.scalar(
        sa.select(CertificateZip).where(
            CertificateZip.requested_by_id == user.id,
            CertificateZip.department_id == department.id,
            CertificateZip.status.in_(OPEN),
        )
    )


def zip_name(request: CertificateZip) -> str:
    return f"certificates-{request.department_id}.zip"


def build(app: Flask, zip_id: int, now: datetime | None = None) -> int | None:
    """The job: put every certificate of the department (and those below it) in one ZIP.
    Safe to run twice; None when the file was built already."""
    from trainer.certificates.service import pdf_for_download

    with write_transaction():
        department_id = db.session.scalar(
            sa.update(CertificateZip)
            .where(CertificateZip.id == zip_id, CertificateZip.status.in_(OPEN))
            .values(status="working", claimed_at=now or utcnow(), tries=CertificateZip.tries + 1)
            .returning(CertificateZip.department_id)
            .execution_options(synchronize_session=False)
        )
    if department_id is None:
        return None
    parent_of = dict(db.session.execute(sa.select(Department.id, Department.parent_id)).all())
    ids = departments_below([department_id], parent_of)
    certificates = db.session.scalars(
        sa.select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .where(User.department_id.in_(ids))
        .options(sa.orm.undefer(Certificate.pdf))
        .order_by(Certificate.serial)
    ).all()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            name = f"{certificate.serial}-{certificate.holder_name}-{certificate.title}.pdf"
            archive.writestr(name.replace("/", "-"), pdf_for_download(app, certificate))
    db.session.commit()  # no read transaction held open into the write
    with write_transaction():
        db.session.execute(
            sa.update(CertificateZip)
            .where(CertificateZip.id == zip_id)
            .values(
                status="done",
                done_at=utcnow(),
                content=buffer.getvalue(),
                certificates=len(certificates),
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
    return len(certificates)


def requeue_stale(now: datetime | None = None) -> int:
    """Enqueue again the requests whose job was lost (queue down, worker killed)."""
    return outbox.requeue_stale(CertificateZip, "build_certificate_zip", WORKING_GRACE, now)


def forget_old(now: datetime | None = None) -> int:
    return outbox.forget_done(CertificateZip, KEPT_FOR, now)
