"""One reminder e-mail per person (HTML and plain text, with the link to the training), and
the managers' weekly digest of their department's overdue people, through a real local SMTP
server (aiosmtpd)."""

from datetime import date, timedelta
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa

from tests.conftest import make_user
from tests.unit.hr.helpers import make_plan, positions
from tests.unit.hr.smtp import parts_of
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.hr.reminders.service import deliver, queue_manager_digests, send_reminders
from trainer.models import OutboxMessage, User

TODAY = date(2026, 3, 10)  # a Tuesday
BASE_URL = "https://training.example.com"


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def person(employee_no: str) -> User:
    return db.session.scalar(sa.select(User).where(User.employee_no == employee_no))


def rows_of(employee_no: str, kind: str | None = None) -> list[OutboxMessage]:
    statement = (
        sa.select(OutboxMessage)
        .join(User, OutboxMessage.recipient_id == User.id)
        .where(User.employee_no == employee_no)
        .order_by(OutboxMessage.id)
    )
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(statement))


@pytest.fixture
def overdue_twice(app, users, synced):
    """A1 (e-mail) and A2 (no e-mail) each have two overdue courses."""
    found = positions()
    for employee_no, email in (("A1", "a1@example.com"), ("A2", None)):
        make_user(
            employee_no,
            f"导购{employee_no}",
            {"learner"},
            email=email,
            department_path="测试公司/华东区/上海一店",
            position_code="sales-associate",
        )
    make_plan(
        users["hr"],
        items=[
            ("basics", "fixed", TODAY - timedelta(days=3)),
            ("store-service", "fixed", TODAY - timedelta(days=1)),
        ],
        targets=[("position", found["sales-associate"])],
        today=TODAY - timedelta(days=30),
    )
    plans.sync_all(None, TODAY)
    db.session.commit()
    return found


def test_two_overdue_courses_come_in_one_email_with_html_text_and_the_link(
    overdue_twice, smtp_server
):
    inbox, settings = smtp_server
    report = send_reminders(settings, TODAY, days_before=7, base_url=BASE_URL)
    assert (report.queued, report.sent, report.failed) == (4, 1, 0)
    ((to, message),) = inbox.messages
    assert to == ["a1@example.com"]
    assert subject_of(message) == "[Trainer] 2 项培训提醒"
    assert message.get_content_type() == "multipart/alternative"
    parts = parts_of(message)
    assert set(parts) == {"text/plain", "text/html"}
    text, html = parts["text/plain"], parts["text/html"]
    for part in (text, html):
        assert "培训已逾期：新员工入门" in part
        assert "培训已逾期：门店售中服务" in part
    assert text.count(f"{BASE_URL}/training/") == 2
    assert f'href="{BASE_URL}/training/' in html
    # Both rows are marked sent; sending again sends nothing.
    assert {row.email_state for row in rows_of("A1")} == {"sent"}
    assert deliver(settings).sent == 0


def test_a_person_without_email_gets_the_in_app_notifications_only(overdue_twice, smtp_server):
    inbox, settings = smtp_server
    send_reminders(settings, TODAY, days_before=7, base_url=BASE_URL)
    assert [to for to, _message in inbox.messages] == [["a1@example.com"]]
    rows = rows_of("A2")
    # In the app each course stays a notification of its own, linking to the training.
    assert [(row.kind, row.email_state) for row in rows] == [
        ("overdue", "no_email"),
        ("overdue", "no_email"),
    ]
    assert {row.link for row in rows} == {"/training/"}


def test_reminders_of_different_people_are_not_merged(overdue_twice, smtp_server):
    inbox, settings = smtp_server
    person("A2").email = "a2@example.com"
    db.session.commit()
    plans.sync_all(None, TODAY)
    db.session.commit()
    send_reminders(settings, TODAY, days_before=7)
    assert sorted(to[0] for to, _message in inbox.messages) == ["a1@example.com", "a2@example.com"]


# --- the managers' weekly digest ---------------------------------------------------------------


