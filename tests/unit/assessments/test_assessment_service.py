"""The assessment rules against the database: scope, drafts, submission, retakes, outcome."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.conftest import count_rows, make_user
from tests.unit.assessments.assessment_helpers import (
    ALL_MAX,
    CRITICAL_FAILED,
    STORE,
    live_version,
    submitted,
)
from trainer.assessments import service
from trainer.assessments.service import AssessmentError
from trainer.extensions import db
from trainer.models import Assessment, AssessmentScore, AuditEvent, User
from trainer.progress import standing_of

T0 = datetime(2026, 9, 1, 8, 0)


def start(assessor, learner, **overrides):
    arguments = {
        "version": live_version(),
        "kind": "practical",
        "mode": "observed",
        "place": "上海一店",
        "observed_on": date(2026, 9, 1),
        "today": date(2026, 9, 1),
        "now": T0,
    } | overrides
    return service.start_assessment(assessor, learner, **arguments)


def learners_for(user):
    return {u.employee_no for u in db.session.scalars(service.learners_in_scope(user))}


# --- scope -------------------------------------------------------------------------------


def test_assessor_scope_covers_assigned_departments_and_below_never_self(people):
    # Assigned to the region: everyone in its stores, nobody elsewhere, not themselves.
    assert learners_for(people["assessor"]) == {"L0001", "T0001", "H0001", "M0001", "A0002"}
    assert "L0009" not in learners_for(people["assessor"])
    assert service.may_assess(people["assessor"], people["learner"])
    assert not service.may_assess(people["assessor"], people["outsider"])
    assert not service.may_assess(people["assessor"], people["assessor"])


def test_inactive_staff_drop_out_of_scope(people):
    people["learner"].active = False
    db.session.commit()
    assert "L0001" not in learners_for(people["assessor"])
    with pytest.raises(AssessmentError) as refused:
        service.check_may_assess(people["assessor"], people["learner"])
    assert refused.value.code == "inactive"


def test_admin_assesses_anyone_but_themselves_and_hr_nobody(people):
    admin = people["admin"]
    assert {"L0001", "L0009", "A0001"} <= learners_for(admin)
    assert "M0001" not in learners_for(admin)
    assert learners_for(people["hr"]) == set()
    unassigned = make_user("A0003", "新考核员", {"assessor"}, department_path=STORE)
    assert learners_for(unassigned) == set()


def test_search_by_name_or_employee_number(people):
    found = db.session.scalars(service.learners_in_scope(people["assessor"], "小张"))
    assert [u.employee_no for u in found] == ["L0001"]
    found = db.session.scalars(service.learners_in_scope(people["assessor"], "a0002"))
    assert [u.display_name for u in found] == ["考核员老孙"]


# --- drafts and submission ---------------------------------------------------------------


def test_starting_twice_resumes_the_same_draft(people):
    first, created = start(people["assessor"], people["learner"])
    again, created_again = start(people["assessor"], people["learner"])
    assert created and not created_again and first.id == again.id
    assert count_rows(Assessment) == 1


def test_start_refuses_self_outsiders_future_dates_and_a_missing_place(people):
    for learner, overrides, code in [
        (people["assessor"], {}, "self"),
        (people["outsider"], {}, "out-of-scope"),
        (people["learner"], {"observed_on": date(2026, 9, 2)}, "future-date"),
        (people["learner"], {"place": "  "}, "place-missing"),
        (people["learner"], {"version": live_version("basics")}, "no-checklist"),
    ]:
        with pytest.raises(AssessmentError) as refused:
            start(people["assessor"], learner, **overrides)
        assert refused.value.code == code
    assert count_rows(Assessment) == 0
    assert (
        db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.action != "course.version_published")
        ).all()
        == []
    )


def test_submit_scores_the_sheet_and_audits_it(people):
    result = submitted(
        people["assessor"],
        people["learner"],
        CRITICAL_FAILED,
        at=T0,
        comments={"greet-within-3s": "顾客进店 10 秒后才问候"},
    )
    assert result.status == "submitted" and result.submitted_at == T0
    assert (result.points, result.max_points, result.pass_mark) == (2, 6, 80)
    assert result.critical_failed and result.passed is False
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "assessment.submitted")
    )
    assert event.actor_id == people["assessor"].id and event.subject_id == result.id
    assert event.details["critical_failures"] == ["greet-within-3s"]
    sheet = service.score_sheet(result)
    greet = sheet[0].items[0]
    assert (greet.score, greet.label, greet.critical_failed) == (0, "未做到", True)
    assert greet.comment == "顾客进店 10 秒后才问候"


def test_submit_with_an_item_unscored_names_it_and_changes_nothing(people):
    draft, _ = start(people["assessor"], people["learner"])
    with pytest.raises(AssessmentError) as refused:
        service.submit_assessment(
            draft, people["assessor"], {"greet-within-3s": 2, "polite-language": 1}, {}, ""
        )
    assert refused.value.code == "missing-scores"
    assert refused.value.params["items"] == ["引导到试衣间"]
    db.session.expire_all()
    assert draft.status == "draft" and count_rows(AssessmentScore) == 0


def test_a_score_off_the_scale_is_refused(people):
    draft, _ = start(people["assessor"], people["learner"])
    with pytest.raises(AssessmentError) as refused:
        service.save_draft(draft, people["assessor"], {"polite-language": 2}, {}, "")
    assert refused.value.code == "invalid-score"


def test_a_submitted_result_is_never_edited(people):
    result = submitted(people["assessor"], people["learner"], ALL_MAX, at=T0)
    for action in (service.save_draft, service.submit_assessment):
        with pytest.raises(AssessmentError) as refused:
            action(result, people["assessor"], CRITICAL_FAILED, {}, "改一下")
        assert refused.value.code == "already-submitted"
    db.session.expire_all()
    assert result.passed and result.overall_comment == "总体不错"
    assert {row.item_id: row.score for row in result.scores} == ALL_MAX


def test_only_the_drafts_assessor_may_save_it(people):
    draft, _ = start(people["assessor"], people["learner"])
    with pytest.raises(AssessmentError) as refused:
        service.save_draft(draft, people["second_assessor"], ALL_MAX, {}, "")
    assert refused.value.code == "not-your-draft"


def test_losing_scope_stops_scoring_a_draft(people):
    draft, _ = start(people["assessor"], people["learner"])
    people["learner"].department = db.session.scalar(
        sa.select(User).where(User.employee_no == "L0009")
    ).department  # moved to the other region
    db.session.commit()
    with pytest.raises(AssessmentError) as refused:
        service.submit_assessment(draft, people["assessor"], ALL_MAX, {}, "")
    assert refused.value.code == "out-of-scope"


def test_draft_saves_scores_and_comments_as_the_whole_sheet(people):
    draft, _ = start(people["assessor"], people["learner"])
    service.save_draft(
        draft,
        people["assessor"],
        {"greet-within-3s": 1},
        {"polite-language": "还没观察到"},
        "进行中",
    )
    service.save_draft(draft, people["assessor"], {"greet-within-3s": 2}, {}, "进行中")
    rows = {
        row.item_id: (row.score, row.comment)
        for row in db.session.scalars(sa.select(AssessmentScore))
    }
    assert rows == {"greet-within-3s": (2, "")}


# --- outcome and retakes -----------------------------------------------------------------


def outcome(learner, kind: str) -> str:
    """What every page shows for this part (trainer.progress)."""
    return standing_of(learner.id, live_version().course_id).assessment(kind).outcome


def test_outcome_follows_results_across_retakes(people):
    learner = people["learner"]
    assert outcome(learner, "practical") == "pending"
    submitted(people["assessor"], learner, CRITICAL_FAILED, at=T0)
    assert outcome(learner, "practical") == "failed"
    assert outcome(learner, "attitude") == "pending"
    # The course's wait (30 minutes in store-service) must pass before a retake.
    with pytest.raises(AssessmentError) as refused:
        start(people["assessor"], learner, now=T0 + timedelta(minutes=29))
    assert refused.value.code == "retake-wait"
    assert refused.value.params["opens_at"] == T0 + timedelta(minutes=30)
    submitted(people["assessor"], learner, ALL_MAX, at=T0 + timedelta(minutes=30))
    assert outcome(learner, "practical") == "passed"


def test_a_draft_cannot_be_submitted_while_someone_elses_fail_is_in_its_wait(people):
    learner = people["learner"]
    draft, _ = start(people["assessor"], learner, now=T0)
    submitted(people["second_assessor"], learner, CRITICAL_FAILED, at=T0 + timedelta(minutes=5))
    with pytest.raises(AssessmentError) as refused:
        service.submit_assessment(
            draft, people["assessor"], ALL_MAX, {}, "", now=T0 + timedelta(minutes=10)
        )
    assert refused.value.code == "retake-wait"


def test_course_status_tells_the_learner_when_a_retake_opens(people):
    learner, version = people["learner"], live_version()
    submitted(people["assessor"], learner, CRITICAL_FAILED, at=T0)
    practical, attitude = standing_of(
        learner.id, version.course_id, now=T0 + timedelta(minutes=1)
    ).assessed
    assert (practical.kind, practical.outcome) == ("practical", "failed")
    assert practical.retake_at == T0 + timedelta(minutes=30)
    assert (attitude.kind, attitude.outcome, attitude.latest_id) == ("attitude", "pending", None)
    later, _ = standing_of(learner.id, version.course_id, now=T0 + timedelta(hours=1)).assessed
    assert later.retake_at is None


def test_attitude_is_scored_against_its_own_checklist(people):
    result = submitted(
        people["assessor"], people["learner"], {"patient": 2}, kind="attitude", at=T0
    )
    assert (result.points, result.max_points, result.pass_mark) == (2, 3, 60)
    assert result.passed
    assert outcome(people["learner"], "attitude") == "passed"


def test_database_refuses_a_second_draft_and_self_assessment(people):
    draft, _ = start(people["assessor"], people["learner"])
    values = {
        c: getattr(draft, c)
        for c in (
            "learner_id",
            "assessor_id",
            "course_id",
            "version_id",
            "kind",
            "mode",
            "place",
            "observed_on",
        )
    }
    db.session.add(Assessment(**values))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Assessment(**(values | {"learner_id": values["assessor_id"]})))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
