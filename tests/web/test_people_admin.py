"""Accounts in the browser (issue 23), through the test client: HR and administrators add and
edit people, the list filters, pages and links to training records, bulk actions change
everyone or nobody and say who could not be changed, departments and positions are archived."""

import re

import sqlalchemy as sa

from tests.conftest import count_rows, make_user
from tests.unit.hr.helpers import make_plan, positions
from tests.unit.hr.invitation_helpers import mark_signed_in, new_hire
from trainer.extensions import db
from trainer.hr.people.service import ensure_department_path
from trainer.models import AuditEvent, Department, InvitationBatch, Position, User
from trainer.models.plans import PlanAssignment

STORE = "测试公司/华东区/上海一店"


def person(employee_no: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.employee_no == employee_no))


def options(page: str, select_id: str) -> dict[str, str]:
    """value -> label of the options of one <select> on the page."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    return dict(re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))


def new_person_form(**values) -> dict:
    data = {
        "employee_no": "W100",
        "display_name": "网页新人",
        "email": "",
        "department": "0",
        "position": "0",
        "hire_date": "",
        "roles": ["learner"],
    }
    data.update(values)
    return data


def test_hr_adds_a_person_from_the_web(client, users, signed_in):
    store = ensure_department_path(STORE)
    sales = positions()["sales-associate"]
    signed_in("hr")
    form = client.get("/hr/people/new").get_data(as_text=True)
    assert STORE in form and "导购" in form
    # HR is not offered the HR or administrator role.
    assert 'value="admin"' not in form and 'value="hr"' not in form
    response = client.post(
        "/hr/people/new",
        data=new_person_form(
            department=str(store.id), position=str(sales.id), hire_date="2026-03-01"
        ),
    )
    assert response.status_code == 302
    created = person("W100")
    assert (created.display_name, created.department.path, created.position.code) == (
        "网页新人",
        STORE,
        "sales-associate",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "网页新人 已添加" in page


def test_a_duplicate_employee_number_gets_a_form_error_and_nothing_is_saved(
    client, users, signed_in
):
    signed_in("hr")
    before = count_rows(User)
    response = client.post(
        "/hr/people/new", data=new_person_form(employee_no="L0001", display_name="冒名")
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "这个工号已被其他人使用" in page and "没有保存任何内容" in page
    assert count_rows(User) == before
    assert person("L0001").display_name == "学员小张"


def test_a_duplicate_email_on_edit_gets_a_form_error_and_nothing_is_saved(client, users, signed_in):
    users["trainer"].email = "wang@example.com"
    db.session.commit()
    target = make_user("W101", "原来的名字", {"learner"})
    signed_in("hr")
    response = client.post(
        f"/hr/people/{target.id}/edit",
        data=new_person_form(display_name="新名字", email="WANG@example.com"),
    )
    assert response.status_code == 400
    assert "这个电子邮箱已被其他人使用" in response.get_data(as_text=True)
    assert (person("W101").display_name, person("W101").email) == ("原来的名字", None)


def test_hr_editing_an_administrator_is_refused(client, users, signed_in):
    signed_in("hr")
    admin = users["admin"]
    response = client.get(f"/hr/people/{admin.id}/edit", follow_redirects=True)
    assert "只有管理员才能管理拥有人事或管理员角色的人" in response.get_data(as_text=True)
    client.post(
        f"/hr/people/{admin.id}/edit",
        data=new_person_form(display_name="被改了", roles=["learner"]),
    )
    assert person("M0001").display_name == "管理员老赵"
    assert person("M0001").roles == frozenset({"admin", "learner"})


def test_hr_changes_a_learners_position_and_roles_and_keeps_what_it_cannot_grant(
    client, users, signed_in
):
    lead = positions()["store-supervisor"]
    target = make_user("W102", "学员", {"learner"})
    signed_in("hr")
    page = client.get(f"/hr/people/{target.id}/edit").get_data(as_text=True)
    assert 'name="display_name"' in page and "学员" in page
    response = client.post(
        f"/hr/people/{target.id}/edit",
        data=new_person_form(
            display_name="学员", position=str(lead.id), roles=["learner", "assessor"]
        ),
    )
    assert response.status_code == 302
    found = person("W102")
    assert found.position.code == "store-supervisor"
    assert found.roles == frozenset({"learner", "assessor"})
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "person.roles_changed")
    )
    assert event.details["new"] == ["assessor", "learner"]


def test_an_administrator_grants_hr_from_the_edit_page(client, users, signed_in):
    target = make_user("W103", "未来人事", {"learner"})
    signed_in("admin")
    client.post(
        f"/hr/people/{target.id}/edit",
        data=new_person_form(display_name="未来人事", roles=["learner", "hr"]),
    )
    assert person("W103").roles == frozenset({"learner", "hr"})


def test_deactivating_yourself_is_refused(client, users, signed_in):
    me = signed_in("admin")
    response = client.post(
        f"/hr/people/{me.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "不能在这里管理自己的账号" in response.get_data(as_text=True)
    assert person("M0001").active
    # Nor by ticking yourself among others.
    other = make_user("W104", "别人", {"learner"})
    response = client.post(
        "/hr/people/bulk",
        data={"action": "deactivate", "people": [str(me.id), str(other.id)]},
        follow_redirects=True,
    )
    assert "管理员老赵（M0001）：这是你自己" in response.get_data(as_text=True)
    assert person("W104").active and person("M0001").active


# --- the list -------------------------------------------------------------------------------


def test_filters_combined_from_the_web(client, users, signed_in):
    found = positions()
    make_user("G1", "上海导购", {"learner"}, department_path=STORE, position_code="sales-associate")
    make_user(
        "G2",
        "收银导购",
        {"learner"},
        department_path=f"{STORE}/收银组",
        position_code="sales-associate",
    )
    make_user(
        "G3",
        "杭州导购",
        {"learner"},
        department_path="测试公司/华东区/杭州二店",
        position_code="sales-associate",
    )
    make_user(
        "G4", "上海主管", {"learner"}, department_path=STORE, position_code="store-supervisor"
    )
    mark_signed_in(person("G1"))
    store = ensure_department_path(STORE)
    signed_in("hr")
    page = client.get(
        "/hr/people/",
        query_string={
            "department": store.id,
            "position": found["sales-associate"].id,
            "status": "never-signed-in",
        },
    ).get_data(as_text=True)
    shown = [no for no in ("G1", "G2", "G3", "G4") if f'data-employee="{no}"' in page]
    assert shown == ["G2"]
    # Each name links to the person's training record.
    assert 'href="/training/people/G2"' in page


def test_nonsense_filter_values_are_ignored_not_a_500(client, users, signed_in):
    signed_in("hr")
    response = client.get(
        "/hr/people/", query_string={"department": "abc", "role": "king", "status": "x"}
    )
    assert response.status_code == 200
    assert 'data-employee="L0001"' in response.get_data(as_text=True)


def test_the_list_pages_through_everyone_keeping_the_filters(client, users, signed_in):
    for number in range(1, 52):  # 51 learners + the five role accounts: 56 people, 2 pages
        db.session.add(User(employee_no=f"X{number:03d}", display_name=f"人{number}"))
    db.session.commit()
    signed_in("hr")
    first = client.get("/hr/people/", query_string={"q": "X"}).get_data(as_text=True)
    assert "51 人" in first and "1 / 2" in first
    assert 'href="/hr/people/?page=2&amp;q=X"' in first
    second = client.get("/hr/people/", query_string={"q": "X", "page": 2}).get_data(as_text=True)
    assert 'data-employee="X051"' in second and 'data-employee="X001"' not in second


# --- bulk actions -----------------------------------------------------------------------------


def test_bulk_deactivate_with_one_person_out_of_scope_changes_nobody(client, users, signed_in):
    a = make_user("K1", "甲", {"learner"})
    b = make_user("K2", "乙", {"learner"})
    signed_in("hr")
    response = client.post(
        "/hr/people/bulk",
        data={"action": "deactivate", "people": [str(a.id), str(users["admin"].id), str(b.id)]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "没有更改任何人" in page
    assert "管理员老赵（M0001）：只有管理员才能管理人事和管理员" in page
    assert [person(no).active for no in ("K1", "K2", "M0001")] == [True, True, True]


def test_bulk_deactivate_in_scope(client, users, signed_in):
    a = make_user("K3", "丙", {"learner"})
    b = make_user("K4", "丁", {"learner"})
    signed_in("hr")
    response = client.post(
        "/hr/people/bulk",
        data={"action": "deactivate", "people": [str(a.id), str(b.id)], "back": "/hr/people/?q=K"},
    )
    assert response.headers["Location"] == "/hr/people/?q=K"
    assert [person(no).active for no in ("K3", "K4")] == [False, False]


def test_bulk_back_address_never_leaves_the_people_list(client, users, signed_in):
    a = make_user("K5", "戊", {"learner"})
    signed_in("hr")
    for back in ("https://evil.example.com/", "//evil.example.com/hr/people/", "/auth/logout"):
        response = client.post(
            "/hr/people/bulk", data={"action": "deactivate", "people": [str(a.id)], "back": back}
        )
        assert response.headers["Location"] == "/hr/people/"


def test_bulk_invite_opens_the_invitation_batch_of_the_people_ticked(client, users, signed_in):
    hire = new_hire("K6", "新人")
    signed_in("hr")
    response = client.post("/hr/people/bulk", data={"action": "invite", "people": [str(hire.id)]})
    batch = db.session.scalar(sa.select(InvitationBatch))
    assert response.headers["Location"] == f"/hr/invitations/{batch.id}"
    assert batch.selection == {"user_ids": [hire.id]}


def test_bulk_invite_refuses_everyone_when_one_has_signed_in(client, users, signed_in):
    hire, veteran = new_hire("K7", "新人"), new_hire("K8", "老员工")
    mark_signed_in(veteran)
    signed_in("hr")
    response = client.post(
        "/hr/people/bulk",
        data={"action": "invite", "people": [str(hire.id), str(veteran.id)]},
        follow_redirects=True,
    )
    assert "老员工（K8）：已经登录过" in response.get_data(as_text=True)
    assert count_rows(InvitationBatch) == 0


def test_bulk_assign_a_plan(client, users, signed_in, synced):
    hr = users["hr"]
    plan = make_plan(hr)
    a = make_user("K9", "己", {"learner"})
    signed_in("hr")
    response = client.post(
        "/hr/people/bulk",
        data={"action": "assign", "plan": str(plan.id), "people": [str(a.id)]},
        follow_redirects=True,
    )
    assert "新增 1 项" in response.get_data(as_text=True)
    assert [row.user_id for row in db.session.scalars(sa.select(PlanAssignment))] == [a.id]


def test_bulk_assign_without_a_plan_or_without_anyone_ticked_says_so(client, users, signed_in):
    a = make_user("K10", "庚", {"learner"})
    signed_in("hr")
    page = client.post(
        "/hr/people/bulk", data={"action": "assign", "people": [str(a.id)]}, follow_redirects=True
    ).get_data(as_text=True)
    assert "请选择要分配的计划" in page
    page = client.post(
        "/hr/people/bulk", data={"action": "deactivate"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "请先勾选人员" in page


# --- archived departments and positions -------------------------------------------------------


def test_an_archived_department_is_not_offered_but_still_shown_on_its_people(
    client, users, signed_in
):
    old = ensure_department_path("测试公司/华东区/旧店")
    store = ensure_department_path(STORE)
    db.session.commit()
    target = make_user("Z1", "旧店员工", {"learner"}, department_path="测试公司/华东区/旧店")
    signed_in("hr")
    response = client.post(f"/hr/organisation/departments/{old.id}/archive")
    assert response.status_code == 302
    assert db.session.get(Department, old.id).archived_at is not None
    # Not offered: adding a person, inviting a group, a plan's target, adding a department.
    offered = [
        options(client.get("/hr/people/new").get_data(as_text=True), "department"),
        options(client.get("/hr/people/").get_data(as_text=True), "department"),
        options(client.get("/hr/organisation").get_data(as_text=True), "parent"),
    ]
    assert [str(old.id) in choices for choices in offered] == [False, False, False]
    assert [str(store.id) in choices for choices in offered] == [True, True, True]
    # The list's filter still finds the people in it, and says it is archived.
    listed = options(client.get("/hr/people/").get_data(as_text=True), "filter-department")
    assert listed[str(old.id)] == "测试公司/华东区/旧店（已归档）"
    # Still shown where a record has it.
    page = client.get(f"/hr/people/{target.id}/edit").get_data(as_text=True)
    assert options(page, "department")[str(old.id)] == "测试公司/华东区/旧店"
    assert "测试公司/华东区/旧店" in client.get("/hr/people/?q=Z1").get_data(as_text=True)
    # And restored.
    client.post(f"/hr/organisation/departments/{old.id}/restore")
    page = client.get("/hr/people/new").get_data(as_text=True)
    assert str(old.id) in options(page, "department")


def test_archiving_a_region_with_a_store_in_use_is_refused(client, users, signed_in):
    region = ensure_department_path("测试公司/华南区")
    ensure_department_path("测试公司/华南区/广州一店")
    db.session.commit()
    signed_in("hr")
    page = client.post(
        f"/hr/organisation/departments/{region.id}/archive", follow_redirects=True
    ).get_data(as_text=True)
    assert "广州一店" in page and "请先归档下级部门" in page
    assert db.session.get(Department, region.id).archived_at is None


def test_an_archived_position_is_not_offered_in_forms(client, users, signed_in):
    lead = positions()["store-supervisor"]
    signed_in("hr")
    client.post(f"/hr/organisation/positions/{lead.id}/archive")
    assert db.session.get(Position, lead.id).archived_at is not None
    page = client.get("/hr/people/new").get_data(as_text=True)
    offered = options(page, "position")
    assert str(lead.id) not in offered
    assert str(positions()["sales-associate"].id) in offered
    assert "已归档" in client.get("/hr/organisation").get_data(as_text=True)
