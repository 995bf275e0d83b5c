"""The assessor's list on the page: assigned checklists only, and a retake wait shown before
anything is filled in (the start form does not offer a checklist still in its wait)."""

from datetime import date, timedelta

import pytest

from tests.conftest import count_rows
from tests.unit.assessments.assessment_helpers import CRITICAL_FAILED, set_up_people, submitted
from tests.unit.hr.helpers import make_plan
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.models import Assessment, utcnow


@pytest.fixture
def people(users, synced):
    found = set_up_people(users)
    plan = make_plan(
        found["hr"],
        items=[("store-service", "fixed", date(2026, 9, 30))],
        targets=[("person", found["learner"])],
        today=date(2026, 9, 1),  # made before its fixed due date
    )
    plans.sync_plan(found["hr"], plan, date(2026, 9, 1))
    return found


def shanghai_text(moment):
    """How a Chinese page writes a stored UTC moment (Asia/Shanghai is UTC+8, no DST)."""
    local = moment + timedelta(hours=8)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def test_the_list_shows_assigned_checklists_only(client, people, signed_in):
    signed_in("assessor")
    page = client.get("/assessments/").get_data(as_text=True)
    learner = people["learner"]
    assert f"/assessments/learners/{learner.id}/new?checklist=store-service:practical" in page
    assert f"/assessments/learners/{learner.id}/new?checklist=store-service:attitude" in page
    # The second assessor is in the same store but nothing is assigned to them.
    second = people["second_assessor"]
    assert f"/assessments/learners/{second.id}/new?checklist=" not in page


def test_a_failed_practical_in_its_wait_shows_when_it_opens_and_offers_no_form(
    client, people, signed_in
):
    learner = people["learner"]
    failed_at = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    submitted(people["second_assessor"], learner, CRITICAL_FAILED, at=failed_at)
    signed_in("assessor")
    page = client.get("/assessments/").get_data(as_text=True)
    opens = shanghai_text(failed_at + timedelta(minutes=30))
    assert f"可于 {opens} 后重评" in page
    assert f"/assessments/learners/{learner.id}/new?checklist=store-service:practical" not in page
    assert f"/assessments/learners/{learner.id}/new?checklist=store-service:attitude" in page

    start = client.get(f"/assessments/learners/{learner.id}/new?checklist=store-service:practical")
    text = start.get_data(as_text=True)
    assert f"可于 {opens} 后重评" in text
    assert 'value="store-service:practical"' not in text
    assert 'value="store-service:attitude"' in text
    before = count_rows(Assessment)
    refused = client.post(
        f"/assessments/learners/{learner.id}/new",
        data={
            "checklist": "store-service:practical",
            "mode": "observed",
            "place": "上海一店",
            "observed_on": "2026-09-01",
        },
    )
    assert refused.status_code == 400
    assert count_rows(Assessment) == before


def test_once_the_wait_is_over_the_practical_can_be_assessed_again(client, people, signed_in):
    learner = people["learner"]
    failed_at = utcnow() - timedelta(minutes=31)
    submitted(people["second_assessor"], learner, CRITICAL_FAILED, at=failed_at)
    db.session.commit()
    signed_in("assessor")
    page = client.get("/assessments/").get_data(as_text=True)
    assert "后重评" not in page
    assert f"/assessments/learners/{learner.id}/new?checklist=store-service:practical" in page


def test_an_open_draft_says_when_it_can_be_submitted_after_someone_elses_fail(
    client, people, signed_in
):
    learner = people["learner"]
    signed_in("assessor")
    started = client.post(
        f"/assessments/learners/{learner.id}/new",
        data={
            "checklist": "store-service:practical",
            "mode": "observed",
            "place": "上海一店",
            "observed_on": "2026-09-01",
        },
    )
    assert started.status_code == 302
    draft_page = started.headers["Location"]
    assert 'data-testid="retake-wait"' not in client.get(draft_page).get_data(as_text=True)
    failed_at = utcnow().replace(microsecond=0) - timedelta(minutes=5)
    submitted(people["second_assessor"], learner, CRITICAL_FAILED, at=failed_at)
    page = client.get(draft_page).get_data(as_text=True)
    opens = shanghai_text(failed_at + timedelta(minutes=30))
    assert f"这份草稿可于 {opens} 起提交" in page
