"""Assessors scoring through the web pages: scope, the phone form, drafts, submission."""

import re

import pytest
import sqlalchemy as sa

from tests.conftest import count_rows
from tests.unit.assessments.assessment_helpers import ALL_MAX, set_up_people
from trainer.extensions import db
from trainer.models import Assessment, AssessmentScore, AuditEvent


@pytest.fixture
def people(users, synced):
    return set_up_people(users)


START = {
    "checklist": "store-service:practical",
    "mode": "role_play",
    "place": "上海一店 女装区",
    "observed_on": "2026-09-01",
}


def fields(scores: dict, comments: dict | None = None, **extra) -> dict:
    data = {f"score-{item}": str(score) for item, score in scores.items()}
    data.update({f"comment-{item}": text for item, text in (comments or {}).items()})
    return data | extra


def start_draft(client, learner) -> int:
    response = client.post(f"/assessments/learners/{learner.id}/new", data=START)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/assessments/(\d+)/score", response.headers["Location"]).group(1))


def test_assessor_sees_only_the_staff_in_scope_and_can_search(client, people, signed_in):
    signed_in("assessor")
    page = client.get("/assessments/").get_data(as_text=True)
    assert "学员小张" in page and "考核员老孙" in page
    assert "外区学员小吴" not in page and 'data-employee="A0001"' not in page
    found = client.get("/assessments/?q=L0001").get_data(as_text=True)
    assert "学员小张" in found and "考核员老孙" not in found


def test_assessor_without_departments_is_told_why_the_list_is_empty(
    client, users, synced, signed_in
):
    signed_in("assessor")
    page = client.get("/assessments/").get_data(as_text=True)
    assert "人事还没有给你分配部门" in page


def test_scoring_someone_outside_the_scope_is_refused_without_a_change(client, people, signed_in):
    signed_in("assessor")
    outsider = people["outsider"]
    for response in (
        client.get(f"/assessments/learners/{outsider.id}/new"),
        client.post(f"/assessments/learners/{outsider.id}/new", data=START),
    ):
        assert response.status_code == 403
        assert "外区学员小吴不在你负责考核的部门" in response.get_data(as_text=True)
    assert count_rows(Assessment) == 0


def test_scoring_yourself_is_refused(client, people, signed_in):
    me = signed_in("assessor")
    response = client.post(f"/assessments/learners/{me.id}/new", data=START)
    assert response.status_code == 403
    assert "你不能考核自己" in response.get_data(as_text=True)
    assert count_rows(Assessment) == 0


def test_learners_cannot_open_the_assessor_pages(client, people, signed_in):
    signed_in("learner")
    assert client.get("/assessments/").status_code == 403
    learner = people["second_assessor"]
    assert client.post(f"/assessments/learners/{learner.id}/new", data=START).status_code == 403


def test_start_form_defaults_and_refuses_a_future_date(client, people, signed_in):
    signed_in("assessor")
    url = f"/assessments/learners/{people['learner'].id}/new"
    page = client.get(url + "?checklist=store-service:attitude").get_data(as_text=True)
    assert "门店售中服务 · 工作态度评价" in page
    assert '<option selected value="store-service:attitude">' in page
    response = client.post(url, data=START | {"observed_on": "2099-01-01"})
    assert response.status_code == 400 and "考核日期不能晚于今天" in response.get_data(as_text=True)
    response = client.post(url, data=START | {"place": ""})
    assert response.status_code == 400
    assert count_rows(Assessment) == 0


def test_score_page_shows_the_checklist_with_big_choices(client, people, signed_in):
    signed_in("assessor")
    assessment_id = start_draft(client, people["learner"])
    page = client.get(f"/assessments/{assessment_id}/score").get_data(as_text=True)
    assert "门店售中服务现场考核" in page and "第一步　主动迎宾" in page
    assert "三秒内主动问候" in page and "关键项" in page
    assert 'name="score-greet-within-3s" type="radio" value="2"' in page
    assert "完全做到" in page and "js/assessment.js" in page and "css/assessments.css" in page


