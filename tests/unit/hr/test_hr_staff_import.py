"""The staff import against the database: preview, apply all or nothing, re-import."""

import time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.conftest import count_rows, make_user
from tests.unit.hr.helpers import csv_bytes, positions, staff_file
from trainer.extensions import db
from trainer.hr.staff import importer
from trainer.hr.staff.reading import read_staff_file
from trainer.models import AuditEvent, Department, User


@pytest.fixture
def org(app, users):
    """The test company (from the users fixture) and the standard positions."""
    return positions()


def preview(data: bytes, actor=None):
    return importer.plan_import(read_staff_file(data), actor)


def apply(data: bytes, actor=None):
    return importer.apply_file(read_staff_file(data), actor, "test.csv")


def person(employee_no: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.employee_no == employee_no))


def test_preview_of_two_stores_lists_creations_and_new_departments(org):
    plan = preview(staff_file("two-stores-gbk.csv"))
    assert plan.ok, [p.code for p in plan.problems]
    assert plan.counts()["create"] == 6
    # 上海一店 exists under the test company; 杭州二店 does not yet.
    assert plan.new_departments == ["测试公司/华东区/杭州二店"]
    assert count_rows(User) == 5  # a preview changes nothing


def test_apply_creates_people_in_their_stores_with_roles(org):
    outcome = apply(staff_file("two-stores-gbk.csv"))
    assert outcome["create"] == 6 and outcome["departments_created"] == 1
    wang = person("E1001")
    assert wang.department.path == "测试公司/华东区/上海一店"
    assert wang.position.code == "sales-associate"
    assert str(wang.hire_date) == "2026-03-02" and wang.email == "wangfang@example.com"
    assert wang.roles == {"learner"}
    assert person("E1003").roles == {"learner", "assessor"}
    assert person("E2003").roles == {"learner"}  # empty cell: a learner
    assert person("E2001").department.path == "测试公司/华东区/杭州二店"
    assert not person("E1001").check_password("")  # signs in after HR resets the password
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "staff.imported"))
    assert audit.details["create"] == 6


def test_reimporting_the_same_file_changes_nothing(org):
    apply(staff_file("two-stores-gbk.csv"))
    before = [
        (u.id, u.display_name, u.email, u.department_id, u.position_id, u.hire_date, u.active)
        for u in db.session.scalars(sa.select(User).order_by(User.id))
    ]
    plan = preview(staff_file("two-stores-utf8-bom.csv"))
    assert plan.counts()["unchanged"] == 6 and plan.counts()["create"] == 0
    outcome = apply(staff_file("two-stores-english.csv"))
    assert outcome["unchanged"] == 6 and outcome["update"] == 0
    db.session.expire_all()
    after = [
        (u.id, u.display_name, u.email, u.department_id, u.position_id, u.hire_date, u.active)
        for u in db.session.scalars(sa.select(User).order_by(User.id))
    ]
    assert after == before
    assert count_rows(Department) == 4


def test_leavers_are_deactivated_never_deleted(org):
    apply(staff_file("two-stores-gbk.csv"))
    plan = preview(staff_file("leavers.csv"))
    assert [row.employee_no for row in plan.by_action("deactivate")] == ["E1002", "E2003"]
    apply(staff_file("leavers.csv"))
    db.session.expire_all()
    assert person("E1002").active is False and person("E2003").active is False
    assert person("E1001").active is True  # not in the file: left alone
    assert count_rows(User) == 11


def test_changes_are_listed_field_by_field(org):
    apply(staff_file("two-stores-gbk.csv"))
    plan = preview(csv_bytes("工号,姓名,岗位,部门", "E1001,王芳芳,门店主管,华东区/杭州二店"))
    (row,) = plan.by_action("update")
    assert ("name", "王芳", "王芳芳") in row.changes
    assert ("position", "导购", "门店主管") in row.changes
    assert ("department", "测试公司/华东区/上海一店", "测试公司/华东区/杭州二店") in row.changes


def test_every_bad_row_is_explained_and_nothing_is_imported(org):
    plan = preview(staff_file("bad-rows.csv"))
    with force_locale("en"):
        messages = [p.describe() for p in plan.problems]
    assert not plan.ok
    assert any(m.startswith("row 2, column 入职日期:") and "2026-02-30" in m for m in messages)
    assert any(m.startswith("row 3, column 岗位:") and "保安队长" in m for m in messages)
    assert any(m.startswith("row 4, column 工号:") and "row 2" in m for m in messages)
    assert any(m.startswith("row 5, column 姓名:") for m in messages)
    assert any(m.startswith("row 5, column 在职:") and "也许" in m for m in messages)
    with pytest.raises(importer.ImportRejected):
        apply(staff_file("bad-rows.csv"))
    db.session.rollback()
    assert person("E3004") is None  # the good row was not imported either
    assert count_rows(Department) == 3  # 苏州三店 was not created


def test_email_of_another_person_and_duplicate_emails_are_refused(org):
    apply(staff_file("two-stores-gbk.csv"))
    plan = preview(
        csv_bytes(
            "工号,姓名,邮箱",
            "E9001,新人,WangFang@example.com",
            "E9002,新人二,same@example.com",
            "E9003,新人三,same@example.com",
            "E9004,新人四,not-an-address",
        )
    )
    codes = [(p.row, p.code) for p in plan.problems]
    assert codes == [(2, "email-taken"), (4, "duplicate-email"), (5, "bad-email")]


def test_admin_role_cannot_be_given_and_roles_are_understood_in_chinese(org):
    plan = preview(csv_bytes("工号,姓名,角色", "E1,甲,管理员", "E2,乙,培训师、人事", "E3,丙,老板"))
    assert [(p.row, p.code) for p in plan.problems] == [(2, "admin-role"), (4, "unknown-role")]
    assert plan.rows[0].values["roles"] == {"trainer", "hr"}


