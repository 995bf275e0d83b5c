"""Readers that list certificates (the expiring report, recertification reminders) follow
trainer.progress: a certificate replaced by a newer one, even a revoked one, no longer counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from trainer.clock import local_today
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.hr.reminders.service import queue
from trainer.hr.reports.service import Filters, expiring_certificates
from trainer.models import Certificate, OutboxMessage, utcnow


def certificate(
    user, number: int, issued_days_ago: int, expires_in_days: int, revoked: bool = False
) -> Certificate:
    record, version = live_course("basics")
    now = utcnow()
    row = Certificate(
        serial=f"TRN-T-{number:06d}",
        code=f"{number:020d}",
        kind="course",
        achievement=f"course:{record.id}:{number}",
        user_id=user.id,
        holder_name=user.display_name,
        course_id=record.id,
        version_id=version.id,
        title=version.title,
        issued_at=now - timedelta(days=issued_days_ago),
        expires_at=now + timedelta(days=expires_in_days),
        revoked_at=now - timedelta(days=1) if revoked else None,
        pdf=b"",
        pdf_sha256="",
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def expiring(app, users, synced):
    """The learner's certificate expires in 20 days (inside the 60-day window)."""
    return certificate(users["learner"], 1, issued_days_ago=700, expires_in_days=20)


def _serials(rows) -> list[str]:
    return [certificate.serial for _person, certificate in rows]


def test_an_expiring_certificate_is_listed_and_announced(expiring):
    assert _serials(expiring_certificates(Filters(), local_today())) == [expiring.serial]
    queue(local_today(), days_before=7)
    kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
    assert kinds.count("certificate_expiring") == 1


def test_once_renewed_the_old_certificate_is_not_listed(expiring, users):
    renewed = certificate(users["learner"], 2, issued_days_ago=3, expires_in_days=700)
    assert expiring_certificates(Filters(), local_today()) == []
    assert expiring_certificates(Filters(), local_today(), days=800)[0][1].id == renewed.id


def test_when_the_renewal_is_revoked_the_person_is_not_certified_at_all(expiring, users):
    certificate(users["learner"], 2, issued_days_ago=3, expires_in_days=700, revoked=True)
    assert expiring_certificates(Filters(), local_today()) == []
    queue(local_today(), days_before=7)
    kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
    assert "certificate_expiring" not in kinds
