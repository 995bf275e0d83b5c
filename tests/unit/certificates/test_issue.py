"""Certificates are issued on completion, exactly once, as a PDF that reads right in Chinese."""

import hashlib
import subprocess
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.unit.certificates.conftest import (
    ARTIFACTS,
    pass_quiz,
    pdf_fonts,
    pdf_text,
    require_poppler,
)
from trainer.certificates import service
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.models import Certificate, utcnow
from trainer.progress import standing_of


def _certificates():
    return db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()


def test_passing_the_exam_issues_a_certificate(app, users, synced):
    pass_quiz(users["learner"])
    [certificate] = _certificates()
    assert certificate.serial == f"TRN-{utcnow().year}-000001"
    assert len(certificate.code) == 20 and certificate.code.isalnum()  # 100 random bits
    assert certificate.holder_name == "学员小张" and certificate.title == "新员工入门"
    assert certificate.expires_at.date() == service.add_months(certificate.issued_at, 24).date()
    assert certificate.pdf_sha256 == hashlib.sha256(certificate.pdf).hexdigest()
    assert certificate.status(utcnow()) == "valid"


def test_the_pdf_shows_chinese_text_with_embedded_cjk_fonts(app, users, synced, tmp_path):
    require_poppler()
    pass_quiz(users["learner"])
    [certificate] = _certificates()
    text = pdf_text(certificate.pdf, tmp_path)
    for expected in (
        "培训合格证书",
        "学员小张",
        "《新员工入门》",
        certificate.serial,
        certificate.code_display,
        "扫码验证",
        "示例服务集团",
    ):
        assert expected in text, expected
    fonts = pdf_fonts(certificate.pdf, tmp_path)
    assert "Noto-Serif-CJK-SC" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())  # embedded
    # A picture of page 1, to look at: test-artifacts/certificate-page1.png
    ARTIFACTS.mkdir(exist_ok=True)
    (tmp_path / "c.pdf").write_bytes(certificate.pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-singlefile",
            str(tmp_path / "c.pdf"),
            str(ARTIFACTS / "certificate-page1"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "certificate-page1.png").stat().st_size > 10_000


def test_a_second_completion_does_not_issue_a_second_certificate(app, users, synced):
    pass_quiz(users["learner"])
    record, _ = live_course("basics")
    assert service.issue_if_complete(app, users["learner"], record) is None
    assert len(_certificates()) == 1


def test_concurrent_completions_make_one_certificate(app, users, synced):
    from trainer.models import CourseRecord, User

    pass_quiz(users["learner"])
    db.session.execute(sa.delete(Certificate))
    db.session.commit()
    learner_id = users["learner"].id
    record_id = live_course("basics")[0].id
    barrier = threading.Barrier(3)
    errors = []

    def complete():
        try:
            with app.app_context():
                barrier.wait()
                service.issue_if_complete(
                    app, db.session.get(User, learner_id), db.session.get(CourseRecord, record_id)
                )
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)

    threads = [threading.Thread(target=complete) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.commit()  # end the test's own read snapshot before counting
    assert len(_certificates()) == 1


def test_the_database_refuses_a_duplicate_achievement(app, users, synced):
    pass_quiz(users["learner"])
    [certificate] = _certificates()
    db.session.add(
        Certificate(
            serial="TRN-X",
            code="X" * 20,
            kind="course",
            achievement=certificate.achievement,
            user_id=certificate.user_id,
            holder_name="x",
            title="x",
            pdf=b"",
            pdf_sha256="",
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_practical_course_needs_more_than_the_exam(app, users, synced):
    pass_quiz(users["learner"], "store-service")
    record, _version = live_course("store-service")
    # (the prerequisite, basics, was passed with a certificate of its own first)
    assert [c for c in _certificates() if c.course_id == record.id] == []
    completion = standing_of(users["learner"].id, record.id)
    assert completion.exam.outcome == "passed" and not completion.complete
    assert completion.practical.outcome == "pending" and completion.attitude.outcome == "pending"
    assert not completion.may_issue and completion.next_step == "practical"


def test_revoking_needs_a_reason_and_is_audited(app, users, synced):
    from trainer.models import AuditEvent

    pass_quiz(users["learner"])
    [certificate] = _certificates()
    with pytest.raises(service.CertificateError):
        service.revoke(certificate, users["hr"], "  ")
    assert certificate.revoked_at is None
    service.revoke(certificate, users["hr"], "与顾客争吵，违反服务规范")
    assert certificate.status(utcnow()) == "revoked"
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoked")
    )
    assert event.actor_id == users["hr"].id


def test_revoked_certificate_downloads_marked_revoked(app, users, synced, tmp_path):
    require_poppler()
    pass_quiz(users["learner"])
    [certificate] = _certificates()
    service.revoke(certificate, users["hr"], "违规")
    text = pdf_text(service.pdf_for_download(app, certificate), tmp_path)
    assert "REVOKED" in text and "已撤销" in text


def test_recertification_window_opens_a_new_cycle(app, users, synced):
    learner = users["learner"]
    pass_quiz(learner)
    [first] = _certificates()
    record, version = live_course("basics")
    from trainer.progress import standing_of

    def learner_quiz(learner, record, version):
        return standing_of(learner.id, record.id).exam

    assert learner_quiz(learner, record, version).quiz.kind == "passed"
    # 50 days before expiry: inside the 60-day window (the fixture course's default).
    first.expires_at = utcnow() + timedelta(days=50)
    db.session.commit()
    assert learner_quiz(learner, record, version).quiz.kind == "can_start"
    pass_quiz(learner)
    certificates = _certificates()
    assert len(certificates) == 2
    assert certificates[1].achievement.endswith(":2") and certificates[0].id == first.id


def test_code_normalisation():
    assert service.normalise_code("abcd-efgh-jkmn-pqrs-tvwx") == "ABCDEFGHJKMNPQRSTVWX"
    assert service.normalise_code("0O1I L") is None  # too short
    assert service.normalise_code("OOOO IIII LLLL 0000 1111") == "00001111111100001111"
    assert service.normalise_code("<script>") is None
