"""HR assigns assessors to departments and reads the audit log."""

import pytest
import sqlalchemy as sa

from tests.conftest import count_rows, make_user
from tests.unit.assessments.assessment_helpers import (
    ALL_MAX,
    CRITICAL_FAILED,
    OTHER_STORE,
    department,
    set_up_people,
    submitted,
)
from trainer.extensions import db
from trainer.models import AssessorAssignment, AuditEvent


@pytest.fixture
def people(users, synced):
    return set_up_people(users)


def test_hr_assigns_a_department_and_the_assessor_sees_its_staff(client, people, signed_in):
    north = department(OTHER_STORE)
    signed_in("hr")
    page = client.get("/assessments/assessors").get_data(as_text=True)
    assert "考核员小李 (A0001)" in page and "测试公司/华东区" in page
    response = client.post(
        "/assessments/assessors",
        data={"assessor": people["assessor"].id, "department": north.id},
        follow_redirects=True,
    )
    assert "考核员小李 现在可以考核 测试公司/华北区/北京一店 的员工" in response.get_data(
        as_text=True
    )
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "assessor.assigned"))
    assert event.actor_id == people["hr"].id
    assert event.details["department"] == "测试公司/华北区/北京一店"
    client.post("/auth/logout")
    signed_in("assessor")
    assert "外区学员小吴" in client.get("/assessments/").get_data(as_text=True)


def test_assigning_twice_is_refused_with_a_message(client, people, signed_in):
    region = db.session.scalar(
        sa.select(AssessorAssignment.department_id).where(
            AssessorAssignment.assessor_id == people["assessor"].id
        )
    )
    signed_in("hr")
    before = count_rows(AssessorAssignment)
    response = client.post(
        "/assessments/assessors", data={"assessor": people["assessor"].id, "department": region}
    )
    assert response.status_code == 409
    assert "已经负责考核 测试公司/华东区" in response.get_data(as_text=True)
    assert count_rows(AssessorAssignment) == before


def test_only_assessors_can_be_assigned(client, people, signed_in):
    signed_in("hr")
    store = department(OTHER_STORE)
    response = client.post(
        "/assessments/assessors", data={"assessor": people["learner"].id, "department": store.id}
    )
    assert response.status_code == 400  # not among the choices offered
    assert count_rows(AssessorAssignment) == 2


def test_removing_an_assignment_ends_the_scope_and_is_audited(client, people, signed_in):
    assignment_id = db.session.scalar(
        sa.select(AssessorAssignment.id).where(
            AssessorAssignment.assessor_id == people["assessor"].id
        )
    )
    signed_in("hr")
    response = client.post(f"/assessments/assessors/{assignment_id}/remove", follow_redirects=True)
    assert "考核员小李 不再负责考核 测试公司/华东区" in response.get_data(as_text=True)
    assert db.session.get(AssessorAssignment, assignment_id) is None
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action != "course.version_published")
    ).all()
    assert actions == ["assessor.unassigned"]
    client.post("/auth/logout")
    signed_in("assessor")
    page = client.get("/assessments/").get_data(as_text=True)
    assert "学员小张" not in page and "人事还没有给你分配部门" in page


def test_audit_log_is_filterable_by_learner(client, people, signed_in):
    submitted(people["assessor"], people["learner"], CRITICAL_FAILED)
    other = make_user("L0002", "学员小周", {"learner"}, department_path="测试公司/华东区/上海一店")
    submitted(people["second_assessor"], other, ALL_MAX)
    signed_in("hr")
    everything = client.get("/audit/").get_data(as_text=True)
    assert ">学员小张</a>" in everything and ">学员小周</a>" in everything
    assert "考核结果" in everything or "评定了" in everything
    assert "未通过" in everything
    filtered = client.get("/assessments/audit?learner=L0001", follow_redirects=True)
    page = filtered.get_data(as_text=True)
    assert ">学员小张</a>" in page and ">学员小周</a>" not in page
    by_name = client.get("/audit/?person=小周").get_data(as_text=True)
    assert ">学员小周</a>" in by_name and ">学员小张</a>" not in by_name
    nobody = client.get("/audit/?person=nobody").get_data(as_text=True)
    assert "没有人员符合“nobody”。" in nobody


def test_home_page_points_each_role_to_its_assessment_pages(client, people, signed_in):
    signed_in("learner")
    home = client.get("/").get_data(as_text=True)
    assert "查看我的结果" in home and "/assessments/mine" in home
    client.post("/auth/logout")
    signed_in("hr")
    home = client.get("/").get_data(as_text=True)
    # HR's home is the dashboard: its "appeals waiting" figure opens the appeals list.
    assert 'data-testid="figure-appeals" href="/assessments/appeals"' in home
    assert 'data-nav="audit.index"' in home
    assert 'data-nav="assessments.index"' not in home
    appeals = client.get("/assessments/appeals").get_data(as_text=True)
    assert "/assessments/assessors" in appeals and "考核员及其负责的部门" in appeals
