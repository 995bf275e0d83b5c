"""HR sends the reminders now from the web, within who-manages-whom, and sees what was sent to
whom and when; HR marks the positions that manage their department."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import make_user
from tests.unit.hr.helpers import make_plan, positions
from tests.unit.hr.smtp import parts_of, running_smtp_server
from trainer.clock import local_today
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.models import AuditEvent, OutboxMessage, Position, User


@pytest.fixture
def inbox(app):
    with running_smtp_server() as (box, settings):
        app.config.update(
            SMTP_HOST=settings.host,
            SMTP_PORT=settings.port,
            BASE_URL="https://training.example.com",
            REMINDER_DAYS=7,
        )
        yield box


@pytest.fixture
def overdue(app, users, synced):
    """X1 (e-mail) has two overdue courses; so has the HR colleague H2 (out of HR's reach)."""
    today = local_today()
    found = positions()
    make_user(
        "X1",
        "导购小李",
        {"learner"},
        email="x1@example.com",
        department_path="测试公司/华东区/上海一店",
        position_code="sales-associate",
    )
    colleague = make_user(
        "H2", "人事小王", {"learner", "hr"}, email="h2@example.com", position_code="sales-associate"
    )
    make_plan(
        users["hr"],
        items=[
            ("basics", "fixed", today - timedelta(days=3)),
            ("store-service", "fixed", today - timedelta(days=1)),
        ],
        targets=[("position", found["sales-associate"])],
        today=today - timedelta(days=30),
    )
    plans.sync_all(None, today)
    db.session.commit()
    return colleague


def outbox_of(employee_no: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .join(User, OutboxMessage.recipient_id == User.id)
            .where(User.employee_no == employee_no)
        )
    )


def test_hr_sends_now_and_sees_what_was_sent(client, signed_in, overdue, inbox):
    signed_in("hr")
    response = client.post("/hr/reminders/send", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 条提醒正在发送" in page
    # One e-mail for X1's two courses; nothing for the HR colleague, who is not HR's to manage.
    ((to, message),) = inbox.messages
    assert to == ["x1@example.com"]
    assert "https://training.example.com/training/" in parts_of(message)["text/plain"]
    assert outbox_of("H2") == []
    # The list: to whom, what, and that it went by e-mail.
    assert page.count('data-employee="X1"') == 2
    assert "已于" in page and "发送至 x1@example.com" in page
    assert 'data-employee="H2"' not in page
    # Pressing again the same day tells nobody twice.
    page = client.post("/hr/reminders/send", follow_redirects=True).get_data(as_text=True)
    assert "今天没有尚未发送的提醒" in page
    assert len(inbox.messages) == 1


def test_hr_sends_to_one_person_by_employee_number(client, signed_in, overdue, inbox, users):
    make_user(
        "X2",
        "导购小赵",
        {"learner"},
        email="x2@example.com",
        position_code="sales-associate",
    )
    plans.sync_all(None, local_today())
    db.session.commit()
    signed_in("hr")
    client.post("/hr/reminders/send", data={"employee_no": " X2 "})
    assert [to for to, _message in inbox.messages] == [["x2@example.com"]]
    assert outbox_of("X1") == []


def test_hr_outside_their_reach_is_refused(client, signed_in, overdue, inbox):
    signed_in("hr")
    page = client.post(
        "/hr/reminders/send", data={"employee_no": "H2"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "您无权向 H2 发送提醒" in page
    assert inbox.messages == [] and outbox_of("H2") == []


def test_an_administrator_may_remind_hr(client, signed_in, overdue, inbox):
    signed_in("admin")
    client.post("/hr/reminders/send", data={"employee_no": "H2"})
    assert [to for to, _message in inbox.messages] == [["h2@example.com"]]


def test_an_unknown_employee_number_is_explained(client, signed_in, overdue, inbox):
    signed_in("hr")
    page = client.post(
        "/hr/reminders/send", data={"employee_no": "NOBODY"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "没有在职人员的工号为 NOBODY" in page
    assert inbox.messages == []


def test_the_sent_list_pages(client, signed_in, overdue, users):
    learner = users["learner"]
    today = local_today()
    db.session.add_all(
        OutboxMessage(
            kind="overdue",
            subject_type="assignment",
            subject_id=number,
            recipient_id=learner.id,
            due_on=today,
            params={"course": f"课程{number}", "plan": "计划", "date": today.isoformat()},
            email_state="no_email",
            attempts=0,
        )
        for number in range(101)
    )
    db.session.commit()
    signed_in("hr")
    first = client.get("/hr/reminders/").get_data(as_text=True)
    assert 'data-total="101"' in first and first.count('data-employee="L0001"') == 100
    second = client.get("/hr/reminders/?page=2").get_data(as_text=True)
    assert second.count('data-employee="L0001"') == 1


def test_hr_marks_a_position_as_managing_its_department(client, signed_in, users):
    found = positions()
    manager = found["store-manager"]
    assert manager.manages_department is False
    signed_in("hr")
    response = client.post(
        f"/hr/organisation/positions/{manager.id}/manages",
        data={"manages": "1"},
        follow_redirects=True,
    )
    assert "每周收到本部门逾期汇总" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Position, manager.id).manages_department is True
    (event,) = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "position.manages_department")
    )
    page = client.get("/hr/organisation").get_data(as_text=True)
    assert 'data-manages="yes"' in page
    client.post(f"/hr/organisation/positions/{manager.id}/manages", data={"manages": "0"})
    db.session.expire_all()
    assert db.session.get(Position, manager.id).manages_department is False
