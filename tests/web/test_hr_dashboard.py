"""HR's home page is a dashboard: what needs doing, each figure linking to its list, within
the people HR manages, at a fixed number of queries whatever the head count."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import make_user, recorded_statements, sign_in
from tests.course_helpers import give_certificate
from tests.unit.hr.helpers import make_plan, pass_course, positions
from trainer.clock import local_today
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.hr.reports.dashboard import dashboard_of
from trainer.models import Department, User
from trainer.models.plans import SkillPlan


def hire_staff(
    count: int, start: int = 1, department="测试公司/华东区/上海一店", hired_days_ago=10
):
    return [
        make_user(
            f"S{number:04d}",
            f"店员{number}",
            {"learner"},
            department_path=department,
            position_code="sales-associate",
            hire_date=local_today() - timedelta(days=hired_days_ago),
        )
        for number in range(start, start + count)
    ]


def overdue_onboarding_plan(hr):
    """An onboarding plan for every sales associate whose course was due yesterday."""
    found = positions()
    plan = make_plan(
        hr,
        name="新员工入职",
        year=local_today().year,
        kind="onboarding",
        items=[("basics", "fixed", local_today() - timedelta(days=1))],
        targets=[("position", found["sales-associate"])],
        today=local_today() - timedelta(days=2),
    )
    plans.sync_plan(hr, plan, local_today() - timedelta(days=2))
    return plan


def figure(page: str, name: str) -> int:
    return int(
        re.search(rf'data-testid="figure-{name}"[^>]*>\s*<strong data-count="(\d+)"', page).group(1)
    )


@pytest.fixture
def day(app, users, synced):
    positions()
    hire_staff(3)
    hire_staff(1, start=100, department="测试公司/华东区/杭州二店", hired_days_ago=45)
    # A second HR officer on the same plan: only an administrator manages them.
    make_user(
        "H0002",
        "人事小吴",
        {"hr", "learner"},
        department_path="测试公司/华东区/上海一店",
        position_code="sales-associate",
        hire_date=local_today() - timedelta(days=10),
    )
    overdue_onboarding_plan(users["hr"])
    return users


def test_hr_home_shows_the_day_with_each_figure_linking_to_its_list(client, signed_in, day):
    signed_in("hr")
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="hr-dashboard"' in page
    assert figure(page, "onboarding") == 4  # 3 in 上海一店 + 1 in 杭州二店, not H0002
    assert figure(page, "overdue") == 4
    assert figure(page, "appeals") == 0
    assert 'href="/hr/reports/onboarding"' in page and 'href="/hr/reports/overdue"' in page
    assert 'href="/hr/reports/expiring"' in page and 'href="/assessments/appeals"' in page
    # Longest since hire first, with the days.
    rows = re.findall(
        r'<tr data-employee="(S\d+)">.*?data-testid="days-since-hire">(\d+)<', page, re.S
    )
    assert rows[0] == ("S0100", "45") and ("S0001", "10") in rows
    shanghai = db.session.scalar(sa.select(Department).where(Department.name == "上海一店"))
    link = f'href="/hr/reports/overdue?department={shanghai.id}"'
    assert link in page
    # The list the figure links to counts the same people.
    listed = client.get(f"/hr/reports/overdue?department={shanghai.id}").get_data(as_text=True)
    assert sorted(re.findall(r'data-employee="(\w+)" data-course', listed)) == [
        "S0001",
        "S0002",
        "S0003",
    ]
    # The charts of the reports page, fed the same way.
    assert 'id="hr-charts" data-charts=' in page and "<script>" not in page
    # HR's cards give way to the dashboard.
    assert 'data-testid="home-reports-index"' not in page


def test_an_administrator_also_sees_hr_staff(client, signed_in, day):
    signed_in("admin")
    page = client.get("/").get_data(as_text=True)
    assert figure(page, "onboarding") == 5 and figure(page, "overdue") == 5
    assert 'data-employee="H0002"' in client.get("/hr/reports/overdue").get_data(as_text=True)


def test_hr_reports_leave_out_whom_hr_does_not_manage(client, signed_in, day):
    signed_in("hr")
    assert 'data-employee="H0002"' not in client.get("/hr/reports/overdue").get_data(as_text=True)
    assert 'data-employee="H0002"' not in client.get("/hr/reports/onboarding").get_data(
        as_text=True
    )


def test_a_learner_home_has_no_dashboard(client, day):
    sign_in(client, "S0001")
    assert 'data-testid="hr-dashboard"' not in client.get("/").get_data(as_text=True)


def test_certificates_expiring_at_60_days_count_at_61_do_not(client, signed_in, day):
    people = hire_staff(2, start=200)
    in_range = datetime.combine(local_today() + timedelta(days=60), time(12))
    out_of_range = datetime.combine(local_today() + timedelta(days=61), time(0))
    inside = give_certificate(people[0], "basics", expires_at=in_range)
    outside = give_certificate(people[1], "basics", expires_at=out_of_range)
    signed_in("hr")
    page = client.get("/").get_data(as_text=True)
    assert figure(page, "expiring") == 1
    assert inside.serial in page and outside.serial not in page


def test_cleared_hires_leave_the_onboarding_figure(client, signed_in, day):
    done = db.session.scalar(sa.select(User).where(User.employee_no == "S0001"))
    pass_course(done, "basics", assessor=day["assessor"])
    signed_in("hr")
    page = client.get("/").get_data(as_text=True)
    assert figure(page, "onboarding") == 3
    assert figure(page, "overdue") == 3


def test_the_dashboard_costs_the_same_queries_for_5_and_50_people(app, users, synced):
    positions()
    hire_staff(5)
    overdue_onboarding_plan(users["hr"])
    today = local_today()
    with recorded_statements() as few:
        small = dashboard_of(users["hr"], today)
    hire_staff(45, start=6)
    # The plan reaches the new hires too (the position is its target).
    plan = db.session.scalar(sa.select(SkillPlan))
    plans.sync_plan(users["hr"], plan, today - timedelta(days=2))
    db.session.expire_all()
    with recorded_statements() as many:
        large = dashboard_of(users["hr"], today)
    assert small.onboarding_waiting == 5 and large.onboarding_waiting == 50
    assert small.overdue_people == 5 and large.overdue_people == 50
    assert len(many) == len(few)


def test_an_hr_export_leaves_out_whom_hr_does_not_manage(client, signed_in, day):
    from tests.web.test_hr_reports import _export

    signed_in("hr")
    table = _export(client, "overdue", "csv").data.decode("utf-8-sig")
    assert "S0001" in table and "H0002" not in table
    client.post("/auth/logout")
    signed_in("admin")
    assert "H0002" in _export(client, "overdue", "csv").data.decode("utf-8-sig")


def test_the_home_page_costs_the_same_queries_for_5_and_50_people(
    app, client, signed_in, users, synced
):
    positions()
    hire_staff(5)
    plan = overdue_onboarding_plan(users["hr"])
    signed_in("hr")
    client.get("/")  # the first request loads what every later one has cached
    with recorded_statements() as few:
        assert b'data-count="5"' in client.get("/").data
    hire_staff(45, start=6)
    plans.sync_plan(users["hr"], plan, local_today() - timedelta(days=2))
    with recorded_statements() as many:
        assert b'data-count="50"' in client.get("/").data
    assert len(many) == len(few)


def test_the_onboarding_export_gives_the_clearing_moment_in_company_time(client, signed_in, day):
    from tests.course_helpers import read_every_lesson
    from tests.unit.hr.helpers import take_exam
    from tests.web.test_hr_reports import _export

    person = db.session.scalar(sa.select(User).where(User.employee_no == "S0001"))
    read_every_lesson(person, "basics", at=datetime(2026, 3, 1, 20, 0))
    # 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai.
    take_exam(person, "basics", passed=True, at=datetime(2026, 3, 1, 23, 30))
    signed_in("hr")
    table = _export(client, "onboarding", "csv").data.decode("utf-8-sig")
    row = next(line for line in table.splitlines() if line.startswith("S0001,"))
    assert row.endswith(",2026-03-02 07:30")


def test_the_figures_read_well_in_english(client, signed_in, day):
    signed_in("hr")
    client.post("/language", data={"locale": "en", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "people overdue · 4 courses" in page
    assert "certificates expiring · within 60 days" in page
    assert "New hires not yet cleared to take up the post" in page
