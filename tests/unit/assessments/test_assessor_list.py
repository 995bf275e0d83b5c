"""The assessor's to-do list: what the learner's assigned plans and onboarding ask for, as
trainer.progress says they stand, with a failed checklist's retake wait shown up front."""

from datetime import date, datetime, timedelta

import pytest

from tests.unit.assessments.assessment_helpers import ALL_MAX, CRITICAL_FAILED, submitted
from tests.unit.hr.helpers import make_plan, positions
from trainer.assessments import service
from trainer.extensions import db
from trainer.hr.plans import service as plans

TODAY = date(2026, 9, 1)
T0 = datetime(2026, 9, 1, 8, 0)  # 16:00 in Shanghai


def keys(tasks):
    return [(task.choice.key, task.outcome) for task in tasks]


@pytest.fixture
def sales(people):
    """A sales associate: store-service targets the position, but nothing is assigned yet."""
    found = positions()
    people["learner"].position = found["sales-associate"]
    db.session.commit()
    return people


def assign_store_service(hr, person, kind="annual", due=date(2026, 9, 30)):
    plan = make_plan(
        hr,
        name=f"{kind} {due}",
        kind=kind,
        items=[("store-service", "fixed", due)],
        targets=[("person", person)],
        today=TODAY,  # the plan is made on the day the tests look at
    )
    plans.sync_plan(hr, plan, TODAY)
    return plan


def test_a_course_for_the_position_but_not_assigned_is_not_on_the_list(sales):
    assert service.pending_for([sales["learner"]], TODAY, now=T0) == {}


def test_an_assigned_course_is_on_the_list_whatever_the_position(sales):
    # The outsider has no position at all; HR assigned the course to them by name.
    outsider, learner = sales["outsider"], sales["learner"]
    assign_store_service(sales["hr"], outsider, kind="onboarding")
    pending = service.pending_for([learner, outsider], TODAY, now=T0)
    assert learner.id not in pending
    assert keys(pending[outsider.id]) == [
        ("store-service:practical", "pending"),
        ("store-service:attitude", "pending"),
    ]
    assert {task.due_on for task in pending[outsider.id]} == {date(2026, 9, 30)}


def test_a_passed_checklist_leaves_the_list_and_a_withdrawn_plan_empties_it(sales):
    learner = sales["learner"]
    plan = assign_store_service(sales["hr"], learner)
    submitted(sales["assessor"], learner, ALL_MAX, at=T0)
    later = T0 + timedelta(minutes=1)
    assert keys(service.pending_for([learner], TODAY, now=later)[learner.id]) == [
        ("store-service:attitude", "pending")
    ]
    plans.remove_target(sales["hr"], plan.targets[0])
    plans.sync_plan(sales["hr"], plan, TODAY)
    assert service.pending_for([learner], TODAY, now=later) == {}


def test_two_plans_with_the_same_course_give_one_task_with_the_earliest_due_date(sales):
    learner = sales["learner"]
    assign_store_service(sales["hr"], learner, due=date(2026, 10, 31))
    assign_store_service(sales["hr"], learner, kind="onboarding", due=date(2026, 9, 15))
    tasks = service.pending_for([learner], TODAY, now=T0)[learner.id]
    assert keys(tasks) == [
        ("store-service:practical", "pending"),
        ("store-service:attitude", "pending"),
    ]
    assert {task.due_on for task in tasks} == {date(2026, 9, 15)}


@pytest.mark.parametrize(
    ("after", "waiting"),
    [
        (timedelta(minutes=29, seconds=59), True),  # just before the 30-minute wait ends
        (timedelta(minutes=30), False),  # at its end: may be assessed again
        (timedelta(minutes=30, seconds=1), False),
    ],
)
def test_a_failed_practical_shows_its_retake_wait_until_it_ends(sales, after, waiting):
    learner = sales["learner"]
    assign_store_service(sales["hr"], learner)
    submitted(sales["assessor"], learner, CRITICAL_FAILED, at=T0)
    now = T0 + after
    [practical, attitude] = service.pending_for([learner], TODAY, now=now)[learner.id]
    assert (practical.choice.kind, practical.outcome) == ("practical", "failed")
    assert practical.retake_at == (datetime(2026, 9, 1, 8, 30) if waiting else None)
    assert practical.waiting is waiting
    assert not attitude.waiting
    assert service.retake_waits(learner, now) == (
        {"store-service:practical": datetime(2026, 9, 1, 8, 30)} if waiting else {}
    )