def test_missing_score_on_submit_names_the_item_and_saves_nothing(client, people, signed_in):
    signed_in("assessor")
    assessment_id = start_draft(client, people["learner"])
    response = client.post(
        f"/assessments/{assessment_id}/score",
        data=fields({"greet-within-3s": 2, "polite-language": 1}, action="submit"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "提交前请给每一项打分。尚未打分：引导到试衣间" in page
    # What was entered stays on the page.
    assert 'checked id="score-greet-within-3s-2" name="score-greet-within-3s"' in page
    assert db.session.get(Assessment, assessment_id).status == "draft"
    assert count_rows(AssessmentScore) == 0


def test_a_score_off_the_scale_is_refused(client, people, signed_in):
    signed_in("assessor")
    assessment_id = start_draft(client, people["learner"])
    response = client.post(
        f"/assessments/{assessment_id}/score",
        data=fields(ALL_MAX | {"polite-language": 5}, action="submit"),
    )
    assert response.status_code == 400
    assert db.session.get(Assessment, assessment_id).status == "draft"


def test_save_draft_then_submit_without_javascript(client, people, signed_in):
    signed_in("assessor")
    assessment_id = start_draft(client, people["learner"])
    saved = client.post(
        f"/assessments/{assessment_id}/score",
        data=fields(
            {"greet-within-3s": 0}, {"greet-within-3s": "顾客进店 10 秒后才问候"}, action="save"
        ),
    )
    assert saved.headers["Location"] == f"/assessments/{assessment_id}/score"
    page = client.get(f"/assessments/{assessment_id}/score").get_data(as_text=True)
    assert "顾客进店 10 秒后才问候" in page
    submitted = client.post(
        f"/assessments/{assessment_id}/score",
        data=fields(
            {"greet-within-3s": 0, "polite-language": 1, "fitting-room-guide": 1},
            {"greet-within-3s": "顾客进店 10 秒后才问候"},
            overall_comment="其他做得不错",
            action="submit",
        ),
        follow_redirects=True,
    )
    page = submitted.get_data(as_text=True)
    assert "结果已提交：不通过" in page
    assert "有关键项得 0 分" in page and "得分 33.3%（6 分中得 2 分）" in page
    assert "顾客进店 10 秒后才问候" in page and "其他做得不错" in page
    assert db.session.get(Assessment, assessment_id).passed is False


def test_a_submitted_assessment_cannot_be_edited(client, people, signed_in):
    signed_in("assessor")
    assessment_id = start_draft(client, people["learner"])
    client.post(f"/assessments/{assessment_id}/score", data=fields(ALL_MAX, action="submit"))
    events = count_rows(AuditEvent)
    for url in (f"/assessments/{assessment_id}/score", f"/assessments/{assessment_id}/autosave"):
        response = client.post(url, data=fields({"greet-within-3s": 0}, action="submit"))
        assert response.status_code in (302, 409)
    response = client.post(
        f"/assessments/{assessment_id}/score",
        data=fields({"greet-within-3s": 0}),
        follow_redirects=True,
    )
    assert "这个结果已经提交，不能再修改" in response.get_data(as_text=True)
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment.passed is True
    assert {row.item_id: row.score for row in assessment.scores} == ALL_MAX
    assert count_rows(AuditEvent) == events


def test_autosave_takes_json_and_answers_json(client, people, signed_in):
    signed_in("assessor")
    assessment_id = start_draft(client, people["learner"])
    response = client.post(
        f"/assessments/{assessment_id}/autosave",
        json={"score-greet-within-3s": "1", "comment-polite-language": "好"},
    )
    assert response.status_code == 200 and response.json["saved"] is True
    assert response.json["message"].startswith("草稿已于")
    rows = {
        row.item_id: (row.score, row.comment)
        for row in db.session.scalars(sa.select(AssessmentScore))
    }
    assert rows == {"greet-within-3s": (1, ""), "polite-language": (None, "好")}
    bad = client.post(f"/assessments/{assessment_id}/autosave", json={"score-greet-within-3s": "9"})
    assert bad.status_code == 400 and bad.json["saved"] is False


def test_autosave_needs_the_csrf_header_when_csrf_is_on(csrf_app, client, people, signed_in):
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    signed_in("assessor")
    assessment_id = start_draft(client, people["learner"])
    csrf_app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/assessments/{assessment_id}/score").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    url = f"/assessments/{assessment_id}/autosave"
    refused = client.post(url, json={"score-greet-within-3s": "1"})
    assert refused.status_code == 400
    accepted = client.post(url, json={"score-greet-within-3s": "1"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.json["saved"] is True


def test_another_assessor_cannot_open_or_save_my_draft(client, people, signed_in):
    signed_in("assessor")
    assessment_id = start_draft(client, people["learner"])
    client.post("/auth/logout")
    signed_in("admin")
    assert client.get(f"/assessments/{assessment_id}/score").status_code == 404
    assert (
        client.post(
            f"/assessments/{assessment_id}/autosave", json={"score-greet-within-3s": "1"}
        ).status_code
        == 404
    )
    assert client.get(f"/assessments/{assessment_id}").status_code == 404  # a draft is private
    assert count_rows(AssessmentScore) == 0
