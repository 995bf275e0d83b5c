"""Certificate issuing at its edges: written against the mutants a mutation run left alive
(docs/testing.md): month arithmetic of the expiry date, each person's own cycle numbering, a
course's own validity, what a revocation records, and what a revoked certificate's PDF says."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import approve_promotions
from tests.unit.certificates.conftest import pass_quiz, pdf_text, require_poppler
from trainer.certificates import service
from trainer.courses.sync import sync_content
from trainer.extensions import db
from trainer.models import AuditEvent, Certificate


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2026, 1, 5, 9, 30), 12, datetime(2027, 1, 5, 9, 30)),  # a whole year on
        (datetime(2026, 11, 15), 2, datetime(2027, 1, 15)),  # over the turn of the year
        (datetime(2026, 12, 10), 24, datetime(2028, 12, 10)),
        (datetime(2026, 3, 20), 1, datetime(2026, 4, 20)),
        (datetime(2026, 1, 31), 1, datetime(2026, 2, 28)),  # no 31 February: its last day
        (datetime(2024, 2, 29), 12, datetime(2025, 2, 28)),  # leap day, a year on
        (datetime(2026, 8, 31), 6, datetime(2027, 2, 28)),
    ],
)
def test_expiry_months_land_on_the_same_day_or_the_months_last(start, months, expected):
    assert service.add_months(start, months) == expected


def _certificates():
    return db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()


def test_two_people_passing_the_same_course_each_get_their_first_certificate(app, users, synced):
    pass_quiz(users["learner"])
    pass_quiz(users["trainer"])
    first, second = _certificates()
    assert (first.user_id, second.user_id) == (users["learner"].id, users["trainer"].id)
    assert first.achievement.endswith(":1") and second.achievement.endswith(":1")
    assert first.serial != second.serial and second.serial.endswith("-000002")


def test_a_course_with_its_own_validity_expires_after_it(app, users, synced):
    course = Path(app.config["CONTENT_DIR"]) / "courses" / "basics" / "course.md"
    text = course.read_text(encoding="utf-8")
    course.write_text(
        text.replace("  pass_mark: 60\n", "  pass_mark: 60\ncertificate:\n  validity_months: 12\n"),
        encoding="utf-8",
    )
    assert sync_content(Path(app.config["CONTENT_DIR"])).outcomes["basics"] == "updated"
    pass_quiz(users["learner"])
    [certificate] = _certificates()
    assert certificate.expires_at == service.add_months(certificate.issued_at, 12)


def test_a_revocation_records_who_why_and_refuses_a_second_one(app, users, synced):
    pass_quiz(users["learner"])
    [certificate] = _certificates()
    with pytest.raises(service.CertificateError) as missing:
        service.revoke(certificate, users["hr"], "   ")
    assert missing.value.code == "reason-missing"
    service.revoke(certificate, users["hr"], "  与顾客争吵  ", now=datetime(2026, 5, 4, 10))
    assert certificate.revoked_by_id == users["hr"].id
    assert certificate.revoke_reason == "与顾客争吵"
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoked")
    )
    assert (event.subject_type, event.subject_id) == ("certificate", certificate.id)
    assert event.details == {
        "serial": certificate.serial,
        "reason": "与顾客争吵",
        # The holder, so the log names them even if the certificate row is gone.
        "user": certificate.user.employee_no,
        "holder_name": certificate.holder_name,
    }
    with pytest.raises(service.CertificateError) as again:
        service.revoke(certificate, users["admin"], "再次撤销")
    assert again.value.code == "already-revoked"
    assert certificate.revoked_by_id == users["hr"].id


def test_a_revoked_certificate_claims_no_part_it_was_not_issued_for(app, users, synced, tmp_path):
    """The basics course has an exam only: its certificate, as issued and as downloaded after
    the revocation, names the exam and no practical or attitude assessment."""
    require_poppler()
    pass_quiz(users["learner"])
    approve_promotions(users["learner"], users["hr"])
    [certificate] = _certificates()
    issued = pdf_text(certificate.pdf, tmp_path)
    assert "通过理论知识考试" in issued and "实际操作考核" not in issued
    service.revoke(certificate, users["hr"], "违规", now=datetime(2026, 5, 4, 10))
    revoked = pdf_text(service.pdf_for_download(app, certificate), tmp_path)
    assert "REVOKED 2026-05-04" in revoked
    assert "通过理论知识考试" in revoked
    assert "实际操作考核" not in revoked and "工作态度评价" not in revoked


def test_a_course_cycle_counts_only_that_course_certificates(app, users, synced, paths_dir):
    """Passing basics also earns the junior level of the career path, once HR approves (a
    certificate of the same person without a course): the basics recertification is still
    the course's cycle 2."""
    from trainer.courses.service import live_course
    from trainer.models import utcnow

    learner = users["learner"]
    pass_quiz(learner)
    assert sorted(c.kind for c in _certificates()) == ["course"]  # eligible, not promoted
    approve_promotions(learner, users["hr"])
    assert sorted(c.kind for c in _certificates()) == ["course", "level"]
    level = next(c for c in _certificates() if c.kind == "level")
    assert (level.level_id, level.title, level.expires_at) == ("junior", "初级服务专员", None)
    course_certificate = next(c for c in _certificates() if c.kind == "course")
    course_certificate.expires_at = utcnow() + timedelta(days=50)  # in the 60-day window
    db.session.commit()
    pass_quiz(learner)
    record, _ = live_course("basics")
    achievements = sorted(c.achievement for c in _certificates() if c.kind == "course")
    assert achievements == [f"course:{record.id}:1", f"course:{record.id}:2"]


def test_a_level_certificate_names_its_career_track(app, users, synced, paths_dir, tmp_path):
    require_poppler()
    pass_quiz(users["learner"])
    approve_promotions(users["learner"], users["hr"])
    level = next(c for c in _certificates() if c.kind == "level")
    text = pdf_text(level.pdf, tmp_path)
    assert "职业等级证书" in text and "专 业 技 术 通 道" in text  # letter-spaced
    assert "初级服务专员" in text
