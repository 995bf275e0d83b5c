"""No GET writes: every page of the URL map, opened by every role with URL arguments taken from
seeded data, leaves every table exactly as it was.

The one exception, named here: the exam page (quizzes.attempt) closes the signed-in
learner's own attempt whose time has run out, grading it as it stood at the deadline.
"""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import ROLE_USERS, sign_in
from tests.unit.assessments.assessment_helpers import (
    CRITICAL_FAILED,
    STORE,
    assign,
    submitted,
)
from tests.unit.certificates.conftest import pass_quiz
from tests.unit.hr.helpers import make_plan, read_lessons, staff_file
from tests.unit.hr.invitation_helpers import new_hire
from trainer.assessments.appeals import lodge_appeal
from trainer.assessments.service import start_assessment
from trainer.auth.resets import start_invitations
from trainer.authoring import drafts
from trainer.certificates import zips
from trainer.clock import local_today
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.hr.invitations.service import group_selection, request_invitations
from trainer.hr.plans import service as plans
from trainer.hr.reminders.service import queue
from trainer.hr.reports import jobs as report_jobs
from trainer.hr.reports.service import Filters
from trainer.hr.staff.importer import create_batch
from trainer.models import (
    Certificate,
    CourseEvaluation,
    CourseFile,
    Department,
    QuizAttempt,
    utcnow,
)
from trainer.quizzes import service as quizzes

# Query strings some pages need to show more than a 404 or an empty form.
QUERY = {
    "certificates.department_zip": "?department={department}",
    "people.index": "?department={department}&role=learner&status=never-signed-in&q=1",
}
EXAM_PAGE = "quizzes.attempt"


def dump() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    db.session.commit()
    tables = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        tables[table.name] = [
            tuple(row) for row in db.session.execute(sa.select(table).order_by(*order))
        ]
    db.session.commit()
    return tables


def changes(before: dict, after: dict) -> dict[str, tuple[list, list]]:
    """Per changed table: (rows gone, rows new)."""
    return {
        name: (
            [row for row in before[name] if row not in after[name]],
            [row for row in after[name] if row not in before[name]],
        )
        for name in before
        if before[name] != after[name]
    }


# The smallest PNG: one transparent pixel.
FAVICON_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@pytest.fixture
def seeded(app, users, synced, paths_dir):
    """Some of everything, so each URL argument has a real value to take."""
    learner, assessor, hr = users["learner"], users["assessor"], users["hr"]
    read_lessons(learner, "basics")
    pass_quiz(learner)  # a graded attempt, a course certificate and a level certificate
    record, version = live_course("store-service")
    read_lessons(learner, "store-service")  # basics, its prerequisite, is passed above
    expired = quizzes.start_attempt(learner, record, version, rng=random.Random(1))
    expired.deadline_at = utcnow() - timedelta(minutes=1)
    basics, basics_version = live_course("basics")
    read_lessons(users["trainer"], "basics")
    still_open = quizzes.start_attempt(
        users["trainer"], basics, basics_version, rng=random.Random(2)
    )
    shop = db.session.scalar(sa.select(Department).where(Department.name == "上海一店"))
    assign(assessor, STORE)
    result = submitted(assessor, learner, CRITICAL_FAILED, at=utcnow() - timedelta(days=1))
    lodge_appeal(result, learner, "当时顾客是从侧门进来的。", window_days=7)
    draft, _ = start_assessment(
        assessor, learner, version, "attitude", "observed", "门店", local_today(), local_today()
    )
    db.session.add(
        CourseEvaluation(
            user_id=learner.id,
            version_id=basics_version.id,
            rating=5,
            learned="一\n二\n三",
            apply_at_work="微笑",
            improve="",
        )
    )
    db.session.commit()
    plan = make_plan(
        hr,
        year=local_today().year,
        items=[
            ("basics", "after_assignment", 30),
            ("store-service", "fixed", local_today() - timedelta(days=1)),
        ],
        targets=[("department", shop)],
        today=local_today() - timedelta(days=2),
    )
    plans.sync_plan(hr, plan, local_today() - timedelta(days=2))
    queue(local_today(), days_before=7)
    batch = create_batch(staff_file("two-stores-utf8-bom.csv"), "staff.csv", hr)
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "course"))
    media = db.session.scalar(sa.select(CourseFile).where(~CourseFile.path.like("%.md")))
    department_zip = zips.request_zip(hr, shop)  # built at once: tests run jobs immediately
    report_export = report_jobs.request_export(hr, "matrix", "xlsx", Filters(shop.id, None))
    invited = new_hire("N1", "新人甲")
    invitations = request_invitations(hr, group_selection(shop.id, None))
    [(_person, invitation_secret)] = start_invitations(hr, [invited], timedelta(days=14))
    course_draft = drafts.start_draft_from_live(users["trainer"], basics)
    drafts.save_file(course_draft, users["trainer"], "images/shop.png", FAVICON_PNG, None)
    db.session.commit()
    return {
        "values": {
            "slug": ["basics", "store-service"],
            "number": [1],
            "attempt_id": [expired.id, still_open.id, _first_attempt(learner)],
            "assessment_id": [result.id, draft.id],
            "learner_id": [learner.id],
            "certificate_id": [certificate.id],
            "code": [certificate.code],
            "plan_id": [plan.id],
            "employee_no": [learner.employee_no],
            "token": [batch.token, invitation_secret],
            "report": ["matrix", "overdue", "onboarding"],
            "fmt": ["csv", "xlsx"],
            "version_id": [media.version_id if media else basics_version.id],
            "path": [media.path if media else "missing.png", "images/shop.png"],
            "draft_id": [course_draft.id],
            "filename": ["favicon.svg"],
            "zip_id": [department_zip.id],
            "export_id": [report_export.id],
            "batch_id": [invitations.id],
            "user_id": [learner.id],
        },
        "department": shop.id,
        "expired_attempt": expired.id,
        "learner": learner.id,
    }


