"""HR draws up a plan in the browser and assigns it; learners and supervisors see training."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import make_user, sign_in
from tests.unit.hr.helpers import assess, make_plan, positions, take_exam
from trainer.clock import local_today
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.models import Department, SkillPlan
from trainer.models.plans import PlanAssignment


@pytest.fixture
def org(app, users, synced):
    found = positions()
    make_user(
        "S1",
        "新导购",
        {"learner"},
        department_path="测试公司/华东区/上海一店",
        position_code="sales-associate",
        hire_date=local_today() - timedelta(days=3),
    )
    make_user(
        "S2",
        "门店主管",
        {"learner"},
        department_path="测试公司/华东区/上海一店",
        position_code="store-supervisor",
    )
    make_user(
        "S3",
        "杭州导购",
        {"learner"},
        department_path="测试公司/华东区/杭州二店",
        position_code="sales-associate",
    )
    return found


def test_hr_creates_a_plan_adds_a_course_and_a_target_and_assigns_it(client, signed_in, org):
    signed_in("hr")
    year = local_today().year
    response = client.post(
        "/hr/plans/", data={"name": "新员工入职培训", "year": year, "kind": "onboarding"}
    )
    plan = db.session.scalar(sa.select(SkillPlan))
    assert response.headers["Location"] == f"/hr/plans/{plan.id}"
    record, _version = live_course("store-service")
    client.post(
        f"/hr/plans/{plan.id}/items",
        data={"course": record.id, "mandatory": "y", "due_kind": "after_hire", "due_days": "30"},
    )
    client.post(
        f"/hr/plans/{plan.id}/targets",
        data={
            "kind": "new_hires",
            "position": org["sales-associate"].id,
            "department": "0",
            "hired_since": f"{year}-01-01",
        },
    )
    page = client.post(f"/hr/plans/{plan.id}/sync", follow_redirects=True).get_data(as_text=True)
    assert "分配完成：新增 1" in page  # only S1 was hired this year
    assert 'data-testid="figure-not_started">1<' in page
    assignment = db.session.scalar(sa.select(PlanAssignment))
    assert assignment.user.employee_no == "S1"
    assert assignment.due_on == local_today() - timedelta(days=3) + timedelta(days=30)


def test_plan_form_errors_are_explained(client, signed_in, org):
    signed_in("hr")
    plan = make_plan(_hr(), name="计划")
    response = client.post(
        f"/hr/plans/{plan.id}/items",
        data={"course": live_course("basics")[0].id, "due_kind": "fixed", "due_days": ""},
    )
    assert response.status_code == 400
    assert "请填写截止日期" in response.get_data(as_text=True)
    response = client.post(
        f"/hr/plans/{plan.id}/targets",
        data={"kind": "person", "person": "NOBODY", "department": "0", "position": "0"},
    )
    assert response.status_code == 400 and "没有这个工号的员工" in response.get_data(as_text=True)


def _hr():
    from trainer.models import User

    return db.session.scalar(sa.select(User).where(User.employee_no == "H0001"))


def by_no(employee_no):
    from trainer.models import User

    return db.session.scalar(sa.select(User).where(User.employee_no == employee_no))


@pytest.fixture
def onboarding(org, users):
    plan = make_plan(
        users["hr"],
        kind="onboarding",
        name="新员工入职培训",
        year=local_today().year,
        items=[("basics", "after_hire", 1), ("store-service", "after_hire", 30)],
        targets=[("person", by_no("S1"))],
    )
    # Given the plan on the first day (three days ago): basics is now two days late.
    plans.sync_plan(users["hr"], plan, local_today() - timedelta(days=3))
    return plan


def test_my_training_lists_the_onboarding_checklist_most_urgent_first(app, client, onboarding):
    sign_in(client, "S1")
    page = client.get("/training/").get_data(as_text=True)
    assert "入职培训清单" in page
    assert "尚未可以正式上岗：2 门课程中已有 0 门全部通过" in page
    # basics was due a day after hire, three days ago: overdue, listed first.
    first = page.index('data-course="basics" data-status="overdue"')
    assert first < page.index('data-course="store-service" data-status="not_started"')
    assert "已逾期 2 天" in page
    assert "实际操作考核：尚未考核" in page


def test_cleared_for_duty_is_shown_to_the_new_hire_supervisor_and_hr(
    app, client, onboarding, users
):
    learner = by_no("S1")
    take_exam(learner, "basics", passed=True)
    take_exam(learner, "store-service", passed=True)
    assess(learner, users["assessor"], "store-service", "practical", passed=True)
    assess(learner, users["assessor"], "store-service", "attitude", passed=True)
    sign_in(client, "S1")
    assert 'data-testid="cleared">可以正式上岗' in client.get("/training/").get_data(as_text=True)
    supervisor = app.test_client()
    sign_in(supervisor, "S2")
    page = supervisor.get("/training/team").get_data(as_text=True)
    assert 'data-employee="S1"' in page and "可以正式上岗" in page
    assert "可以正式上岗" in supervisor.get("/training/people/S1").get_data(as_text=True)
    hr = app.test_client()
    sign_in(hr, "H0001")
    assert "可以正式上岗" in hr.get("/training/people/S1").get_data(as_text=True)


def test_people_outside_the_store_cannot_see_a_new_hires_training(app, client, onboarding):
    sign_in(client, "S3")
    assert client.get("/training/people/S1").status_code == 404
    assert "你目前不负责任何员工" in client.get("/training/team").get_data(as_text=True)


def test_a_learner_without_assignments_is_told_so(client, signed_in, org):
    signed_in("learner")
    assert "目前没有分配给你的课程" in client.get("/training/").get_data(as_text=True)


def test_learner_cannot_open_plans(client, signed_in, org):
    signed_in("learner")
    assert client.get("/hr/plans/").status_code == 403


def test_removing_a_target_withdraws_at_the_next_assignment(client, signed_in, onboarding):
    signed_in("hr")
    target = onboarding.targets[0]
    client.post(f"/hr/plans/{onboarding.id}/targets/{target.id}/remove")
    page = client.post(f"/hr/plans/{onboarding.id}/sync", follow_redirects=True).get_data(
        as_text=True
    )
    assert "撤回 2" in page
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PlanAssignment)
            .where(PlanAssignment.withdrawn_at.is_(None))
        )
        == 0
    )


def test_region_target_via_the_form(client, signed_in, org):
    signed_in("hr")
    plan = make_plan(_hr(), name="年度计划", year=local_today().year)
    region = db.session.scalar(sa.select(Department).where(Department.name == "华东区"))
    client.post(
        f"/hr/plans/{plan.id}/targets",
        data={"kind": "department", "department": region.id, "position": "0"},
    )
    page = client.post("/hr/plans/sync", follow_redirects=True).get_data(as_text=True)
    assert "新增 8" in page
