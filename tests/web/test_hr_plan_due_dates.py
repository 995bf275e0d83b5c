"""HR's pages for due dates that make sense: the plan's start, a date that has gone by
refused, the preview before assigning, archiving, and reports filtered by plan."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import make_user
from tests.unit.hr.helpers import make_plan, positions
from trainer.clock import local_today
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.models import Department, SkillPlan, User
from trainer.models.plans import PlanAssignment, PlanItem


@pytest.fixture
def shop(app, users, synced):
    positions()
    today = local_today()
    for employee_no, hired in (
        ("P-OLD", date(2019, 5, 1)),
        ("P-NEW", today + timedelta(days=2)),  # starts the day after tomorrow
    ):
        make_user(
            employee_no,
            f"员工{employee_no}",
            {"learner"},
            department_path="测试公司/华北区/北京一店",
            hire_date=hired,
        )
    return db.session.scalar(sa.select(Department).where(Department.name == "北京一店"))


def hr(users):
    return users["hr"]


def test_a_plan_is_created_with_its_start(client, signed_in, shop):
    signed_in("hr")
    start = local_today() + timedelta(days=1)
    client.post(
        "/hr/plans/",
        data={"name": "年度计划", "year": start.year, "kind": "annual", "starts_on": str(start)},
    )
    plan = db.session.scalar(sa.select(SkillPlan))
    assert plan.starts_on == start
    page = client.get(f"/hr/plans/{plan.id}").get_data(as_text=True)
    assert f"{start.year}年{start.month}月{start.day}日 开始" in page  # the Chinese date format


@pytest.mark.parametrize(("offset", "status"), [(-1, 400), (0, 302)])
def test_a_fixed_date_yesterday_is_refused_today_accepted(
    client, signed_in, users, shop, offset, status
):
    signed_in("hr")
    plan = make_plan(hr(users), name="计划", items=[])
    due = local_today() + timedelta(days=offset)
    response = client.post(
        f"/hr/plans/{plan.id}/items",
        data={
            "course": live_course("basics")[0].id,
            "mandatory": "y",
            "due_kind": "fixed",
            "due_date": due.isoformat(),
            "due_days": "",
        },
    )
    assert response.status_code == status
    items = db.session.scalar(sa.select(sa.func.count()).select_from(PlanItem))
    if status == 400:
        assert f"截止日期 {due.isoformat()} 已过" in response.get_data(as_text=True)
        assert items == 0
    else:
        assert items == 1


def test_the_preview_shows_who_gets_which_date_before_anything_is_assigned(
    client, signed_in, users, shop
):
    signed_in("hr")
    today = local_today()
    plan = make_plan(
        hr(users),
        name="计划",
        starts_on=today,
        items=[("basics", "after_hire", 30)],
        targets=[("department", shop)],
    )
    page = client.get(f"/hr/plans/{plan.id}/preview").get_data(as_text=True)
    assert 'data-testid="preview-people">2<' in page
    assert 'data-testid="preview-starting-overdue">0<' in page
    # P-OLD is on staff: today + 30; P-NEW starts in two days: their hire + 30.
    for due in (today + timedelta(days=30), today + timedelta(days=32)):
        shown = f"{due.year}年{due.month}月{due.day}日"
        assert (
            f'<tr data-due="{due.isoformat()}" class=""><td>{shown}</td><td>1</td><td>1</td>'
            in page
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanAssignment)) == 0
    assert f'action="/hr/plans/{plan.id}/sync"' in page
    client.post(f"/hr/plans/{plan.id}/sync")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanAssignment)) == 2


def test_assigning_a_date_that_has_gone_by_is_refused_with_an_explanation(
    client, signed_in, users, shop
):
    signed_in("hr")
    yesterday = local_today() - timedelta(days=1)
    plan = make_plan(
        hr(users),
        name="计划",
        items=[("basics", "fixed", yesterday)],
        targets=[("department", shop)],
        today=yesterday,  # added while the date was still ahead
    )
    preview = client.get(f"/hr/plans/{plan.id}/preview").get_data(as_text=True)
    assert 'data-testid="preview-starting-overdue">2<' in preview
    assert f'action="/hr/plans/{plan.id}/sync"' not in preview  # no button to press
    response = client.post(f"/hr/plans/{plan.id}/sync", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == f"/hr/plans/{plan.id}/preview"
    assert f"的截止日期 {yesterday.isoformat()} 已过：2 人一分配即逾期。未分配任何内容" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanAssignment)) == 0


def test_archiving_hides_a_plan_from_the_default_list_and_restoring_brings_it_back(
    client, signed_in, users, shop
):
    signed_in("hr")
    plan = make_plan(hr(users), name="旧计划", items=[("basics", "after_assignment", 30)])
    assert 'data-plan="旧计划"' in client.get("/hr/plans/").get_data(as_text=True)
    client.post(f"/hr/plans/{plan.id}/archive")
    assert 'data-plan="旧计划"' not in client.get("/hr/plans/").get_data(as_text=True)
    archived = client.get("/hr/plans/?show=archived").get_data(as_text=True)
    assert 'data-plan="旧计划"' in archived and "已归档" in archived
    detail = client.get(f"/hr/plans/{plan.id}").get_data(as_text=True)
    assert 'data-testid="plan-archived"' in detail and 'data-testid="preview-link"' not in detail
    client.post(f"/hr/plans/{plan.id}/restore")
    assert 'data-plan="旧计划"' in client.get("/hr/plans/").get_data(as_text=True)
    assert 'data-plan="旧计划"' not in client.get("/hr/plans/?show=archived").get_data(as_text=True)


def test_the_overdue_report_filtered_by_plan_shows_only_its_people(client, signed_in, users, shop):
    signed_in("hr")
    yesterday = local_today() - timedelta(days=1)
    old = db.session.scalar(sa.select(User).where(User.employee_no == "P-OLD"))
    first = make_plan(
        hr(users),
        name="计划甲",
        items=[("basics", "fixed", yesterday)],
        targets=[("person", old)],
        today=yesterday,
    )
    second = make_plan(
        hr(users),
        name="计划乙",
        items=[("store-service", "fixed", yesterday)],
        targets=[("person", users["learner"])],
        today=yesterday,
    )
    from trainer.hr.plans import service as plans

    plans.sync_plan(hr(users), first, yesterday)
    plans.sync_plan(hr(users), second, yesterday)
    everyone = client.get("/hr/reports/overdue").get_data(as_text=True)
    assert 'data-employee="P-OLD"' in everyone
    assert f'data-employee="{users["learner"].employee_no}"' in everyone
    page = client.get(f"/hr/reports/overdue?plan={first.id}").get_data(as_text=True)
    assert 'data-employee="P-OLD"' in page
    assert f'data-employee="{users["learner"].employee_no}"' not in page
    assert f'<option value="{first.id}" selected>计划甲 ({first.year})</option>' in page
    by_course = client.get(
        f"/hr/reports/overdue?course={live_course('store-service')[0].id}"
    ).get_data(as_text=True)
    assert 'data-employee="P-OLD"' not in by_course
    assert f'data-employee="{users["learner"].employee_no}"' in by_course
