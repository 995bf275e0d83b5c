"""The scheduler's timetable: what it enqueues each minute, and what those jobs do."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import approve_promotions
from tests.course_helpers import ready_for_exam
from tests.unit.certificates.conftest import pass_quiz
from trainer.certificates.service import add_months
from trainer.extensions import db
from trainer.jobs import jobs_of
from trainer.jobs.scheduler import enqueue_due
from trainer.models import (
    Certificate,
    LevelPromotion,
    OutboxMessage,
    QuizAttempt,
    QuizResult,
    utcnow,
)

A_QUARTER_PAST = datetime(2026, 12, 7, 3, 15)  # UTC: career levels are checked at :15
TWENTY_PAST = datetime(2026, 12, 7, 3, 20)  # recertification windows at :20


def _names(huey, minute: datetime) -> set[str]:
    return {type(task).__name__ for task in huey.read_periodic(minute)}


def test_the_timetable(app):
    huey = jobs_of(app).huey
    assert _names(huey, datetime(2026, 12, 7, 3, 1)) == {"close_expired_attempts"}
    assert _names(huey, A_QUARTER_PAST) == {
        "close_expired_attempts",
        "sweep_lost_jobs",
        "career_levels",
    }
    assert _names(huey, TWENTY_PAST) == {
        "close_expired_attempts",
        "sweep_lost_jobs",
        "recertification_windows",
    }
    assert "send_reminders" in _names(huey, datetime(2026, 12, 7, 3, 30))
    # The managers' digest: Mondays at 08:40 only (2026-12-07 is a Monday).
    assert "manager_digests" in _names(huey, datetime(2026, 12, 7, 8, 40))
    assert "manager_digests" not in _names(huey, datetime(2026, 12, 7, 8, 39))
    assert "manager_digests" not in _names(huey, datetime(2026, 12, 8, 8, 40))
    assert "manager_digests" not in _names(huey, datetime(2026, 12, 6, 8, 40))


@pytest.fixture
def two_levels(app) -> Path:
    """Junior: the basics course. Senior: nothing more, but six months as a junior first."""
    folder = Path(app.config["CONTENT_DIR"]) / "paths"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "service.md").write_text(
        "---\ntitle: 服务通道\ntrack: specialist\nlevels:\n"
        "  - id: junior\n    title: 初级服务专员\n    requires: [basics]\n"
        "  - id: senior\n    title: 高级服务专员\n    min_months_in_previous: 6\n"
        "    requires: [basics]\n---\n介绍。\n",
        encoding="utf-8",
    )
    return folder


def _levels() -> list[str]:
    db.session.commit()
    return db.session.scalars(
        sa.select(Certificate.level_id).where(Certificate.kind == "level").order_by(Certificate.id)
    ).all()


def _eligible() -> list[str]:
    db.session.commit()
    return db.session.scalars(
        sa.select(LevelPromotion.level_id).where(LevelPromotion.status == "eligible")
    ).all()


def test_the_scheduler_gives_a_level_once_its_waiting_time_is_over(app, users, synced, two_levels):
    learner = users["learner"]
    pass_quiz(learner)
    assert _levels() == []  # eligible at once, with the course certificate: HR decides
    approve_promotions(learner, users["hr"])
    assert _levels() == ["junior"]
    huey = jobs_of(app).huey
    enqueue_due(huey, A_QUARTER_PAST)
    assert _levels() == ["junior"]  # six months as a junior are not over

    junior = db.session.scalar(sa.select(Certificate).where(Certificate.level_id == "junior"))
    junior.issued_at = add_months(utcnow(), -6) + timedelta(hours=1)  # an hour to go
    db.session.commit()
    enqueue_due(huey, A_QUARTER_PAST)
    assert _levels() == ["junior"]

    junior.issued_at = add_months(utcnow(), -6) - timedelta(minutes=1)  # over a minute ago
    db.session.commit()
    enqueue_due(huey, datetime(2026, 12, 7, 3, 1))  # not the career levels' minute
    assert _levels() == ["junior"]
    enqueue_due(huey, A_QUARTER_PAST)
    assert _eligible() == ["senior"]  # recorded by the scheduler's job, not issued
    assert _levels() == ["junior"]
    approve_promotions(learner, users["hr"])
    assert _levels() == ["junior", "senior"]
    enqueue_due(huey, A_QUARTER_PAST)  # the next hour: nothing twice
    assert _levels() == ["junior", "senior"]
    senior = db.session.scalar(sa.select(Certificate).where(Certificate.level_id == "senior"))
    assert senior.user_id == learner.id and senior.title == "高级服务专员" and senior.pdf_sha256


def test_the_scheduler_closes_attempts_whose_time_ran_out(app, users, synced):
    import random

    from trainer.courses.service import live_course
    from trainer.quizzes import service as quizzes

    record, version = live_course("basics")
    started = utcnow() - timedelta(hours=5)
    ready_for_exam(users["learner"], "basics")
    attempt = quizzes.start_attempt(
        users["learner"], record, version, now=started, rng=random.Random(1)
    )
    if attempt.deadline_at is None:
        attempt.deadline_at = started + timedelta(minutes=30)
    db.session.commit()
    enqueue_due(jobs_of(app).huey, datetime(2026, 12, 7, 3, 1))
    db.session.commit()
    result = db.session.get(QuizResult, attempt.id)
    assert result is not None and result.closed_by == "deadline"
    assert db.session.get(QuizAttempt, attempt.id) is not None


def test_the_scheduler_tells_holders_when_their_recertification_window_opens(app, users, synced):
    pass_quiz(users["learner"])
    certificate = db.session.scalar(sa.select(Certificate))
    huey = jobs_of(app).huey

    def notices():
        db.session.commit()
        return db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "certificate_expiring")
        ).all()

    enqueue_due(huey, TWENTY_PAST)
    assert notices() == []  # valid for 24 months: the 60-day window is far off
    certificate.expires_at = utcnow() + timedelta(days=59)
    db.session.commit()
    enqueue_due(huey, TWENTY_PAST)
    enqueue_due(huey, TWENTY_PAST)
    [notice] = notices()
    assert notice.recipient_id == users["learner"].id
    assert notice.params["serial"] == certificate.serial