def _first_attempt(user) -> int:
    """The learner's first attempt: the graded one that passed basics."""
    return db.session.scalar(
        sa.select(sa.func.min(QuizAttempt.id)).where(QuizAttempt.user_id == user.id)
    )


def urls(app, seeded) -> list[tuple[str, str]]:
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods:
            continue
        names = sorted(rule.arguments)
        for combination in itertools.product(*(seeded["values"][name] for name in names)):
            url = rule.build(dict(zip(names, combination, strict=True)), append_unknown=False)[1]
            query = QUERY.get(rule.endpoint, "").format(department=seeded["department"])
            found.append((rule.endpoint, url + query))
    return found


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_no_page_writes_to_the_database(app, users, seeded, role):
    client = app.test_client()
    assert sign_in(client, users[role].employee_no).status_code == 302
    pages = urls(app, seeded)
    assert len(pages) > 50
    closed_own_expired_attempt = False
    statuses: dict[int, int] = {}
    for endpoint, url in pages:
        before = dump()
        response = client.get(url)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        # /readyz answers 503 when a dependency is not ready: here the tables were made without
        # Alembic, so "migrations" is not at head. An answer, not an error; it still writes nothing.
        assert response.status_code < 500 or endpoint == "ops.readyz", (role, url)
        changed = changes(before, dump())
        if (
            endpoint == EXAM_PAGE
            and role == "learner"
            and url.endswith(f"/{seeded['expired_attempt']}")
            and changed
        ):
            # The named exception: the learner's own attempt, out of time, is graded once.
            [(gone, [new])] = [changed.pop("quiz_results")]
            assert gone == [] and new[0] == seeded["expired_attempt"] and "deadline" in new
            closed_own_expired_attempt = True
        assert changed == {}, (role, url)
    assert closed_own_expired_attempt == (role == "learner")
    assert statuses[200] >= 15  # real pages were rendered, not only refusals


def test_the_check_sees_a_write(app, users, seeded):
    """The comparison is not blind: a GET that writes is caught."""
    before = dump()
    db.session.add(
        CourseEvaluation(
            user_id=users["hr"].id,
            version_id=live_course("basics")[1].id,
            rating=1,
            learned="a\nb\nc",
            apply_at_work="x",
            improve="",
        )
    )
    assert set(changes(before, dump())) == {"course_evaluations"}
