"""Shared set-up for the assessment tests: an organisation, assignments, results."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from trainer.assessments import service
from trainer.extensions import db
from trainer.hr.people.service import ensure_department_path
from trainer.models import AssessorAssignment, CourseRecord, CourseVersion, Department, User

STORE = "测试公司/华东区/上海一店"
REGION = "测试公司/华东区"
OTHER_STORE = "测试公司/华北区/北京一店"
OBSERVED = date(2026, 9, 1)

# store-service (tests/fixtures): greet-within-3s is critical, weight 2, scale 0-2;
# polite-language and fitting-room-guide are 0/1. Max 6 points, pass mark 80 %.
ALL_MAX = {"greet-within-3s": 2, "polite-language": 1, "fitting-room-guide": 1}
CRITICAL_FAILED = {"greet-within-3s": 0, "polite-language": 1, "fitting-room-guide": 1}


def department(path: str) -> Department:
    found = ensure_department_path(path)
    db.session.commit()
    return found


def assign(assessor: User, path: str) -> AssessorAssignment:
    assignment = AssessorAssignment(assessor_id=assessor.id, department_id=department(path).id)
    db.session.add(assignment)
    db.session.commit()
    return assignment


def live_version(slug: str = "store-service") -> CourseVersion:
    return db.session.scalar(
        sa.select(CourseVersion)
        .join(CourseRecord, CourseRecord.current_version_id == CourseVersion.id)
        .where(CourseRecord.slug == slug)
    )


def submitted(
    assessor: User,
    learner: User,
    scores: dict,
    *,
    kind: str = "practical",
    version: CourseVersion | None = None,
    at: datetime | None = None,
    comments: dict | None = None,
):
    """A result submitted through the service, as an assessor would."""
    version = version or live_version()
    assessment, _ = service.start_assessment(
        assessor,
        learner,
        version,
        kind,
        "observed",
        "上海一店 女装区",
        OBSERVED,
        today=date(2030, 1, 1),
        now=at,
    )
    return service.submit_assessment(
        assessment, assessor, scores, comments or {}, "总体不错", now=at
    )


def set_up_people(users: dict) -> dict:
    """The role users (all in STORE), the assessor assigned to the region above it, a
    second assessor assigned to the store, and a learner in another region."""
    from tests.conftest import make_user

    assign(users["assessor"], REGION)
    second = make_user("A0002", "考核员老孙", {"assessor", "learner"}, department_path=STORE)
    assign(second, STORE)
    outsider = make_user("L0009", "外区学员小吴", {"learner"}, department_path=OTHER_STORE)
    return {**users, "second_assessor": second, "outsider": outsider}