def test_an_admin_keeps_the_admin_role_when_roles_are_imported(org, users):
    apply(csv_bytes("工号,姓名,角色", "M0001,管理员老赵,学员"))
    db.session.expire_all()
    assert person("M0001").roles == {"admin", "learner"}


def test_hr_cannot_deactivate_themselves_by_import(org, users):
    plan = preview(csv_bytes("工号,姓名,在职", "H0001,人事小陈,离职"), actor=users["hr"])
    assert [p.code for p in plan.problems] == ["self-deactivate"]


def test_hr_import_cannot_grant_hr_or_touch_administrators_and_hr(org, users):
    """Issue 21: an HR import could grant or remove the HR role and deactivate admins."""
    make_user("H0002", "人事二号", {"hr", "learner"})
    plan = preview(
        csv_bytes(
            "工号,姓名,角色,在职",
            "L0001,学员小张,学员、人事,",
            "M0001,管理员老赵,,离职",
            "H0002,人事二号,学员,",
            "T0001,培训师老王,培训师、考核员,",
        ),
        actor=users["hr"],
    )
    codes = [(p.row, p.code) for p in plan.problems]
    assert (2, "role-not-grantable") in codes
    assert (3, "not-for-hr") in codes
    assert (4, "not-for-hr") in codes
    assert not any(row == 5 for row, _code in codes)  # learner roles HR may give
    with pytest.raises(importer.ImportRejected):
        apply(csv_bytes("工号,姓名,在职", "M0001,管理员老赵,离职"), actor=users["hr"])
    db.session.expire_all()
    assert person("M0001").active is True


def test_hr_import_may_leave_administrators_unchanged(org, users):
    plan = preview(csv_bytes("工号,姓名", "M0001,管理员老赵", "H0001,人事小陈"), actor=users["hr"])
    assert plan.ok and plan.counts()["unchanged"] == 2


def test_admin_import_grants_and_removes_hr(org, users):
    apply(
        csv_bytes("工号,姓名,角色", "L0001,学员小张,学员、人事", "H0001,人事小陈,学员"),
        actor=users["admin"],
    )
    db.session.expire_all()
    assert person("L0001").roles == {"learner", "hr"}
    assert person("H0001").roles == {"learner"}


def test_import_audits_each_person_with_the_actor(org, users):
    apply(
        csv_bytes(
            "工号,姓名,角色,在职",
            "E7001,新人,考核员,",
            "L0001,学员小张,学员,离职",
            "T0001,培训师老王二,学员,",
        ),
        actor=users["hr"],
    )
    events = {
        (e.action, e.subject_id): e
        for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.subject_type == "user"))
    }
    new_id = person("E7001").id
    assert set(events) == {
        ("person.created", new_id),
        ("person.deactivated", users["learner"].id),
        ("person.updated", users["trainer"].id),
        ("person.roles_changed", users["trainer"].id),
    }
    assert {e.actor_id for e in events.values()} == {users["hr"].id}
    assert events[("person.roles_changed", users["trainer"].id)].details["old"] == [
        "learner",
        "trainer",
    ]
    assert events[("person.updated", users["trainer"].id)].details["changes"] == {
        "name": ["培训师老王", "培训师老王二"]
    }


@pytest.mark.parametrize(
    "text, ok",
    [
        ("2026-03-01", True),
        ("2026/3/1", True),
        ("2026.03.01", True),
        ("2026年3月1日", True),
        ("2026-02-29", False),
        ("2026-13-01", False),
        ("01/03/2026", False),
        ("1900-01-01", False),
    ],
)
def test_hire_dates(org, text, ok):
    plan = preview(csv_bytes("工号,姓名,入职日期", f"E1,甲,{text}"))
    assert plan.ok is ok, [p.code for p in plan.problems]


def test_department_path_with_the_company_is_the_same_department(org):
    plan = preview(
        csv_bytes("工号,姓名,部门", "E1,甲,测试公司/华东区/上海一店", "E2,乙,华东区 / 上海一店")
    )
    assert plan.ok and plan.new_departments == []
    assert {row.values["department"] for row in plan.rows} == {"测试公司/华东区/上海一店"}


def test_a_person_not_on_staff_marked_as_left_is_ignored(org):
    plan = preview(csv_bytes("工号,姓名,在职", "E404,已走的人,离职"))
    assert plan.counts()["ignored"] == 1
    apply(csv_bytes("工号,姓名,在职", "E404,已走的人,离职"))
    assert person("E404") is None


def test_a_deactivated_person_listed_as_active_is_reactivated(org):
    make_user("E5", "回来的人", {"learner"})
    person("E5").active = False
    db.session.commit()
    plan = preview(csv_bytes("工号,姓名,在职", "E5,回来的人,在职"))
    assert plan.counts()["reactivate"] == 1
    apply(csv_bytes("工号,姓名,在职", "E5,回来的人,在职"))
    db.session.expire_all()
    assert person("E5").active is True


def test_a_50000_row_file_previews_with_every_row_checked(org):
    lines = ["工号,姓名,部门,岗位,入职日期"]
    lines += [
        f"N{index:05d},员工{index},华东区/门店{index % 50},导购,2026-01-{index % 28 + 1:02d}"
        for index in range(50_000)
    ]
    lines[30_001] = "N00001,重复的人,华东区/门店1,导购,2026-02-30"
    started = time.perf_counter()
    plan = preview(csv_bytes(*lines))
    elapsed = time.perf_counter() - started
    assert plan.counts()["create"] == 49_999
    assert {p.code for p in plan.problems} == {"duplicate-employee-no", "bad-date"}
    assert len(plan.new_departments) == 50
    assert elapsed < 20, elapsed
