"""Due dates that make sense (issue 23): current staff count from the plan's start, new
hires from their hire date, a date already gone by is refused, the preview before assigning,
archived plans, and reports filtered by plan and course. Expected values are written by hand."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import make_user
from tests.unit.hr.helpers import make_plan, positions
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.hr.plans.service import PlanError
from trainer.hr.plans.training import training_of
from trainer.hr.reminders.service import queue
from trainer.hr.reports import service as reports
from trainer.models import AuditEvent, Department, User
from trainer.models.plans import PlanAssignment, PlanItem, SkillPlan
from trainer.models.reminders import OutboxMessage

START = date(2026, 3, 1)
SHOP = "测试公司/华北区/北京一店"  # nobody else works here: the group is exactly these people

# employee number, hire date -> due date of "30 days after hire" assigned on the plan's start,
# and of the same item with 2026-05-15 chosen for current staff
STAFF = [
    ("B-2019", date(2019, 5, 1), date(2026, 3, 31), date(2026, 5, 15)),  # the case
    ("B-DAY-BEFORE", date(2026, 2, 28), date(2026, 3, 31), date(2026, 5, 15)),
    ("B-ON-START", date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 31)),
    ("B-DAY-AFTER", date(2026, 3, 2), date(2026, 4, 1), date(2026, 4, 1)),
    ("B-NO-DATE", None, date(2026, 3, 31), date(2026, 5, 15)),
]


@pytest.fixture
def shop(app, users, synced):
    found = positions()
    for employee_no, hired, _due, _staff_due in STAFF:
        make_user(
            employee_no,
            f"员工{employee_no}",
            {"learner"},
            department_path=SHOP,
            position_code="sales-associate",
            hire_date=hired,
        )
    return found


def department():
    return db.session.scalar(sa.select(Department).where(Department.name == "北京一店"))


def due_dates(plan, slug):
    return dict(
        db.session.execute(
            sa.select(User.employee_no, PlanAssignment.due_on)
            .join(PlanAssignment, PlanAssignment.user_id == User.id)
            .join(PlanItem, PlanAssignment.item_id == PlanItem.id)
            .where(PlanItem.plan_id == plan.id, PlanItem.course_id == live_course(slug)[0].id)
        ).all()
    )


def test_current_staff_count_from_the_plan_start_and_new_hires_from_their_hire(shop, users):
    plan = make_plan(
        users["hr"],
        starts_on=START,
        items=[
            ("basics", "after_hire", 30),
            ("store-service", "after_hire", 30, date(2026, 5, 15)),
        ],
        targets=[("department", department())],
        today=START,
    )
    plans.sync_plan(users["hr"], plan, START)
    assert due_dates(plan, "basics") == {no: due for no, _hired, due, _staff in STAFF}
    assert due_dates(plan, "store-service") == {no: staff for no, _hired, _due, staff in STAFF}


def test_someone_given_the_plan_after_the_date_went_by_gets_the_days_from_then(shop, users):
    plan = make_plan(
        users["hr"],
        starts_on=START,
        items=[("basics", "after_hire", 30)],
        targets=[("department", department())],
        today=START,
    )
    plans.sync_plan(users["hr"], plan, START)
    make_user(
        "B-MOVED", "调来的老员工", {"learner"}, department_path=SHOP, hire_date=date(2020, 1, 1)
    )
    june = date(2026, 6, 1)
    result = plans.sync_plan(users["hr"], plan, june)
    assert (result.added, result.redated) == (1, 0)  # the others keep their dates
    assert due_dates(plan, "basics")["B-MOVED"] == date(2026, 7, 1)


def test_a_new_start_gives_current_staff_new_dates_at_the_next_assignment(shop, users):
    plan = make_plan(
        users["hr"],
        starts_on=START,
        items=[("basics", "after_hire", 30)],
        targets=[("department", department())],
        today=START,
    )
    plans.sync_plan(users["hr"], plan, START)
    plans.update_plan(
        users["hr"], plan, plan.name, plan.year, plan.kind, starts_on=START.replace(day=2)
    )
    result = plans.sync_plan(users["hr"], plan, START)
    # Current staff (2019, the day before, no date) move a day; B-ON-START is now current staff
    # too (start + 30 = 04-01, one day later); B-DAY-AFTER is hired on the new start: unchanged.
    assert result.redated == 4
    assert due_dates(plan, "basics")["B-2019"] == date(2026, 4, 1)
    assert due_dates(plan, "basics")["B-DAY-AFTER"] == date(2026, 4, 1)


TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("due_kind", "field", "offset", "refused"),
    [
        ("fixed", "due_date", -1, "due-date-passed"),
        ("fixed", "due_date", 0, None),
        ("fixed", "due_date", 1, None),
        ("after_hire", "staff_due_date", -1, "staff-due-date-passed"),
        ("after_hire", "staff_due_date", 0, None),
    ],
)
def test_a_date_that_has_gone_by_is_refused_and_nothing_is_saved(
    shop, users, due_kind, field, offset, refused
):
    plan = plans.create_plan(users["hr"], "2026 年度计划", 2026, "annual")
    events_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    arguments = {field: TODAY + timedelta(days=offset), "today": TODAY}
    if due_kind != "fixed":
        arguments["due_days"] = 30
    if refused:
        with pytest.raises(PlanError) as error:
            plans.add_item(users["hr"], plan, live_course("basics")[0], True, due_kind, **arguments)
        assert error.value.code == refused
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanItem)) == 0
        events_after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        assert events_after == events_before
    else:
        item = plans.add_item(
            users["hr"], plan, live_course("basics")[0], True, due_kind, **arguments
        )
        assert getattr(item, field) == TODAY + timedelta(days=offset)


def test_the_preview_counts_who_gets_which_date_for_a_mixed_group(shop, users):
    # Starts on 03-01, previewed on 03-10: current staff get 03-31, the hire of 03-02 04-01.
    plan = make_plan(
        users["hr"],
        starts_on=START,
        items=[("basics", "after_hire", 30), ("store-service", "fixed", date(2026, 6, 30))],
        targets=[("department", department())],
        today=TODAY,
    )
    found = plans.preview(plan, TODAY)
    assert found.people == 5
    assert (found.result.added, found.result.withdrawn, found.result.redated) == (10, 0, 0)
    basics, store_service = found.items
    assert basics.due_dates == [(date(2026, 3, 31), 4, 4), (date(2026, 4, 1), 1, 1)]
    assert store_service.due_dates == [(date(2026, 6, 30), 5, 5)]
    assert (basics.starting_overdue, store_service.starting_overdue) == (0, 0)
    assert found.starting_overdue == 0
    # The preview wrote nothing.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanAssignment)) == 0
    # After assigning, one newcomer: the preview shows the one new person among the five dates.
    plans.sync_plan(users["hr"], plan, TODAY)
    make_user("B-NEW", "新员工", {"learner"}, department_path=SHOP, hire_date=date(2026, 3, 12))
    again = plans.preview(plan, TODAY)
    assert again.items[0].due_dates == [
        (date(2026, 3, 31), 4, 0),
        (date(2026, 4, 1), 1, 0),
        (date(2026, 4, 11), 1, 1),
    ]
    assert again.result.added == 2


def test_assigning_a_date_that_has_gone_by_is_refused_and_writes_nothing(shop, users):
    plan = make_plan(
        users["hr"],
        items=[("basics", "after_assignment", 30), ("store-service", "fixed", date(2026, 3, 9))],
        targets=[("department", department())],
        today=date(2026, 3, 1),  # the date was still ahead when HR added the course
    )
    assert plans.preview(plan, TODAY).starting_overdue == 5
    with pytest.raises(PlanError) as error:
        plans.sync_plan(users["hr"], plan, TODAY)
    assert error.value.code == "would-start-overdue"
    assert error.value.params["num"] == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanAssignment)) == 0
    assert db.session.get(SkillPlan, plan.id).synced_at is None
    # On the date itself it is still accepted: due today is not overdue.
    assert plans.sync_plan(users["hr"], plan, date(2026, 3, 9)).added == 10


def test_an_archived_plan_reminds_nobody_and_leaves_the_default_lists(shop, users):
    plan = make_plan(
        users["hr"],
        items=[("basics", "fixed", TODAY + timedelta(days=3))],
        targets=[("department", department())],
        today=TODAY,
    )
    plans.sync_plan(users["hr"], plan, TODAY)
    someone = db.session.scalar(sa.select(User).where(User.employee_no == "B-2019"))
    plans.archive_plan(users["hr"], plan)
    assert plan not in plans.plans()
    assert plans.plans(archived=True) == [plan]
    assert queue(TODAY, days_before=7) == 0
    assert training_of(someone, TODAY).assignments == []
    assert plans.plans_to_sync(TODAY) == []
    with pytest.raises(PlanError) as error:
        plans.sync_plan(users["hr"], plan, TODAY)
    assert error.value.code == "plan-archived"
    # Restored, it is back, and the five people are reminded of the date three days away.
    plans.restore_plan(users["hr"], plan)
    assert plans.plans() == [plan] and plans.plans(archived=True) == []
    assert queue(TODAY, days_before=7) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 5


def test_reports_filtered_by_plan_show_only_its_people_and_by_course_only_that_course(shop, users):
    overdue_day = TODAY - timedelta(days=1)
    first = make_plan(
        users["hr"],
        name="计划甲",
        items=[("basics", "fixed", overdue_day)],
        targets=[
            ("person", db.session.scalar(sa.select(User).where(User.employee_no == "B-2019")))
        ],
        today=overdue_day,
    )
    second = make_plan(
        users["hr"],
        name="计划乙",
        items=[("store-service", "fixed", overdue_day)],
        targets=[("department", department())],
        today=overdue_day,
    )
    plans.sync_plan(users["hr"], first, overdue_day)
    plans.sync_plan(users["hr"], second, overdue_day)

    def people(report_rows):
        return sorted({person.employee_no for person, _view in report_rows})

    everyone = ["B-2019", "B-DAY-AFTER", "B-DAY-BEFORE", "B-NO-DATE", "B-ON-START"]
    assert people(reports.overdue(reports.Filters(), TODAY)) == everyone
    only_first = reports.Filters(plan_id=first.id)
    assert people(reports.overdue(only_first, TODAY)) == ["B-2019"]
    assert [p.employee_no for p in reports.matrix(only_first, TODAY).people] == ["B-2019"]
    assert [c.slug for c in reports.matrix(only_first, TODAY).courses] == ["basics"]
    only_basics = reports.Filters(course_id=live_course("basics")[0].id)
    rows = reports.overdue(only_basics, TODAY)
    assert [(p.employee_no, view.course.slug) for p, view in rows] == [("B-2019", "basics")]
    assert [c.slug for c in reports.matrix(only_basics, TODAY).courses] == ["basics"]
    assert [r.course.slug for r in reports.course_results(only_basics)] == ["basics"]
    # An archived plan leaves the unfiltered overdue list; asked for by name it still shows.
    plans.archive_plan(users["hr"], second)
    assert people(reports.overdue(reports.Filters(), TODAY)) == ["B-2019"]
    assert len(people(reports.overdue(reports.Filters(plan_id=second.id), TODAY))) == 5
