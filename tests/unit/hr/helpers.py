"""Helpers for the HR tests: results written straight into the database, plans in one call."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from trainer.courses.service import live_course
from trainer.demo import ensure_positions
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.models import (
    Assessment,
    LessonProgress,
    Position,
    QuizAttempt,
    QuizResult,
    User,
    utcnow,
)

STAFF_FILES = Path(__file__).resolve().parents[2] / "fixtures" / "staff"


def staff_file(name: str) -> bytes:
    return (STAFF_FILES / name).read_bytes()


def csv_bytes(*lines: str, encoding: str = "utf-8-sig") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def positions() -> dict[str, Position]:
    ensure_positions()
    db.session.commit()
    return {p.code: p for p in db.session.scalars(sa.select(Position))}


def take_exam(user: User, slug: str, passed: bool, at: datetime | None = None) -> QuizResult:
    record, version = live_course(slug)
    number = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.course_id == record.id)
        )
        + 1
    )
    at = at or utcnow()
    attempt = QuizAttempt(
        user_id=user.id,
        course_id=record.id,
        version_id=version.id,
        round_number=1,
        attempt_number=number,
        started_at=at,
        draw=[],
    )
    db.session.add(attempt)
    db.session.flush()
    result = QuizResult(
        attempt_id=attempt.id,
        graded_at=at,
        closed_by="learner",
        points=1,
        max_points=1,
        percent=100.0 if passed else 0.0,
        passed=passed,
        per_question=[],
    )
    db.session.add(result)
    db.session.commit()
    return result


def read_lessons(user: User, slug: str, count: int | None = None) -> None:
    _record, version = live_course(slug)
    for lesson in version.lessons[:count]:
        db.session.add(
            LessonProgress(user_id=user.id, version_id=version.id, lesson_number=lesson.number)
        )
    db.session.commit()


def assess(
    learner: User, assessor: User, slug: str, kind: str, passed: bool, at: datetime | None = None
) -> Assessment:
    record, version = live_course(slug)
    at = at or utcnow()
    assessment = Assessment(
        learner_id=learner.id,
        assessor_id=assessor.id,
        course_id=record.id,
        version_id=version.id,
        kind=kind,
        mode="observed",
        place="门店",
        observed_on=at.date(),
        status="submitted",
        submitted_at=at,
        points=10 if passed else 2,
        max_points=10,
        pass_mark=8,
        passed=passed,
        critical_failed=False,
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


def pass_course(user: User, slug: str, assessor: User | None = None) -> None:
    """Every required part of the course passed."""
    record, version = live_course(slug)
    read_lessons(user, slug)
    take_exam(user, slug, passed=True)
    for kind in ("practical", "attitude"):
        if version.settings.get(f"{kind}_required"):
            assess(user, assessor, slug, kind, passed=True)


def make_plan(
    actor: User,
    name: str = "2026 年度导购技能培训",
    year: int = 2026,
    kind: str = "annual",
    items=(("basics", "after_assignment", 30),),
    targets=(),
    mandatory: bool = True,
    today: date | None = None,
    starts_on: date | None = None,
):
    """items: (slug, due kind, days or date[, due date for current staff]); targets: (kind,
    object[, hired since]); `today`: the day the items are added (a fixed date before it is
    refused)."""
    plan = plans.create_plan(actor, name, year, kind, starts_on=starts_on)
    for slug, due_kind, due, *staff_due in items:
        record, _version = live_course(slug)
        plans.add_item(
            actor,
            plan,
            record,
            mandatory,
            due_kind,
            due_date=due if isinstance(due, date) else None,
            due_days=due if isinstance(due, int) else None,
            staff_due_date=staff_due[0] if staff_due else None,
            today=today,
        )
    for target in targets:
        target_kind, thing, *rest = target
        plans.add_target(
            actor,
            plan,
            target_kind,
            department=thing if target_kind == "department" else None,
            position=thing if target_kind in ("position", "new_hires") else None,
            user=thing if target_kind == "person" else None,
            hired_since=rest[0] if rest else None,
        )
    db.session.refresh(plan)
    return plan