@pytest.fixture
def stores(app, users, synced):
    """Two stores of one region. Overdue: O1 (store 1, two courses) and O2 (store 2). Not
    overdue: F1 (store 1, due next week). Managers: M1 (store 1), M2 (store 2), R1 (the
    region); S1 is a supervisor of store 1 whose position does not manage."""
    found = positions()
    manager = found["store-manager"]
    manager.manages_department = True
    db.session.commit()
    one, two = "测试公司/华东区/上海一店", "测试公司/华东区/上海二店"
    for employee_no, path, position, email in (
        ("M1", one, "store-manager", "m1@example.com"),
        ("M2", two, "store-manager", None),
        ("R1", "测试公司/华东区", "store-manager", "r1@example.com"),
        ("S1", one, "store-supervisor", "s1@example.com"),
    ):
        make_user(
            employee_no,
            f"经理{employee_no}",
            {"learner"},
            email=email,
            department_path=path,
            position_code=position,
        )
    for employee_no, path in (("O1", one), ("O2", two), ("F1", one)):
        make_user(
            employee_no,
            f"导购{employee_no}",
            {"learner"},
            department_path=path,
            position_code="sales-associate",
        )
    late = [("basics", "fixed", TODAY - timedelta(days=2))]
    make_plan(
        users["hr"],
        name="一店补训",
        items=late + [("store-service", "fixed", TODAY - timedelta(days=1))],
        targets=[("person", person("O1"))],
        today=TODAY - timedelta(days=30),
    )
    make_plan(
        users["hr"],
        name="二店补训",
        items=late,
        targets=[("person", person("O2"))],
        today=TODAY - timedelta(days=30),
    )
    make_plan(
        users["hr"],
        name="下周",
        items=[("basics", "fixed", TODAY + timedelta(days=7))],
        targets=[("person", person("F1"))],
        today=TODAY - timedelta(days=30),
    )
    plans.sync_all(None, TODAY)
    db.session.commit()
    return found


def digest_people(employee_no: str) -> list[str]:
    (row,) = rows_of(employee_no, "team_overdue")
    return [entry["no"] for entry in row.params["people"]]


def test_each_manager_hears_of_exactly_their_departments_overdue_people(stores):
    assert queue_manager_digests(TODAY) == 3
    assert digest_people("M1") == ["O1"]
    assert digest_people("M2") == ["O2"]
    # The region's manager: every store below it.
    assert digest_people("R1") == ["O1", "O2"]
    # A supervisor whose position is not marked managing gets no digest.
    assert rows_of("S1", "team_overdue") == []
    (row,) = rows_of("M1", "team_overdue")
    assert row.params["people"][0]["courses"] == [
        {"course": "新员工入门", "date": "2026-03-08"},
        {"course": "门店售中服务", "date": "2026-03-09"},
    ]
    assert (row.email_to, row.email_state, row.link) == (
        "m1@example.com",
        "pending",
        "/training/team",
    )


def test_the_digest_is_sent_once_a_week(stores):
    assert queue_manager_digests(TODAY) == 3
    sunday = date(2026, 3, 15)
    assert queue_manager_digests(sunday) == 0  # the same week
    monday = date(2026, 3, 16)
    assert queue_manager_digests(monday) == 3  # a new week: told again
    assert len(rows_of("M1", "team_overdue")) == 2


def test_no_overdue_people_no_digest(stores):
    db.session.execute(
        sa.update(User).where(User.employee_no.in_(["O1", "O2"])).values(active=False)
    )
    db.session.commit()
    assert queue_manager_digests(TODAY) == 0


def test_a_position_no_longer_managing_gets_no_digest(stores):
    stores["store-manager"].manages_department = False
    db.session.commit()
    assert queue_manager_digests(TODAY) == 0


def test_the_digest_email_lists_the_people_in_html_and_text(stores, smtp_server):
    inbox, settings = smtp_server
    queue_manager_digests(TODAY)
    report = deliver(settings, base_url=BASE_URL)
    assert report.sent == 2  # M1 and R1 have e-mail addresses; M2 sees it in the app
    by_recipient = {to[0]: message for to, message in inbox.messages}
    assert set(by_recipient) == {"m1@example.com", "r1@example.com"}
    m1 = by_recipient["m1@example.com"]
    assert subject_of(m1) == "[Trainer] 测试公司/华东区/上海一店 有 1 人培训逾期"
    parts = parts_of(m1)
    for part in parts.values():
        assert "导购O1（O1）" in part and "O2" not in part
        assert "新员工入门（2026-03-08 到期）" in part
    assert f'href="{BASE_URL}/training/team"' in parts["text/html"]
    assert subject_of(by_recipient["r1@example.com"]) == "[Trainer] 测试公司/华东区 有 2 人培训逾期"


def test_the_weekly_job_queues_and_sends_the_digests(app, stores, smtp_server, monkeypatch):
    from trainer.jobs import tasks

    inbox, settings = smtp_server
    app.config.update(SMTP_HOST=settings.host, SMTP_PORT=settings.port)
    monkeypatch.setattr("trainer.clock.local_today", lambda: TODAY)
    assert tasks.manager_digests(app) == 3
    assert sorted(to[0] for to, _message in inbox.messages) == ["m1@example.com", "r1@example.com"]
    assert tasks.manager_digests(app) == 0  # the same week: nothing new
    assert len(inbox.messages) == 2
