"""Texts in each language from kind + params (plural forms in English), and e-mails whose
job was lost are sent by the scheduler's sweep."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.unit.hr.smtp import running_smtp_server
from trainer.extensions import db
from trainer.jobs import jobs_of
from trainer.models import OutboxMessage, utcnow
from trainer.notifications import notify, path_for
from trainer.notifications.service import requeue_lost_emails
from trainer.notifications.texts import title_and_body

DUE = {"course": "新员工入门", "plan": "入职", "date": "2026-03-15"}


@pytest.mark.parametrize(
    ("locale", "days", "says"),
    [
        ("en", 1, "is due on 2026-03-15, in 1 day. Open My training"),
        ("en", 2, "is due on 2026-03-15, in 2 days. Open My training"),
        ("en", 0, "is due on 2026-03-15, in 0 days. Open My training"),
        ("zh_Hans_CN", 1, "将于 2026-03-15 到期，还有 1 天。"),
        ("zh_Hans_CN", 2, "将于 2026-03-15 到期，还有 2 天。"),
    ],
)
def test_due_soon_counts_days_in_the_readers_language(app, locale, days, says):
    with force_locale(locale):
        _title, body = title_and_body("due_soon", {**DUE, "days": days})
    assert says in body


@pytest.mark.parametrize(
    ("locale", "title"),
    [
        ("en", "Your certificate for 新员工入门 is issued"),
        ("zh_Hans_CN", "你的“新员工入门”证书已颁发"),
    ],
)
def test_the_same_row_reads_in_each_language(app, locale, title):
    with force_locale(locale):
        got, _body = title_and_body(
            "certificate_issued", {"title": "新员工入门", "serial": "TRN-2026-000001"}
        )
    assert got == title


def test_an_unknown_kind_is_an_error_not_an_empty_text(app):
    with pytest.raises(ValueError, match="no_such_kind"):
        title_and_body("no_such_kind", {})


def test_a_lost_email_job_is_enqueued_again_by_the_sweep(app, users):
    learner = users["learner"]
    learner.email = "learner@example.com"
    db.session.commit()
    jobs = jobs_of()
    saved = dict(jobs.tasks)
    jobs.tasks.clear()  # the queue is down: enqueue fails (and is logged)
    try:
        notify(
            db.session(),
            learner,
            "assessor_assigned",
            {"department": "测试公司"},
            path_for("assessments.index"),
            subject=("assessor_assignment", 1),
        )
        db.session.commit()
    finally:
        jobs.tasks.update(saved)
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.email_state == "pending"
    with running_smtp_server() as (inbox, settings):
        app.config.update(SMTP_HOST=settings.host, SMTP_PORT=settings.port)
        assert requeue_lost_emails(now=utcnow() + timedelta(minutes=1)) == 0  # may still come
        assert inbox.messages == []
        assert requeue_lost_emails(now=utcnow() + timedelta(minutes=3)) == 1
        assert [to for to, _message in inbox.messages] == [["learner@example.com"]]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).email_state == "sent"


def test_the_same_occasion_is_told_once(app, users):
    """A job run twice (a retry, the sweep) does not tell anyone twice."""
    for _ in range(2):
        notify(
            db.session(),
            users["learner"],
            "certificate_issued",
            {"title": "新员工入门", "serial": "TRN-2026-000001"},
            path_for("certificates.mine"),
            subject=("certificate", 7),
        )
        db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
