"""Operator commands: create-user and setup [--demo]."""

import sqlalchemy as sa

from tests.conftest import count_rows
from trainer.extensions import db
from trainer.models import User


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["trainer", *args], input=input)


def test_create_user_with_roles_and_department(app):
    result = run(
        app,
        "create-user",
        "--employee-no",
        "C100",
        "--name",
        "张三",
        "--role",
        "assessor",
        "--role",
        "learner",
        "--department",
        "总部/华北区/北京店",
        "--password",
        "a-good-password",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.employee_no == "C100"))
    assert user.roles == {"assessor", "learner"}
    assert user.department.path == "总部/华北区/北京店"
    assert user.check_password("a-good-password")


def test_create_user_refuses_a_taken_employee_number(app):
    args = ("create-user", "--employee-no", "C100", "--name", "张三", "--password", "pw-123456789")
    assert run(app, *args).exit_code == 0
    result = run(app, *args)
    assert result.exit_code != 0
    assert "already taken" in result.output
    assert count_rows(User) == 1


def test_create_user_refuses_a_short_password(app):
    result = run(app, "create-user", "--employee-no", "C1", "--name", "x", "--password", "short")
    assert result.exit_code != 0 and "at least 8" in result.output
    assert count_rows(User) == 0


def test_create_user_refuses_an_unknown_role(app):
    result = run(
        app,
        "create-user",
        "--employee-no",
        "C1",
        "--name",
        "x",
        "--role",
        "boss",
        "--password",
        "long-enough-1",
    )
    assert result.exit_code != 0 and "boss" in result.output


def test_setup_without_demo_creates_no_accounts(app, monkeypatch):
    monkeypatch.setattr("flask_migrate.upgrade", lambda: None)
    result = run(app, "setup")
    assert result.exit_code == 0, result.output
    assert count_rows(User) == 0


def test_setup_demo_creates_one_account_per_role_and_is_idempotent(app, monkeypatch):
    monkeypatch.setattr("flask_migrate.upgrade", lambda: None)
    app.config["DEMO_PASSWORD"] = "demo-pass-42"
    first = run(app, "setup", "--demo")
    assert first.exit_code == 0, first.output
    assert "demo password: demo-pass-42" in first.output
    for role in ("admin", "hr", "trainer", "assessor", "learner"):
        user = db.session.scalar(sa.select(User).where(User.employee_no == f"demo-{role}"))
        assert user is not None and role in user.roles
        assert user.check_password("demo-pass-42")
    staff = db.session.scalars(sa.select(User).where(User.employee_no.like("S%"))).all()
    assert {person.department.name for person in staff} == {"上海一店", "杭州二店"}
    users_before = count_rows(User)
    second = run(app, "setup", "--demo")
    assert second.exit_code == 0
    assert "(already there)" in second.output
    assert count_rows(User) == users_before


def test_demo_has_an_onboarding_plan_for_new_hires(app, monkeypatch):
    from pathlib import Path

    from tests.course_helpers import SHIPPED_COURSES, copy_fixture_courses
    from trainer.models.plans import PlanAssignment, SkillPlan

    copy_fixture_courses(Path(app.config["CONTENT_DIR"]), SHIPPED_COURSES)
    monkeypatch.setattr("flask_migrate.upgrade", lambda: None)
    assert run(app, "setup", "--demo").exit_code == 0
    assert run(app, "setup", "--demo").exit_code == 0  # again: nothing doubles
    [plan] = db.session.scalars(sa.select(SkillPlan)).all()
    assert plan.kind == "onboarding" and len(plan.items) == 3
    assigned = set(
        db.session.scalars(
            sa.select(User.employee_no).join(PlanAssignment, PlanAssignment.user_id == User.id)
        )
    )
    # Sales associates and front-desk staff of the demo stores; not the supervisors.
    assert {"S1001", "S1002", "S2001", "demo-learner"} <= assigned and "S2002" not in assigned
    assert {"S1003", "S2003"} <= assigned  # the new hires waiting for their invitation
    assert count_rows(PlanAssignment) == 18  # 6 people x 3 courses


def _demo_set_up(app, monkeypatch):
    from pathlib import Path

    from tests.course_helpers import SHIPPED_COURSES, copy_fixture_courses

    copy_fixture_courses(Path(app.config["CONTENT_DIR"]), SHIPPED_COURSES)
    monkeypatch.setattr("flask_migrate.upgrade", lambda: None)
    assert run(app, "setup", "--demo").exit_code == 0
    return db.session.scalar(sa.select(User).where(User.employee_no == "demo-learner"))


def test_demo_new_hire_is_due_in_the_coming_weeks_not_overdue(app, monkeypatch):
    from datetime import timedelta

    from trainer.clock import local_today
    from trainer.hr.plans.training import training_of

    learner = _demo_set_up(app, monkeypatch)
    today = local_today()
    assert today - timedelta(days=14) < learner.hire_date <= today
    training = training_of(learner, today)
    due_dates = sorted(view.due_on for view in training.assignments)
    assert len(due_dates) == 3
    assert all(today < due <= today + timedelta(weeks=8) for due in due_dates), due_dates
    assert {view.status for view in training.assignments}.isdisjoint({"overdue"})


def test_demo_assessor_list_is_the_demo_new_hires_assigned_checklists(app, monkeypatch):
    from trainer.assessments import service
    from trainer.clock import local_today

    learner = _demo_set_up(app, monkeypatch)
    pending = service.pending_for([learner], local_today())[learner.id]
    # Assigned by the demo onboarding plan: onboarding (practical and attitude),
    # sales-seven-steps and reception-sop (practical). complaint-sop targets sales
    # associates too, but nobody assigned it to them.
    assert sorted(task.choice.key for task in pending) == [
        "onboarding:attitude",
        "onboarding:practical",
        "reception-sop:practical",
        "sales-seven-steps:practical",
    ]
    assert {task.outcome for task in pending} == {"pending"}


def test_demo_learner_has_notifications_to_open(app, monkeypatch):
    from pathlib import Path

    from tests.course_helpers import SHIPPED_COURSES, copy_fixture_courses
    from trainer.models import OutboxMessage

    copy_fixture_courses(Path(app.config["CONTENT_DIR"]), SHIPPED_COURSES)
    monkeypatch.setattr("flask_migrate.upgrade", lambda: None)

    def kinds_of_demo_learner() -> list[str]:
        return sorted(
            db.session.scalars(
                sa.select(OutboxMessage.kind)
                .join(User, OutboxMessage.recipient_id == User.id)
                .where(User.employee_no == "demo-learner", OutboxMessage.read_at.is_(None))
            )
        )

    assert run(app, "setup", "--demo").exit_code == 0
    first = kinds_of_demo_learner()
    assert first.count("extra_attempt") == 2  # whatever reminders are due today besides
    assert run(app, "setup", "--demo").exit_code == 0  # again: nothing doubles
    assert kinds_of_demo_learner() == first
