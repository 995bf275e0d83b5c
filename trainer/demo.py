"""Demo organisation and accounts for `flask trainer setup --demo`. Idempotent."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from trainer.extensions import db
from trainer.hr.people.service import NewUser, create_user, ensure_position
from trainer.models import User

COMPANY = "示例服务集团"
STORE_A = f"{COMPANY}/华东区/上海一店"
STORE_B = f"{COMPANY}/华东区/杭州二店"

POSITIONS = (
    ("front-desk", "前台接待"),
    ("sales-associate", "导购"),
    ("store-supervisor", "门店主管"),
    ("store-manager", "店长"),
    ("property-service", "物业客服"),
    ("station-agent", "客运服务员"),
    ("cs-agent", "客服专员"),
    ("tour-guide", "导游"),
)

# The last field: how many days before the day of setup the person was hired. Dates are
# relative to today so a demo set up at any time tells the same story: the demo new hire
# started a few days ago and has weeks to go; two colleagues hired earlier are overdue, so
# HR's reports have something to show.
DEMO_ACCOUNTS = (
    ("demo-admin", "演示管理员", {"admin", "learner"}, STORE_A, "store-manager", 900),
    ("demo-hr", "演示人事", {"hr", "learner"}, STORE_A, "store-manager", 700),
    ("demo-trainer", "演示培训师", {"trainer", "learner"}, STORE_A, "store-supervisor", 600),
    ("demo-assessor", "演示考核员", {"assessor", "learner"}, STORE_A, "store-supervisor", 500),
    ("demo-learner", "演示新员工", {"learner"}, STORE_A, "sales-associate", 3),
    ("S1001", "王芳", {"learner"}, STORE_A, "sales-associate", 45),
    ("S1002", "李强", {"learner"}, STORE_A, "front-desk", 20),
    ("S2001", "陈静", {"learner"}, STORE_B, "sales-associate", 10),
    ("S2002", "赵磊", {"learner"}, STORE_B, "store-supervisor", 400),
)
# New hires of the last year get the demo onboarding plan.
NEW_HIRE_DAYS = 365

# Imported new hires who have not signed in yet (no password): HR invites them from the
# people page, and they appear on the printable sheet of their store.
DEMO_NEW_HIRES = (
    ("S1003", "刘洋", STORE_A, "sales-associate"),
    ("S2003", "孙丽", STORE_B, "front-desk"),
)


def ensure_positions() -> None:
    for code, name in POSITIONS:
        ensure_position(code, name)


def create_demo_accounts(password: str) -> list[tuple[str, str, bool]]:
    """Create what is missing; returns (sign-in name, display name, created now)."""
    from trainer.clock import local_today

    ensure_positions()
    today = local_today()
    report = []
    for employee_no, name, roles, department, position, hired_days_ago in DEMO_ACCOUNTS:
        exists = db.session.scalar(sa.select(User.id).where(User.employee_no == employee_no))
        if not exists:
            account = create_user(
                NewUser(
                    employee_no=employee_no,
                    display_name=name,
                    password=password,
                    roles=frozenset(roles),
                    department_path=department,
                    position_code=position,
                    hire_date=today - timedelta(days=hired_days_ago),
                )
            )
            # The shared demo accounts count as in use: an invitation sheet must not print
            # a code that takes one of them over.
            account.last_signed_in_at = account.created_at
        report.append((employee_no, name, not exists))
    _create_demo_new_hires()
    _assign_demo_assessor()
    db.session.commit()
    _create_demo_onboarding_plan()
    db.session.commit()
    _demo_notifications()
    return report


def _create_demo_new_hires() -> None:
    from trainer.clock import local_today

    for employee_no, name, department, position in DEMO_NEW_HIRES:
        if db.session.scalar(sa.select(User.id).where(User.employee_no == employee_no)):
            continue
        create_user(
            NewUser(
                employee_no=employee_no,
                display_name=name,
                password=None,
                department_path=department,
                position_code=position,
                hire_date=local_today(),
            )
        )


DEMO_PLAN = "新员工入职培训（演示）"
DEMO_PLAN_ITEMS = (("onboarding", 14), ("sales-seven-steps", 30), ("reception-sop", 30))


def _create_demo_onboarding_plan() -> None:
    """An onboarding plan for the demo stores' new hires, so HR sees assignments, due dates
    and overdue people right away. Created once; later runs only re-sync it."""
    from trainer.clock import local_today
    from trainer.hr.plans import service as plans
    from trainer.models import CourseRecord, Position
    from trainer.models.plans import SkillPlan

    today = local_today()
    plan = db.session.scalar(sa.select(SkillPlan).where(SkillPlan.name == DEMO_PLAN))
    if plan is None:
        hr = db.session.scalar(sa.select(User).where(User.employee_no == "demo-hr"))
        courses = {record.slug: record for record in db.session.scalars(sa.select(CourseRecord))}
        if hr is None or any(slug not in courses for slug, _days in DEMO_PLAN_ITEMS):
            return  # content not loaded: nothing to assign
        plan = plans.create_plan(
            hr, DEMO_PLAN, today.year, "onboarding", "演示：导购和前台新员工入职后必学的课程。"
        )
        for slug, days in DEMO_PLAN_ITEMS:
            plans.add_item(hr, plan, courses[slug], True, "after_hire", due_days=days)
        for code in ("sales-associate", "front-desk"):
            position = db.session.scalar(sa.select(Position).where(Position.code == code))
            plans.add_target(
                hr,
                plan,
                "new_hires",
                position=position,
                hired_since=today - timedelta(days=NEW_HIRE_DAYS),
            )
    plans.sync_plan(None, plan, today)


DEMO_EXTRA_ATTEMPT_REASON = "演示：考试时网络中断，补一次考试机会。"
DEMO_EXTRA_ATTEMPT_COURSES = ("onboarding", "sales-seven-steps")


def _demo_notifications() -> None:
    """So the bell shows something after `make run`: the reminders due today (the scheduler
    would queue them within the hour) and an extra exam attempt on two of the demo new hire's
    courses, each through the service that tells people in real use. Once only."""
    from flask import current_app

    from trainer.clock import local_today
    from trainer.hr.reminders.service import queue
    from trainer.models import CourseRecord, QuizExtraAttempt
    from trainer.quizzes.service import QuizError, grant_extra_attempt

    queue(local_today(), current_app.config["REMINDER_DAYS"])
    people = {
        user.employee_no: user
        for user in db.session.scalars(
            sa.select(User).where(User.employee_no.in_(("demo-learner", "demo-trainer")))
        )
    }
    if len(people) < 2:
        return
    learner = people["demo-learner"]
    granted = db.session.scalar(
        sa.select(QuizExtraAttempt.id).where(QuizExtraAttempt.user_id == learner.id).limit(1)
    )
    records = db.session.scalars(
        sa.select(CourseRecord)
        .where(CourseRecord.slug.in_(DEMO_EXTRA_ATTEMPT_COURSES))
        .order_by(CourseRecord.slug)
    ).all()
    db.session.commit()
    if granted is not None:
        return
    for record in records:
        if record.current_version is None:
            continue  # content not loaded
        try:
            grant_extra_attempt(people["demo-trainer"], learner, record, DEMO_EXTRA_ATTEMPT_REASON)
        except QuizError:
            pass  # passed already: no attempt to grant


def _assign_demo_assessor() -> None:
    """The demo assessor may assess everyone in the demo company (both stores)."""
    from trainer.models import AssessorAssignment, Department

    assessor = db.session.scalar(sa.select(User).where(User.employee_no == "demo-assessor"))
    company = db.session.scalar(
        sa.select(Department).where(Department.name == COMPANY, Department.parent_id.is_(None))
    )
    if assessor is None or company is None:
        return
    exists = db.session.scalar(
        sa.select(AssessorAssignment.id).where(
            AssessorAssignment.assessor_id == assessor.id,
            AssessorAssignment.department_id == company.id,
        )
    )
    if not exists:
        db.session.add(AssessorAssignment(assessor_id=assessor.id, department_id=company.id))
