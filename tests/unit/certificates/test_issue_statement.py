"""What a course certificate states and what its issue records, for a course that needs an
exam, a practical assessment and an attitude evaluation (the store-service fixture), against
an exam-only course (basics). Written for the mutants that dropped or misread
`practical_required` / `attitude_required` and the audit details of an issue
(docs/testing.md, mutation testing)."""

from datetime import datetime

import sqlalchemy as sa

from tests.unit.assessments.assessment_helpers import ALL_MAX, set_up_people, submitted
from tests.unit.certificates.conftest import pass_quiz, pdf_text, require_poppler
from trainer.certificates import service
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.models import AuditEvent, Certificate

EXAM_ONLY = "通过理论知识考试，特发此证。"
ALL_THREE = "通过理论知识考试、实际操作考核和工作态度评价，特发此证。"


def _course_certificates(slug: str) -> list[Certificate]:
    record, _ = live_course(slug)
    return db.session.scalars(
        sa.select(Certificate).where(Certificate.course_id == record.id).order_by(Certificate.id)
    ).all()


def _complete_store_service(people) -> None:
    learner = people["learner"]
    pass_quiz(learner)  # basics, the prerequisite
    pass_quiz(learner, "store-service")
    assert _course_certificates("store-service") == []  # the exam alone is not enough
    submitted(people["assessor"], learner, ALL_MAX, at=datetime(2026, 9, 1, 10))
    assert _course_certificates("store-service") == []  # nor exam and practical
    submitted(
        people["assessor"], learner, {"patient": 3}, kind="attitude", at=datetime(2026, 9, 1, 11)
    )


def _one_line(text: str) -> str:
    return "".join(text.split())


def test_a_course_with_practical_and_attitude_names_all_three_on_its_certificate(
    app, users, synced, tmp_path
):
    require_poppler()
    people = set_up_people(users)
    _complete_store_service(people)
    [certificate] = _course_certificates("store-service")
    issued = _one_line(pdf_text(certificate.pdf, tmp_path))
    assert ALL_THREE in issued

    service.revoke(certificate, users["hr"], "违规", now=datetime(2026, 10, 1, 9))
    revoked = _one_line(pdf_text(service.pdf_for_download(app, certificate), tmp_path))
    assert "REVOKED2026-10-01" in revoked
    assert ALL_THREE in revoked  # re-rendered with what it was issued for


def test_an_exam_only_course_names_only_the_exam(app, users, synced, tmp_path):
    require_poppler()
    pass_quiz(users["learner"])
    [certificate] = _course_certificates("basics")
    text = _one_line(pdf_text(certificate.pdf, tmp_path))
    assert EXAM_ONLY in text
    assert "实际操作考核" not in text and "工作态度评价" not in text


def test_the_statement_follows_the_course_not_the_other_courses(app, users, synced):
    """statement_of answers per certificate: both parts for store-service, neither for basics."""
    people = set_up_people(users)
    _complete_store_service(people)
    [basics] = _course_certificates("basics")
    [store] = _course_certificates("store-service")
    assert service.statement_of(app, store) == {"practical": True, "attitude": True}
    assert service.statement_of(app, basics) == {"practical": False, "attitude": False}


def test_issuing_is_audited_with_serial_holder_and_title(app, users, synced):
    learner = users["learner"]
    pass_quiz(learner)
    [certificate] = _course_certificates("basics")
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "certificate.issued")
    ).all()
    assert event.actor_id is None  # issued by the job, not by a person
    assert (event.subject_type, event.subject_id) == ("certificate", certificate.id)
    assert event.details == {
        "serial": certificate.serial,
        "user": learner.employee_no,
        "title": "新员工入门",
    }


def test_the_holder_is_told_of_the_certificate_once_with_its_title_and_serial(app, users, synced):
    from trainer.models import OutboxMessage

    learner = users["learner"]
    pass_quiz(learner)
    [certificate] = _course_certificates("basics")
    [told] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "certificate_issued")
    ).all()
    assert told.recipient_id == learner.id
    assert (told.subject_type, told.subject_id) == ("certificate", certificate.id)
    assert told.params == {"title": "新员工入门", "serial": certificate.serial}
    assert told.link == "/certificates/"
