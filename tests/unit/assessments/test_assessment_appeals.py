"""Appeals: window, who may appeal, one open appeal, who decides, and the outcome after."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.conftest import count_rows
from tests.unit.assessments.assessment_helpers import (
    CRITICAL_FAILED,
    live_version,
    submitted,
)
from trainer.assessments import appeals
from trainer.assessments.service import AssessmentError
from trainer.extensions import db
from trainer.models import Appeal, AssessmentCorrection, AuditEvent
from trainer.progress import standing_of

T0 = datetime(2026, 9, 1, 8, 0)
WINDOW = 7


@pytest.fixture
def failed(people):
    return submitted(people["assessor"], people["learner"], CRITICAL_FAILED, at=T0)


def lodge(result, user, reason="当时顾客是从侧门进来的，我没看到。", now=T0 + timedelta(days=1)):
    return appeals.lodge_appeal(result, user, reason, WINDOW, now=now)


def practical(learner):
    """The practical part as every page shows it (trainer.progress)."""
    return standing_of(learner.id, live_version().course_id).practical


def refused_code(action, *args, **kwargs) -> str:
    with pytest.raises(AssessmentError) as refused:
        action(*args, **kwargs)
    return refused.value.code


def test_learner_appeals_within_the_window(people, failed):
    appeal = lodge(failed, people["learner"])
    assert appeal.is_open and appeal.appellant_id == people["learner"].id
    assert db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.action != "course.version_published")
        .order_by(AuditEvent.id)
    ).all() == ["assessment.started", "assessment.submitted", "appeal.lodged"]


def test_appeal_after_the_deadline_is_refused_with_the_deadline(people, failed):
    with pytest.raises(AssessmentError) as refused:
        lodge(failed, people["learner"], now=T0 + timedelta(days=WINDOW, seconds=1))
    assert refused.value.code == "appeal-too-late"
    assert refused.value.params["deadline"] == T0 + timedelta(days=WINDOW)
    assert count_rows(Appeal) == 0


def test_only_the_learner_may_appeal_and_only_a_fail(people, failed):
    assert refused_code(lodge, failed, people["hr"]) == "not-your-result"
    assert refused_code(lodge, failed, people["assessor"]) == "not-your-result"
    passed = submitted(
        people["assessor"], people["learner"], {"patient": 3}, kind="attitude", at=T0
    )
    assert refused_code(lodge, passed, people["learner"]) == "nothing-to-appeal"
    assert refused_code(lodge, failed, people["learner"], reason=" ") == "reason-missing"
    assert count_rows(Appeal) == 0


def test_one_open_appeal_per_result(people, failed):
    lodge(failed, people["learner"])
    assert refused_code(lodge, failed, people["learner"]) == "appeal-open"
    assert count_rows(Appeal) == 1


def test_database_holds_one_open_appeal_per_result_even_past_the_checks(people, failed):
    lodge(failed, people["learner"])
    db.session.add(
        Appeal(assessment_id=failed.id, appellant_id=people["learner"].id, reason="again")
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Decided appeals do not count as open: the index lets the history grow.
    db.session.add(
        Appeal(
            assessment_id=failed.id,
            appellant_id=people["learner"].id,
            reason="old",
            status="upheld",
        )
    )
    db.session.commit()


def test_a_decided_appeal_is_final(people, failed):
    appeal = lodge(failed, people["learner"])
    appeals.decide_appeal(appeal, people["hr"], overturn=False, reason="录像显示确实未问候")
    assert refused_code(lodge, failed, people["learner"]) == "appeal-decided"


def test_who_may_decide(people, failed):
    appeal = lodge(failed, people["learner"])
    decide = appeals.decide_appeal
    assert refused_code(decide, appeal, people["assessor"], True, "理由") == "own-assessment"
    assert refused_code(decide, appeal, people["learner"], True, "理由") == "own-appeal"
    outsider_assessor = people["outsider"]
    outsider_assessor.set_roles({"assessor", "learner"})
    db.session.commit()
    assert refused_code(decide, appeal, outsider_assessor, True, "理由") == "not-allowed"
    assert refused_code(decide, appeal, people["hr"], True, "  ") == "decision-reason-missing"
    assert appeals.decide_refusal(appeal, people["second_assessor"]) is None
    assert appeals.decide_refusal(appeal, people["hr"]) is None
    assert [a.id for a in appeals.appeals_to_decide(people["hr"])] == [appeal.id]
    assert appeals.appeals_to_decide(people["assessor"]) == []
    assert count_rows(AssessmentCorrection) == 0 and appeal.is_open


def test_hr_cannot_decide_their_own_appeal(people):
    result = submitted(people["assessor"], people["hr"], CRITICAL_FAILED, at=T0)
    appeal = lodge(result, people["hr"])
    assert refused_code(appeals.decide_appeal, appeal, people["hr"], True, "我觉得对") == (
        "own-appeal"
    )


def test_upheld_appeal_keeps_the_fail(people, failed):
    appeal = lodge(failed, people["learner"])
    appeals.decide_appeal(
        appeal,
        people["second_assessor"],
        overturn=False,
        reason="复核录像，确实未在 3 秒内问候。",
        now=T0 + timedelta(days=2),
    )
    assert appeal.status == "upheld" and appeal.decided_by_id == people["second_assessor"].id
    assert practical(people["learner"]).outcome == "failed"
    assert count_rows(AssessmentCorrection) == 0


def test_overturned_appeal_adds_a_correction_and_the_outcome_follows(people, failed):
    appeal = lodge(failed, people["learner"])
    appeals.decide_appeal(
        appeal,
        people["hr"],
        overturn=True,
        reason="监控显示顾客从侧门进入，考核员位置看不到。",
        now=T0 + timedelta(days=2),
    )
    db.session.expire_all()
    assert appeal.status == "overturned" and appeal.decided_at == T0 + timedelta(days=2)
    correction = failed.correction
    assert correction.passed and correction.appeal_id == appeal.id
    # The original result is untouched: still the fail it was, with its scores.
    assert failed.passed is False and failed.critical_failed and failed.points == 2
    assert failed.effective_passed is True
    assert practical(people["learner"]).outcome == "passed"
    status = practical(people["learner"])
    assert status.outcome == "passed" and status.retake_at is None
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions[-2:] == ["appeal.lodged", "appeal.overturned"]


def test_an_appeal_is_decided_once(people, failed):
    appeal = lodge(failed, people["learner"])
    appeals.decide_appeal(appeal, people["hr"], overturn=True, reason="改判")
    assert (
        refused_code(appeals.decide_appeal, appeal, people["second_assessor"], False, "维持")
        == "appeal-closed"
    )
    assert count_rows(AssessmentCorrection) == 1


@pytest.mark.parametrize(
    ("overturn", "expected"),
    [
        # (final passed, changed on appeal, original passed, critical box shown)
        (None, (False, False, False, True)),  # no appeal: the fail and its reason
        (False, (False, False, False, True)),  # upheld: the same
        (True, (True, True, False, False)),  # overturned: one outcome, a pass
    ],
)
def test_the_outcome_a_result_page_shows(people, failed, overturn, expected):
    from trainer.assessments.outcomes import outcome_of

    if overturn is not None:
        appeal = lodge(failed, people["learner"])
        appeals.decide_appeal(
            appeal, people["hr"], overturn=overturn, reason="复核", now=T0 + timedelta(days=2)
        )
        db.session.expire_all()
    outcome = outcome_of(failed)
    assert (
        outcome.passed,
        outcome.changed_on_appeal,
        outcome.original_passed,
        outcome.shows_critical_failure,
    ) == expected
    assert outcome.key == ("passed" if expected[0] else "failed")
