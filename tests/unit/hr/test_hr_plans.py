"""Skill plans against the database: targets, idempotent assignment, derived status."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.conftest import make_user
from tests.unit.hr.helpers import assess, make_plan, positions, read_lessons, take_exam
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.hr.plans import rules
from trainer.hr.plans import service as plans
from trainer.hr.plans.training import may_view_training, training_of
from trainer.models import Department
from trainer.models.plans import PlanAssignment
from trainer.progress import standing_of, standings

TODAY = date(2026, 3, 10)


@pytest.fixture
def org(app, users, synced):
    found = positions()
    make_user(
        "S1",
        "上海导购",
        {"learner"},
        department_path="测试公司/华东区/上海一店",
        position_code="sales-associate",
        hire_date=date(2026, 3, 2),
    )
    make_user(
        "S2",
        "杭州导购",
        {"learner"},
        department_path="测试公司/华东区/杭州二店",
        position_code="sales-associate",
        hire_date=date(2025, 6, 1),
    )
    make_user(
        "S3",
        "上海主管",
        {"learner"},
        department_path="测试公司/华东区/上海一店",
        position_code="store-supervisor",
        hire_date=date(2020, 1, 1),
    )
    return found


def assignments(plan=None):
    statement = sa.select(PlanAssignment).order_by(PlanAssignment.id)
    return list(db.session.scalars(statement))


def by_no(employee_no):
    from trainer.models import User

    return db.session.scalar(sa.select(User).where(User.employee_no == employee_no))


def region():
    return db.session.scalar(sa.select(Department).where(Department.name == "华东区"))


def test_a_department_target_includes_its_sub_departments(org, users):
    plan = make_plan(users["hr"], targets=[("department", region())])
    result = plans.sync_plan(users["hr"], plan, TODAY)
    # Everyone under 华东区: the five role users, S1, S2, S3.
    assert result.added == 8


def test_position_person_and_new_hire_targets(org, users):
    plan = make_plan(
        users["hr"],
        targets=[
            ("position", org["store-supervisor"]),
            ("person", users["trainer"]),
            ("new_hires", org["sales-associate"], date(2026, 1, 1)),
        ],
    )
    plans.sync_plan(users["hr"], plan, TODAY)
    assigned = {a.user.employee_no for a in assignments()}
    assert assigned == {"S3", "T0001", "S1"}  # S2 was hired in 2025


def test_syncing_again_is_idempotent_and_follows_staff_changes(org, users):
    plan = make_plan(
        users["hr"],
        items=[("basics", "after_assignment", 30), ("store-service", "fixed", date(2026, 6, 30))],
        targets=[("position", org["sales-associate"])],
        today=TODAY,
    )
    assert plans.sync_plan(users["hr"], plan, TODAY).added == 4
    again = plans.sync_plan(users["hr"], plan, TODAY + timedelta(days=3))
    assert (again.added, again.withdrawn, again.restored, again.redated) == (0, 0, 0, 0)
    assert len(assignments()) == 4
    # A new hire gets the plan; a leaver drops out; nobody is duplicated.
    make_user(
        "S4",
        "新导购",
        {"learner"},
        department_path="测试公司/华东区/上海一店",
        position_code="sales-associate",
    )
    by_no("S2").active = False
    db.session.commit()
    result = plans.sync_plan(users["hr"], plan, TODAY)
    assert (result.added, result.withdrawn) == (2, 2)
    assert len(assignments()) == 6
    # The leaver comes back: the same assignments return, with their original date.
    by_no("S2").active = True
    db.session.commit()
    assert plans.sync_plan(users["hr"], plan, TODAY + timedelta(days=40)).restored == 2
    s2 = [a for a in assignments() if a.user.employee_no == "S2" and a.item.due_kind != "fixed"]
    assert s2[0].due_on == TODAY + timedelta(days=30)


def test_the_database_refuses_a_duplicate_assignment(org, users):
    plan = make_plan(users["hr"], targets=[("person", users["learner"])])
    plans.sync_plan(users["hr"], plan, TODAY)
    existing = assignments()[0]
    db.session.add(
        PlanAssignment(
            item_id=existing.item_id, user_id=existing.user_id, assigned_on=TODAY, due_on=TODAY
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_due_after_hire_uses_the_hire_date(org, users):
    plan = make_plan(
        users["hr"], items=[("basics", "after_hire", 14)], targets=[("person", by_no("S1"))]
    )
    plans.sync_plan(users["hr"], plan, TODAY)
    assert assignments()[0].due_on == date(2026, 3, 16)


def test_a_course_twice_in_one_plan_is_refused(org, users):
    plan = make_plan(users["hr"])
    record, _version = live_course("basics")
    with pytest.raises(plans.PlanError) as error:
        plans.add_item(users["hr"], plan, record, True, "after_assignment", due_days=5)
    assert error.value.code == "duplicate-course"


def test_status_is_derived_from_lessons_exam_and_assessments(org, users):
    learner = by_no("S1")
    plan = make_plan(
        users["hr"],
        kind="onboarding",
        name="新员工入职培训",
        items=[("basics", "after_hire", 14), ("store-service", "after_hire", 30)],
        targets=[("person", learner)],
    )
    plans.sync_plan(users["hr"], plan, TODAY)

    def state():
        return {
            v.course.slug: (v.status, v.progress) for v in training_of(learner, TODAY).assignments
        }

    assert state() == {"basics": ("not_started", 0), "store-service": ("not_started", 0)}
    read_lessons(learner, "store-service", count=1)
    assert state()["store-service"] == ("in_progress", 12)  # 1 of 2 lessons, 1 of 4 shares
    take_exam(learner, "basics", passed=False)
    assert state()["basics"][0] == "in_progress"
    take_exam(learner, "basics", passed=True)
    assert state()["basics"] == ("passed", 100)
    # After the due date and still missing the practical: overdue.
    later = date(2026, 4, 2)
    assert training_of(learner, later).assignments[0].status == rules.OVERDUE
    assert training_of(learner, later).clearance.cleared is False


def test_new_hire_is_cleared_when_every_part_is_passed(org, users):
    learner = by_no("S1")
    plan = make_plan(
        users["hr"],
        kind="onboarding",
        name="新员工入职培训",
        items=[("basics", "after_hire", 14), ("store-service", "after_hire", 30)],
        targets=[("person", learner)],
    )
    plans.sync_plan(users["hr"], plan, TODAY)
    take_exam(learner, "basics", passed=True)
    take_exam(learner, "store-service", passed=True)
    assess(learner, users["assessor"], "store-service", "practical", passed=True)
    training = training_of(learner, TODAY)
    parts = {p.name: p.outcome for p in training.onboarding[-1].standing.parts}
    assert parts == {"theory": "passed", "practical": "passed", "attitude": "pending"}
    assert not training.clearance.cleared
    last = assess(learner, users["assessor"], "store-service", "attitude", passed=True)
    training = training_of(learner, TODAY)
    assert training.clearance.cleared
    assert training.clearance.cleared_at == last.submitted_at


def test_bulk_outcome_agrees_with_the_one_person_answer(org, users):
    learner, other = by_no("S1"), by_no("S2")
    record, _version = live_course("store-service")

    def bulk():
        found = standings([other.id, learner.id], [record.id])
        return found[(learner.id, record.id)].practical.outcome

    def one():
        return standing_of(learner.id, record.id).practical.outcome

    assess(other, users["assessor"], "store-service", "practical", passed=True)
    assert bulk() == one() == "pending"
    assess(learner, users["assessor"], "store-service", "practical", passed=False)
    assert bulk() == one() == "failed"
    assess(learner, users["assessor"], "store-service", "practical", passed=True)
    assert bulk() == one() == "passed"


def test_who_may_see_a_new_hires_training(org, users):
    new_hire, supervisor, other_store = by_no("S1"), by_no("S3"), by_no("S2")
    assert may_view_training(new_hire, new_hire)
    assert may_view_training(supervisor, new_hire)  # store supervisor, same store
    assert may_view_training(users["hr"], new_hire)
    assert not may_view_training(other_store, new_hire)
    assert not may_view_training(users["trainer"], new_hire)
    assert not may_view_training(users["assessor"], new_hire)  # no departments assigned


def test_automatic_syncs_skip_last_years_plans(org, users):
    make_plan(users["hr"], name="旧计划", year=2025, targets=[("person", users["learner"])])
    make_plan(users["hr"], name="新计划", year=2026, targets=[("person", users["learner"])])
    assert plans.sync_all(None, TODAY).added == 1
