"""Reminders through a real local SMTP server (aiosmtpd): sent once, even when two runs
overlap; the same messages appear in the app for people without e-mail."""

import threading
from datetime import date, timedelta
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.conftest import make_user
from tests.unit.hr.helpers import assess, make_plan, positions, take_exam
from tests.unit.hr.smtp import free_port
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.hr.reminders.service import MailSettings, send_reminders
from trainer.models import OutboxMessage, User
from trainer.notifications import notifications_of

TODAY = date(2026, 3, 10)


@pytest.fixture
def due(app, users, synced):
    """Three sales associates: one overdue, one due in 5 days, one (without e-mail) in 5."""
    found = positions()
    for employee_no, email in (("S1", "s1@example.com"), ("S2", "s2@example.com"), ("S3", None)):
        make_user(
            employee_no,
            f"导购{employee_no}",
            {"learner"},
            email=email,
            department_path="测试公司/华东区/上海一店",
            position_code="sales-associate",
        )
    plan = make_plan(
        users["hr"],
        items=[("basics", "fixed", TODAY + timedelta(days=5))],
        targets=[("position", found["sales-associate"])],
        today=TODAY - timedelta(days=30),
    )
    plans.sync_plan(users["hr"], plan, TODAY - timedelta(days=30))
    s1 = db.session.scalar(sa.select(User).where(User.employee_no == "S1"))
    make_plan(
        users["hr"],
        name="补训",
        targets=[("person", s1)],
        items=[("store-service", "fixed", TODAY - timedelta(days=2))],
        today=TODAY - timedelta(days=30),  # drawn up before its date went by
    )
    plans.sync_all(None, TODAY)
    db.session.commit()
    return found


def send(settings):
    return send_reminders(settings, TODAY, days_before=7)


def test_reminders_arrive_once_and_show_in_the_app(due, smtp_server):
    inbox, settings = smtp_server
    report = send(settings)
    # S1's two reminders (one course due soon, one overdue) come as one e-mail.
    assert (report.queued, report.sent, report.failed) == (4, 2, 0)
    assert inbox.subjects() == [
        "[Trainer] 2 项培训提醒",
        "[Trainer] 培训即将到期（2026-03-15）：新员工入门",
    ]
    to_s1 = [m for to, m in inbox.messages if to == ["s1@example.com"]]
    assert len(to_s1) == 1 and to_s1[0]["From"] == "training@example.com"
    # Running again sends nothing new.
    again = send(settings)
    assert (again.queued, again.sent) == (0, 0)
    assert len(inbox.messages) == 2
    # S3 has no e-mail: the reminder is in the app only.
    s3 = db.session.scalar(
        sa.select(OutboxMessage)
        .join(User, OutboxMessage.recipient_id == User.id)
        .where(User.employee_no == "S3")
    )
    assert s3.email_state == "no_email"
    with force_locale("zh_Hans_CN"):
        (shown,) = notifications_of(s3.recipient)
    assert shown.title == "培训即将到期（2026-03-15）：新员工入门"


def test_two_runs_at_once_send_each_reminder_once(due, smtp_server, app):
    inbox, settings = smtp_server
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                reports.append(send(settings))
                db.session.remove()
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(inbox.messages) == 2
    assert sum(r.sent for r in reports) == 2 and sum(r.queued for r in reports) == 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 4


def test_a_passed_course_is_not_reminded(due, smtp_server):
    inbox, settings = smtp_server
    for employee_no in ("S1", "S2"):
        take_exam(
            db.session.scalar(sa.select(User).where(User.employee_no == employee_no)),
            "basics",
            passed=True,
        )
    send(settings)
    assert inbox.subjects() == ["[Trainer] 培训已逾期：门店售中服务"]


def test_smtp_down_marks_failed_and_a_later_run_sends(due, smtp_server):
    inbox, settings = smtp_server
    down = MailSettings("127.0.0.1", free_port(), None, None, False, "training@example.com")
    report = send(down)
    assert report.failed == 2 and report.errors  # two e-mails: S1's digest and S2's
    assert inbox.messages == []
    report = send(settings)
    assert report.sent == 2 and len(inbox.messages) == 2


def test_without_smtp_reminders_wait_in_the_app(due):
    report = send(None)
    assert (report.queued, report.sent, report.mail_configured) == (4, 0, False)


def test_clearance_is_announced_and_results_are_left_to_their_event(
    app, users, synced, smtp_server
):
    inbox, settings = smtp_server
    found = positions()
    learner = make_user(
        "N1",
        "新人",
        {"learner"},
        email="n1@example.com",
        department_path="测试公司/华东区/上海一店",
        position_code="sales-associate",
        hire_date=TODAY,
    )
    make_user(
        "N2",
        "主管",
        {"learner"},
        email="boss@example.com",
        department_path="测试公司/华东区/上海一店",
        position_code="store-supervisor",
    )
    plan = make_plan(
        users["hr"],
        kind="onboarding",
        name="入职",
        items=[("basics", "after_hire", 14)],
        targets=[("new_hires", found["sales-associate"], TODAY)],
    )
    plans.sync_plan(users["hr"], plan, TODAY)
    assess(learner, users["assessor"], "store-service", "practical", passed=True)
    take_exam(learner, "basics", passed=True)
    send_reminders(settings, TODAY, days_before=0)
    by_recipient = {
        tuple(to): str(make_header(decode_header(m["Subject"])))
        for to, m in inbox.messages
        if "上岗" in str(make_header(decode_header(m["Subject"])))
    }
    assert set(by_recipient) == {("n1@example.com",), ("boss@example.com",)}
    assert "新人（N1）" in by_recipient[("boss@example.com",)]
    # A result is announced when it is submitted (tests/unit/notifications), not again by
    # the nightly run.
    subjects = inbox.subjects()
    assert not any("实际操作考核" in s for s in subjects)


def test_the_nightly_command_sends_through_the_configured_server(app, due, smtp_server):
    inbox, settings = smtp_server
    app.config.update(
        SMTP_HOST=settings.host,
        SMTP_PORT=settings.port,
        MAIL_FROM="training@example.com",
        REMINDER_DAYS=7,
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["trainer", "reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "e-mailed" in result.output
    sent = len(inbox.messages)
    assert sent >= 1
    assert runner.invoke(args=["trainer", "reminders", "send"]).exit_code == 0
    assert len(inbox.messages) == sent


def test_plans_sync_command(app, due):
    result = app.test_cli_runner().invoke(args=["trainer", "plans", "sync"])
    assert result.exit_code == 0 and "assignments: 0 added" in result.output
