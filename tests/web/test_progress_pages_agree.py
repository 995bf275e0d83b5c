"""Every page that shows where a person stands on a course says the same thing, before and
after HR revokes their certificate (or it expires): all read trainer.progress."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import sign_in
from tests.unit.certificates.conftest import pass_quiz
from tests.unit.hr.helpers import make_plan
from trainer.clock import local_today
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.models import Certificate, utcnow


def _one(pattern: str, page: str) -> str:
    found = re.findall(pattern, page, re.S)
    assert len(found) == 1, (pattern, found)
    return found[0]


def what_pages_say(learner_client, hr_client, plan_id: int) -> dict[str, object]:
    course = learner_client.get("/courses/basics").get_data(as_text=True)
    mine = learner_client.get("/training/").get_data(as_text=True)
    career = learner_client.get("/career").get_data(as_text=True)
    person = hr_client.get("/training/people/L0001").get_data(as_text=True)
    plan = hr_client.get(f"/hr/plans/{plan_id}").get_data(as_text=True)
    matrix = hr_client.get("/hr/reports/matrix").get_data(as_text=True)
    row = _one(r'<tr data-employee="L0001">(.*?)</tr>', matrix)
    return {
        "course: exam": _one(r'data-testid="quiz-status">.*?data-state="(\w+)"', course),
        "course: next step": _one(r'data-next-step="(\w+)"', course),
        "course: certificate": _one(
            r'data-testid="certificate-status" data-status="(\w+)"', course
        ),
        "course: may start the exam": 'data-testid="start-quiz"' in course,
        "training": _one(r'data-course="basics" data-status="(\w+)"', mine),
        "training: next step": _one(r'data-course="basics" [^>]*data-next-step="(\w+)"', mine),
        "career: basics still missing": '<li class="missing"><a href="/courses/basics">' in career,
        "HR person page": _one(r'data-course="basics" data-status="(\w+)"', person),
        "HR person page: next step": _one(
            r'data-course="basics" [^>]*data-next-step="(\w+)"', person
        ),
        "HR plan: passed": int(_one(r'data-testid="figure-passed">(\d+)<', plan)),
        "HR matrix": _one(r'class="cell status-(\w+)" data-course="basics"', row),
    }


@pytest.fixture
def learner_and_hr(app, users, synced, paths_dir):
    plan = make_plan(
        users["hr"],
        year=local_today().year,
        items=[("basics", "after_assignment", 30)],
        targets=[("person", users["learner"])],
    )
    plans.sync_plan(users["hr"], plan, local_today())
    learner_client, hr_client = app.test_client(), app.test_client()
    sign_in(learner_client, users["learner"].employee_no)
    sign_in(hr_client, users["hr"].employee_no)
    return learner_client, hr_client, plan.id


PASSED_EVERYWHERE = {
    "course: exam": "passed",
    "course: next step": "done",
    "course: certificate": "valid",
    "course: may start the exam": False,
    "training": "passed",
    "training: next step": "done",
    "career: basics still missing": False,
    "HR person page": "passed",
    "HR person page: next step": "done",
    "HR plan: passed": 1,
    "HR matrix": "passed",
}
TO_DO_AGAIN = {
    "course: exam": "can_start",
    "course: next step": "read",  # lessons read before the certificate count no more
    # The exam opens again only once the lessons are read again, in the new cycle.
    "course: may start the exam": False,
    "training": "not_started",
    "training: next step": "read",
    "career: basics still missing": True,
    "HR person page": "not_started",
    "HR person page: next step": "read",
    "HR plan: passed": 0,
    "HR matrix": "not_started",
}


def test_pages_agree_before_and_after_a_revocation(learner_and_hr, users):
    learner_client, hr_client, plan_id = learner_and_hr
    pass_quiz(users["learner"])
    assert what_pages_say(learner_client, hr_client, plan_id) == PASSED_EVERYWHERE

    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "course"))
    response = hr_client.post(
        f"/certificates/{certificate.id}/revoke", data={"reason": "与顾客争吵，违反服务规范"}
    )
    assert response.status_code == 302
    assert what_pages_say(learner_client, hr_client, plan_id) == {
        **TO_DO_AGAIN,
        "course: certificate": "revoked",
    }


def test_pages_agree_once_the_certificate_has_expired(learner_and_hr, users):
    learner_client, hr_client, plan_id = learner_and_hr
    pass_quiz(users["learner"])
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "course"))
    certificate.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert what_pages_say(learner_client, hr_client, plan_id) == {
        **TO_DO_AGAIN,
        "course: certificate": "expired",
    }
