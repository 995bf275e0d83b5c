"""Learners read their results and appeal; someone other than the assessor decides."""

from datetime import timedelta

import pytest

from tests.conftest import count_rows
from tests.unit.assessments.assessment_helpers import CRITICAL_FAILED, set_up_people, submitted
from trainer.extensions import db
from trainer.models import Appeal, AssessmentCorrection, utcnow

REASON = "当时顾客是从侧门进来的，我在门口位置看不到。"


@pytest.fixture
def people(users, synced):
    return set_up_people(users)


@pytest.fixture
def failed(people):
    return submitted(
        people["assessor"],
        people["learner"],
        CRITICAL_FAILED,
        comments={"greet-within-3s": "顾客进店 10 秒后才问候"},
    )


def appeal(client, result, reason=REASON):
    return client.post(f"/assessments/{result.id}/appeal", data={"reason": reason})


def test_learner_reads_the_result_item_by_item_with_comments(client, failed, signed_in):
    signed_in("learner")
    response = client.get(f"/assessments/{failed.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "门店售中服务 · 实际操作考核" in page and "未通过" in page
    assert (
        "三秒内主动问候" in page and "0/2 × 权重 2 = 0 · 未做到" in page and "关键项未做到" in page
    )
    assert "顾客进店 10 秒后才问候" in page and "总体不错" in page
    assert "模拟演练" in page or "在岗观察" in page
    assert "如果你认为这个结果不公正，可以在" in page
    mine = client.get("/assessments/mine").get_data(as_text=True)
    assert f"/assessments/{failed.id}" in mine


def test_other_learners_cannot_see_a_result(client, people, failed, signed_in):
    client.post("/auth/login", data={"login": "L0009", "password": "correct-horse-1"})
    assert client.get(f"/assessments/{failed.id}").status_code == 404
    assert appeal(client, failed).status_code == 404
    assert count_rows(Appeal) == 0


def test_course_page_shows_the_fail_and_when_a_retake_opens(client, failed, signed_in):
    signed_in("learner")
    page = client.get("/courses/store-service").get_data(as_text=True)
    assert 'data-kind="practical" data-outcome="failed"' in page
    assert "起可以重新考核" in page and f"/assessments/{failed.id}" in page
    assert 'data-kind="attitude" data-outcome="pending"' in page and "尚未考核" in page


def test_learner_appeals_and_a_second_appeal_is_refused(client, failed, signed_in):
    signed_in("learner")
    response = appeal(client, failed, REASON)
    assert response.status_code == 302
    page = client.get(f"/assessments/{failed.id}").get_data(as_text=True)
    assert "申诉已提交" in page and REASON in page and "等待处理" in page
    second = appeal(client, failed, "再申诉一次")
    assert second.status_code == 409
    assert "这个结果已有一个正在处理的申诉" in second.get_data(as_text=True)
    assert count_rows(Appeal) == 1


def test_appeal_after_the_deadline_is_refused(client, people, signed_in):
    late = submitted(
        people["assessor"], people["learner"], CRITICAL_FAILED, at=utcnow() - timedelta(days=8)
    )
    signed_in("learner")
    page = client.get(f"/assessments/{late.id}").get_data(as_text=True)
    assert "申诉期限已于" in page and "提交申诉" not in page
    response = appeal(client, late)
    assert response.status_code == 409
    assert "申诉期限已于" in response.get_data(as_text=True)
    assert count_rows(Appeal) == 0


def test_the_window_is_configurable(client, app, people, signed_in):
    app.config["APPEAL_WINDOW_DAYS"] = 10
    result = submitted(
        people["assessor"], people["learner"], CRITICAL_FAILED, at=utcnow() - timedelta(days=8)
    )
    signed_in("learner")
    assert appeal(client, result).status_code == 302


def test_someone_else_cannot_appeal_a_learners_result(client, failed, signed_in):
    signed_in("hr")
    response = appeal(client, failed)
    assert response.status_code == 403
    assert "只有被考核的学员本人可以对这个结果申诉" in response.get_data(as_text=True)
    assert count_rows(Appeal) == 0


def test_the_assessor_cannot_decide_an_appeal_on_their_own_result(client, failed, signed_in):
    signed_in("learner")
    appeal(client, failed)
    client.post("/auth/logout")
    signed_in("assessor")
    appeal_id = db.session.scalar(db.select(Appeal.id))
    page = client.get(f"/assessments/{failed.id}").get_data(as_text=True)
    assert 'data-testid="decision-form"' not in page
    response = client.post(
        f"/assessments/appeals/{appeal_id}/decide",
        data={"decision": "overturned", "reason": "我看错了"},
    )
    assert response.status_code == 403
    assert "这个结果是你评的，申诉必须由其他人处理" in response.get_data(as_text=True)
    assert db.session.get(Appeal, appeal_id).status == "open"
    assert count_rows(AssessmentCorrection) == 0


def test_a_decision_needs_written_reasons(client, failed, signed_in):
    signed_in("learner")
    appeal(client, failed)
    client.post("/auth/logout")
    signed_in("hr")
    appeal_id = db.session.scalar(db.select(Appeal.id))
    response = client.post(
        f"/assessments/appeals/{appeal_id}/decide", data={"decision": "overturned", "reason": ""}
    )
    assert response.status_code == 400 and "请写明处理理由" in response.get_data(as_text=True)
    assert db.session.get(Appeal, appeal_id).status == "open"


def test_hr_overturns_and_the_course_page_follows(client, failed, signed_in):
    signed_in("learner")
    appeal(client, failed)
    client.post("/auth/logout")
    signed_in("hr")
    queue = client.get("/assessments/appeals").get_data(as_text=True)
    assert "学员小张" in queue and "查看并处理" in queue
    page = client.get(f"/assessments/{failed.id}").get_data(as_text=True)
    assert 'data-testid="decision-form"' in page
    appeal_id = db.session.scalar(db.select(Appeal.id))
    decided = client.post(
        f"/assessments/appeals/{appeal_id}/decide",
        data={"decision": "overturned", "reason": "监控显示顾客从侧门进入，考核员位置看不到。"},
        follow_redirects=True,
    )
    page = decided.get_data(as_text=True)
    assert "申诉已处理：原结果已改判" in page
    assert "以“已通过”为准。原结果为“未通过”。" in page
    assert "已改判" in page and "监控显示顾客从侧门进入" in page and REASON in page
    client.post("/auth/logout")
    signed_in("learner")
    course = client.get("/courses/store-service").get_data(as_text=True)
    assert 'data-kind="practical" data-outcome="passed"' in course
    result = client.get(f"/assessments/{failed.id}").get_data(as_text=True)
    assert "这个结果的申诉已经处理完毕" in result and "提交申诉" not in result
    # One outcome: the final one, with a note that the appeal changed it; no red verdict.
    assert result.count('data-testid="outcome-badge"') == 1
    assert '<span class="badge ok" data-testid="outcome-badge">已通过</span>' in result
    assert 'data-testid="critical-failure"' not in result
    assert "原结果未通过，是因为一个关键项被评为最低分。" in result


def test_another_assessor_upholds_and_the_fail_stands(client, failed, signed_in):
    signed_in("learner")
    appeal(client, failed)
    client.post("/auth/logout")
    client.post("/auth/login", data={"login": "A0002", "password": "correct-horse-1"})
    appeal_id = db.session.scalar(db.select(Appeal.id))
    response = client.post(
        f"/assessments/appeals/{appeal_id}/decide",
        data={"decision": "upheld", "reason": "录像显示确实未在 3 秒内问候。"},
        follow_redirects=True,
    )
    assert "申诉已处理：维持原结果" in response.get_data(as_text=True)
    assert count_rows(AssessmentCorrection) == 0
    assert db.session.get(Appeal, appeal_id).decided_by.employee_no == "A0002"


def item_points(page: str) -> list[str]:
    import re

    return re.findall(r'data-testid="item-points">([^<·]+?) ·', page)


def test_item_points_show_their_weights_and_add_up_to_the_total(client, people, signed_in):
    # store-service: greet-within-3s 0-2 weight 2 (critical); the other two 0/1 weight 1.
    result = submitted(
        people["assessor"],
        people["learner"],
        {"greet-within-3s": 1, "polite-language": 1, "fitting-room-guide": 0},
    )
    signed_in("learner")
    page = client.get(f"/assessments/{result.id}").get_data(as_text=True)
    assert item_points(page) == ["1/2 × 权重 2 = 2", "1/1 × 权重 1 = 1", "0/1 × 权重 1 = 0"]
    assert "得分 50%（6 分中得 3 分）；及格线 80%。" in page
    assert "合计：6 分中得 3 分" in page


def test_a_critical_fail_that_stands_shows_one_red_outcome_with_its_reason(
    client, failed, signed_in
):
    signed_in("learner")
    page = client.get(f"/assessments/{failed.id}").get_data(as_text=True)
    assert page.count('data-testid="outcome-badge"') == 1
    assert '<span class="badge error" data-testid="outcome-badge">未通过</span>' in page
    assert 'data-testid="critical-failure"' in page and 'data-testid="correction"' not in page
    assert "合计：6 分中得 2 分" in page
