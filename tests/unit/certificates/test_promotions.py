"""A complete level makes the person eligible; HR approves (or declines) with a reason,
audited; only an approved promotion gets its level certificate, from the level job."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.unit.certificates.conftest import pass_quiz
from trainer.certificates import service
from trainer.certificates.service import PromotionError, add_months, decide_promotion
from trainer.extensions import db
from trainer.models import AuditEvent, Certificate, LevelPromotion, utcnow


def promotions_of(user) -> list[tuple[str, str]]:
    db.session.commit()
    return [
        (p.level_id, p.status)
        for p in db.session.scalars(
            sa.select(LevelPromotion)
            .where(LevelPromotion.user_id == user.id)
            .order_by(LevelPromotion.id)
        )
    ]


def level_certificates(user) -> list[str]:
    db.session.commit()
    return db.session.scalars(
        sa.select(Certificate.level_id).where(
            Certificate.user_id == user.id, Certificate.kind == "level"
        )
    ).all()


def audit_rows(action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def eligible(app, users, synced, paths_dir):
    """The learner passed basics: eligible for 初级 (junior), nothing issued yet."""
    pass_quiz(users["learner"])
    [promotion] = db.session.scalars(sa.select(LevelPromotion)).all()
    return promotion


def test_completing_a_level_records_eligibility_and_issues_nothing(eligible, users):
    learner = users["learner"]

    assert promotions_of(learner) == [("junior", "eligible")]
    assert level_certificates(learner) == []
    [event] = audit_rows("promotion.eligible")
    assert event.actor_id is None and event.details == {"user": "L0001", "level": "junior"}


def test_the_level_job_run_again_records_eligibility_once(app, eligible, users):
    service.issue_levels(app, users["learner"])
    service.issue_levels(app, users["learner"])

    assert promotions_of(users["learner"]) == [("junior", "eligible")]


def test_hr_approval_is_audited_and_the_job_issues_the_level_certificate(eligible, users):
    hr, learner = users["hr"], users["learner"]

    decide_promotion(hr, eligible.id, True, "  业绩优秀，顾客表扬三次  ")

    assert promotions_of(learner) == [("junior", "approved")]
    assert level_certificates(learner) == ["junior"]
    promotion = db.session.get(LevelPromotion, eligible.id)
    assert promotion.decided_by_id == hr.id and promotion.reason == "业绩优秀，顾客表扬三次"
    assert promotion.certificate_id is not None
    [event] = audit_rows("promotion.approved")
    assert event.actor_id == hr.id and event.subject_id == eligible.id
    assert event.details == {"user": "L0001", "level": "junior", "reason": "业绩优秀，顾客表扬三次"}


def test_hr_decline_records_the_reason_and_issues_nothing(app, eligible, users):
    hr, learner = users["hr"], users["learner"]

    decide_promotion(hr, eligible.id, False, "近三个月有两次顾客投诉")
    service.issue_levels(app, learner)  # the next run of the level job

    assert promotions_of(learner) == [("junior", "declined")]
    assert level_certificates(learner) == []
    [event] = audit_rows("promotion.declined")
    assert event.details["reason"] == "近三个月有两次顾客投诉"
    assert audit_rows("promotion.approved") == []


def test_a_declined_level_is_eligible_again_three_months_later(app, eligible, users):
    hr, learner = users["hr"], users["learner"]
    decide_promotion(hr, eligible.id, False, "近三个月有两次顾客投诉")
    decided = db.session.get(LevelPromotion, eligible.id).decided_at

    service.issue_levels(app, learner, add_months(decided, 3) - timedelta(minutes=1))
    assert promotions_of(learner) == [("junior", "declined")]
    service.issue_levels(app, learner, add_months(decided, 3))
    assert promotions_of(learner) == [("junior", "declined"), ("junior", "eligible")]


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decision_needs_a_reason(eligible, users, reason):
    with pytest.raises(PromotionError) as refused:
        decide_promotion(users["hr"], eligible.id, True, reason)

    assert refused.value.code == "reason-missing"
    assert promotions_of(users["learner"]) == [("junior", "eligible")]


def test_a_promotion_is_decided_once(eligible, users):
    decide_promotion(users["hr"], eligible.id, False, "暂不晋升")

    with pytest.raises(PromotionError) as refused:
        decide_promotion(users["admin"], eligible.id, True, "改为批准")

    assert refused.value.code == "already-decided"
    assert level_certificates(users["learner"]) == []


def test_hr_may_not_decide_a_promotion_of_another_hr_person(app, users, synced, paths_dir):
    pass_quiz(users["hr"])
    [promotion] = db.session.scalars(sa.select(LevelPromotion)).all()
    other_hr = users["admin"]  # an administrator manages HR people

    with pytest.raises(PromotionError) as refused:
        decide_promotion(users["hr"], promotion.id, True, "自己批准自己")
    assert refused.value.code == "not-allowed"

    decide_promotion(other_hr, promotion.id, True, "业绩达标")
    assert level_certificates(users["hr"]) == ["junior"]


def test_hr_list_shows_only_people_hr_manages(app, users, synced, paths_dir):
    pass_quiz(users["learner"])
    pass_quiz(users["hr"])

    listed = {row.person.employee_no for row in service.promotions_to_decide(app, users["hr"])}
    by_admin = {row.person.employee_no for row in service.promotions_to_decide(app, users["admin"])}

    assert listed == {"L0001"}
    assert by_admin == {"L0001", users["hr"].employee_no}


def test_the_scheduler_takes_up_an_approval_whose_job_was_lost(app, eligible, users):
    from trainer.certificates.issuing import enqueue_ready_levels

    learner = users["learner"]
    # Approved as if the job never ran: no certificate yet.
    eligible.status, eligible.decided_at, eligible.reason = "approved", utcnow(), "业绩达标"
    eligible.decided_by_id = users["hr"].id
    db.session.commit()

    assert enqueue_ready_levels(app) == 1
    assert level_certificates(learner) == ["junior"]
    assert enqueue_ready_levels(app) == 0
