"""The exam gate as plain rules: which lessons are still unread (boundaries: none, all but
one, all read), what course.md `exam_requires` turns off, when a prerequisite counts as
passed, and the next step that follows."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from trainer.progress import LiveCourse, PrerequisiteState
from trainer.progress import rules as progress_rules
from trainer.progress.rules import AttemptState, CertificateRow, History
from trainer.quizzes.rules import RetakeSettings

NOW = datetime(2026, 6, 1, 12, 0)
BASICS = PrerequisiteState(course_id=2, slug="basics", title="新员工入门")


def course(**overrides) -> LiveCourse:
    values = dict(
        id=1,
        slug="store-service",
        title="门店售中服务",
        category="sop",
        version_id=1,
        lesson_numbers=(1, 2, 3),
        theory_required=True,
        practical_required=False,
        attitude_required=False,
        retake=RetakeSettings(attempts_per_round=3, wait_minutes=0),
        validity_months=24,
        prerequisites=("basics",),
    )
    return LiveCourse(**{**values, **overrides})


def read(*numbers: int) -> History:
    return History(lesson_reads={n: NOW - timedelta(days=1) for n in numbers})


@pytest.mark.parametrize(
    ("lessons_read", "unread", "next_step"),
    [
        ((), (1, 2, 3), "read"),
        ((1, 3), (2,), "read"),  # all but one: still closed
        ((1, 2, 3), (), "take_exam"),
    ],
)
def test_every_lesson_must_be_read(lessons_read, unread, next_step):
    standing = progress_rules.standing(7, course(), read(*lessons_read), NOW)
    assert standing.exam_gate.unread == unread
    assert standing.exam_gate.open is (unread == ())
    assert standing.may_start_exam is (unread == ())
    assert standing.next_step == next_step


def test_a_prerequisite_not_passed_closes_the_exam_after_the_reading():
    standing = progress_rules.standing(7, course(), read(1, 2, 3), NOW, (BASICS,))
    assert standing.exam_gate.prerequisites == (BASICS,)
    assert not standing.may_start_exam
    assert standing.next_step == "prerequisite"
    unread = progress_rules.standing(7, course(), read(1), NOW, (BASICS,))
    assert unread.next_step == "read"  # the reading first: it can be done now


def test_front_matter_turns_each_requirement_off():
    no_reading = course(exam_requires_lessons=False)
    standing = progress_rules.standing(7, no_reading, read(), NOW, (BASICS,))
    assert (standing.exam_gate.unread, standing.next_step) == ((), "prerequisite")
    neither = course(exam_requires_lessons=False, exam_requires_prerequisites=False)
    standing = progress_rules.standing(7, neither, read(), NOW, (BASICS,))
    assert standing.exam_gate.open and standing.may_start_exam
    assert standing.next_step == "take_exam"


def test_a_course_without_an_exam_has_no_gate():
    standing = progress_rules.standing(7, course(theory_required=False), read(), NOW, (BASICS,))
    assert standing.exam_gate.open and standing.next_step == "read"


def _prerequisite_course() -> LiveCourse:
    return course(id=2, slug="basics", title="新员工入门", lesson_numbers=(1,), prerequisites=())


def _certificate(**overrides) -> CertificateRow:
    values = dict(
        id=1,
        serial="TRN-2026-000001",
        title="新员工入门",
        issued_at=NOW - timedelta(days=300),
        expires_at=None,
        revoked_at=None,
        window_days=60,
    )
    return CertificateRow(**{**values, **overrides})


def _passed_exam(at: datetime) -> AttemptState:
    return AttemptState(9, 1, 1, at, at + timedelta(minutes=5), True, 100.0, False)


@pytest.mark.parametrize(
    ("certificate", "counts"),
    [
        (None, True),  # complete, its certificate on the way
        (_certificate(), True),
        (_certificate(expires_at=NOW + timedelta(days=1)), True),  # the last valid day
        (_certificate(expires_at=NOW - timedelta(minutes=1)), False),  # expired a minute ago
        (_certificate(revoked_at=NOW - timedelta(days=10)), False),
    ],
    ids=["no certificate yet", "valid", "expires tomorrow", "expired", "revoked"],
)
def test_a_prerequisite_counts_only_while_its_certificate_holds(certificate, counts):
    """Passed again after the revocation or expiry, so Standing calls the course passed
    (complete in the new cycle); the certificate that no longer holds still does not count
    until a new one is issued."""
    history = History(
        lesson_reads={1: NOW - timedelta(days=2)},
        attempts=[_passed_exam(NOW - timedelta(days=1))],
        certificates=[certificate] if certificate else [],
    )
    standing = progress_rules.standing(7, _prerequisite_course(), history, NOW)
    assert standing.passed  # what Standing says
    assert progress_rules.prerequisite_passed(standing) is counts


def test_a_prerequisite_never_passed_does_not_count():
    standing = progress_rules.standing(7, _prerequisite_course(), read(1), NOW)
    assert not standing.passed
    assert progress_rules.prerequisite_passed(standing) is False
