"""Managing people from the web, as services: create and edit under the who-manages-whom rule,
duplicates refused with nothing saved, deactivation, bulk actions that change everyone or
nobody, archived departments and positions, and the people list's filters."""

from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import count_rows, make_user
from tests.unit.hr.helpers import make_plan, positions
from tests.unit.hr.invitation_helpers import mark_signed_in, new_hire
from trainer.auth.authority import Refused
from trainer.extensions import db
from trainer.hr.people import service
from trainer.hr.people.service import BulkRefused, FieldProblems, PeopleFilter, PersonFields
from trainer.hr.staff import organisation
from trainer.hr.staff.organisation import OrganisationError
from trainer.models import AuditEvent, Department, InvitationBatch, Position, User
from trainer.models.plans import PlanAssignment, PlanTarget

TODAY = date(2026, 3, 10)


def person(employee_no: str) -> User:
    return db.session.scalar(sa.select(User).where(User.employee_no == employee_no))


def department(path: str) -> Department:
    return service.ensure_department_path(path)


def actions(kind: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == kind).order_by(AuditEvent.id)
        )
    )


def fields(**values) -> PersonFields:
    values.setdefault("display_name", "新员工")
    values.setdefault("roles", frozenset({"learner"}))
    return PersonFields(**values)


# --- create ---------------------------------------------------------------------------------


def test_hr_creates_a_learner_with_department_and_position(app, users):
    store = department("测试公司/华东区/上海一店")
    sales = positions()["sales-associate"]
    created = service.create_person(
        users["hr"],
        fields(
            employee_no=" E100 ",
            display_name=" 王小明 ",
            email="Wang@Example.com",
            department_id=store.id,
            position_id=sales.id,
            hire_date=date(2026, 3, 1),
        ),
    )
    found = person("E100")
    assert found.id == created.id
    assert (found.display_name, found.email, found.roles) == (
        "王小明",
        "wang@example.com",
        frozenset({"learner"}),
    )
    assert found.department.path == "测试公司/华东区/上海一店"
    assert found.position.code == "sales-associate"
    assert found.password_hash is None  # an invitation lets them choose one
    assert [event.details["person"] for event in actions("person.created")] == ["E100"]


def test_hr_cannot_create_an_administrator_or_another_hr(app, users):
    for roles in ({"admin"}, {"hr", "learner"}):
        with pytest.raises(Refused) as refused:
            service.create_person(users["hr"], fields(employee_no="E101", roles=frozenset(roles)))
        assert refused.value.code == "not-for-hr"
    assert person("E101") is None


def test_an_administrator_creates_an_hr_person(app, users):
    service.create_person(users["admin"], fields(employee_no="E102", roles=frozenset({"hr"})))
    assert person("E102").roles == frozenset({"hr"})


@pytest.mark.parametrize(
    "values, field, code",
    [
        ({"employee_no": "L0001"}, "employee_no", "employee-no-taken"),  # the learner's number
        ({"employee_no": "E200", "email": "LEARNER@example.com"}, "email", "email-taken"),
        ({"employee_no": ""}, "employee_no", "employee-no-missing"),
        ({"employee_no": "E" * 51}, "employee_no", "employee-no-too-long"),
        ({"employee_no": "E201", "display_name": "  "}, "display_name", "name-missing"),
        ({"employee_no": "E202", "email": "not-an-address"}, "email", "email-invalid"),
    ],
)
def test_bad_values_are_refused_per_field_and_nothing_is_saved(app, users, values, field, code):
    users["learner"].email = "learner@example.com"
    db.session.commit()
    before = count_rows(User)
    with pytest.raises(FieldProblems) as refused:
        service.create_person(users["hr"], fields(**values))
    assert refused.value.problems == {field: code}
    assert count_rows(User) == before
    assert actions("person.created") == []


def test_an_employee_number_of_exactly_50_characters_is_accepted(app, users):
    service.create_person(users["hr"], fields(employee_no="E" * 50))
    assert person("E" * 50) is not None


# --- edit ----------------------------------------------------------------------------------


def test_hr_edits_a_learners_name_email_department_position_and_roles(app, users):
    target = make_user("E300", "旧名字", {"learner"})
    store = department("测试公司/华东区/杭州二店")
    lead = positions()["store-supervisor"]
    changed = service.update_person(
        users["hr"],
        target,
        fields(
            display_name="新名字",
            email="e300@example.com",
            department_id=store.id,
            position_id=lead.id,
            roles=frozenset({"learner", "assessor"}),
        ),
    )
    assert changed == ["display_name", "email", "department", "position", "roles"]
    db.session.expire_all()
    found = person("E300")
    assert (found.display_name, found.email, found.department.name, found.position.code) == (
        "新名字",
        "e300@example.com",
        "杭州二店",
        "store-supervisor",
    )
    assert found.roles == frozenset({"learner", "assessor"})
    [roles_event] = actions("person.roles_changed")
    assert (roles_event.details["old"], roles_event.details["new"]) == (
        ["learner"],
        ["assessor", "learner"],
    )
    [updated] = actions("person.updated")
    assert updated.details["changed"]["display_name"] == ["旧名字", "新名字"]


def test_saving_an_unchanged_form_changes_nothing_and_records_nothing(app, users):
    target = make_user("E301", "原样", {"learner"})
    assert service.update_person(users["hr"], target, fields(display_name="原样")) == []
    assert actions("person.updated") == [] and actions("person.roles_changed") == []


def test_hr_editing_someone_outside_their_scope_is_refused(app, users):
    for role in ("admin", "hr"):
        with pytest.raises(Refused) as refused:
            service.update_person(users["hr"], users[role], fields(display_name="改掉"))
        assert refused.value.code == ("not-yourself" if role == "hr" else "not-for-hr")
    db.session.expire_all()
    assert person("M0001").display_name == "管理员老赵"


def test_hr_cannot_make_a_learner_an_administrator(app, users):
    target = make_user("E302", "学员", {"learner"})
    with pytest.raises(Refused) as refused:
        service.update_person(
            users["hr"], target, fields(display_name="学员", roles=frozenset({"learner", "admin"}))
        )
    assert refused.value.code == "role-not-grantable"
    db.session.expire_all()
    assert person("E302").roles == frozenset({"learner"})


def test_a_duplicate_email_on_edit_saves_nothing_not_even_the_name(app, users):
    users["learner"].email = "taken@example.com"
    target = make_user("E303", "原名", {"learner"})
    db.session.commit()
    with pytest.raises(FieldProblems) as refused:
        service.update_person(
            users["hr"], target, fields(display_name="新名", email="Taken@Example.com")
        )
    assert refused.value.problems == {"email": "email-taken"}
    db.session.expire_all()
    assert person("E303").display_name == "原名"
    # Keeping one's own address is not a duplicate.
    service.update_person(
        users["hr"], users["learner"], fields(display_name="学员小张", email="taken@example.com")
    )
    assert person("L0001").email == "taken@example.com"


# --- activation -----------------------------------------------------------------------------


def test_deactivating_yourself_is_refused(app, users):
    for actor in ("hr", "admin"):
        with pytest.raises(Refused) as refused:
            service.set_active(users[actor], users[actor], False)
        assert refused.value.code == "not-yourself"
        assert users[actor].active


def test_deactivation_ends_sessions_and_is_audited_reactivation_too(app, users):
    target = users["learner"]
    epoch = target.session_epoch
    assert service.set_active(users["hr"], target, False) is True
    assert (target.active, target.session_epoch) == (False, epoch + 1)
    assert service.set_active(users["hr"], target, False) is False  # nothing to change
    assert service.set_active(users["hr"], target, True) is True
    assert [
        e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))
    ] == [
        "person.deactivated",
        "person.reactivated",
    ]


# --- bulk: everyone or nobody ---------------------------------------------------------------


def test_bulk_deactivate_with_one_person_out_of_scope_changes_nobody(app, users):
    a, b = make_user("B1", "甲", {"learner"}), make_user("B2", "乙", {"learner"})
    with pytest.raises(BulkRefused) as refused:
        service.bulk_deactivate(users["hr"], [a, users["admin"], b])
    assert [(u.person.employee_no, u.code) for u in refused.value.unchangeable] == [
        ("M0001", "not-for-hr")
    ]
    db.session.expire_all()
    assert [person(no).active for no in ("B1", "B2", "M0001")] == [True, True, True]
    assert actions("person.deactivated") == []


def test_bulk_deactivate_including_yourself_changes_nobody(app, users):
    a = make_user("B3", "丙", {"learner"})
    with pytest.raises(BulkRefused) as refused:
        service.bulk_deactivate(users["admin"], [a, users["admin"]])
    assert [u.code for u in refused.value.unchangeable] == ["not-yourself"]
    db.session.expire_all()
    assert person("B3").active


def test_bulk_deactivate_all_in_scope_deactivates_each_and_ends_their_sessions(app, users):
    a, b = make_user("B4", "丁", {"learner"}), make_user("B5", "戊", {"learner"})
    epochs = (a.session_epoch, b.session_epoch)
    assert service.bulk_deactivate(users["hr"], [a, b]) == 2
    db.session.expire_all()
    assert [(person(no).active, person(no).session_epoch) for no in ("B4", "B5")] == [
        (False, epochs[0] + 1),
        (False, epochs[1] + 1),
    ]
    assert len(actions("person.deactivated")) == 2


def test_bulk_invite_with_one_person_who_signed_in_invites_nobody(app, users):
    hire, veteran = new_hire("N1", "新人"), new_hire("N2", "老人")
    mark_signed_in(veteran)
    with pytest.raises(BulkRefused) as refused:
        service.bulk_invite(users["hr"], [hire, veteran])
    assert [(u.person.employee_no, u.code) for u in refused.value.unchangeable] == [
        ("N2", "signed-in")
    ]
    assert count_rows(InvitationBatch) == 0


def test_bulk_invite_asks_the_invitations_service_for_exactly_the_people_ticked(app, users):
    from trainer.hr.invitations.service import people_selected

    hire, other = new_hire("N3", "新人甲"), new_hire("N4", "新人乙")
    new_hire("N5", "没勾选")
    batch = service.bulk_invite(users["hr"], [other, hire])
    assert batch.selection == {"user_ids": sorted([hire.id, other.id])}
    assert [p.employee_no for p in people_selected(batch.selection)] == ["N3", "N4"]


def test_bulk_assign_with_one_person_out_of_scope_assigns_nobody(app, users, synced):
    plan = make_plan(users["hr"], today=TODAY)
    a = make_user("P1", "甲", {"learner"})
    with pytest.raises(BulkRefused) as refused:
        service.bulk_assign_plan(users["hr"], plan, [a, users["admin"]], TODAY)
    assert [u.code for u in refused.value.unchangeable] == ["not-for-hr"]
    assert count_rows(PlanTarget) == 0 and count_rows(PlanAssignment) == 0


def test_bulk_assign_refuses_a_deactivated_person(app, users, synced):
    plan = make_plan(users["hr"], today=TODAY)
    a = make_user("P2", "乙", {"learner"})
    a.active = False
    db.session.commit()
    with pytest.raises(BulkRefused) as refused:
        service.bulk_assign_plan(users["hr"], plan, [a], TODAY)
    assert [u.code for u in refused.value.unchangeable] == ["inactive"]


def test_bulk_assign_targets_and_assigns_each_person_once(app, users, synced):
    plan = make_plan(users["hr"], today=TODAY)
    a, b = make_user("P3", "丙", {"learner"}), make_user("P4", "丁", {"learner"})
    result = service.bulk_assign_plan(users["hr"], plan, [a, b], TODAY)
    assert result.added == 2  # one course each
    again = service.bulk_assign_plan(users["hr"], plan, [a], TODAY)
    assert again.added == 0
    targets = db.session.scalars(sa.select(PlanTarget.user_id).order_by(PlanTarget.user_id))
    assert list(targets) == sorted([a.id, b.id])


# --- archived departments and positions -----------------------------------------------------


def test_an_archived_department_is_not_offered_but_stays_on_its_people(app, users):
    old = department("测试公司/华东区/旧店")
    kept = department("测试公司/华东区/新店")
    target = make_user("D1", "旧店员工", {"learner"}, department_path="测试公司/华东区/旧店")
    organisation.archive_department(users["hr"], old)
    offered = dict(organisation.department_choices())
    assert old.id not in offered and kept.id in offered
    # The person's own form still shows it, and saving it unchanged is allowed.
    assert dict(organisation.department_choices(keep=old))[old.id] == "测试公司/华东区/旧店"
    service.update_person(users["hr"], target, fields(display_name="改名", department_id=old.id))
    # Nobody new is put there.
    other = make_user("D2", "别人", {"learner"})
    with pytest.raises(FieldProblems) as refused:
        service.update_person(users["hr"], other, fields(display_name="别人", department_id=old.id))
    assert refused.value.problems == {"department": "department-archived"}
    with pytest.raises(FieldProblems):
        service.create_person(users["hr"], fields(employee_no="D3", department_id=old.id))
    assert [e.details["name"] for e in actions("department.archived")] == ["旧店"]


def test_an_archived_position_is_not_offered_and_can_be_restored(app, users):
    found = positions()
    old = found["store-supervisor"]
    organisation.archive_position(users["hr"], old)
    assert old.id not in dict(organisation.position_choices())
    with pytest.raises(FieldProblems) as refused:
        service.create_person(users["hr"], fields(employee_no="D4", position_id=old.id))
    assert refused.value.problems == {"position": "position-archived"}
    organisation.restore_position(users["hr"], old)
    assert old.id in dict(organisation.position_choices())
    assert db.session.get(Position, old.id).archived_at is None


def test_a_department_with_a_sub_department_in_use_cannot_be_archived(app, users):
    region = department("测试公司/华南区")
    store = department("测试公司/华南区/广州一店")
    with pytest.raises(OrganisationError) as refused:
        organisation.archive_department(users["hr"], region)
    assert refused.value.code == "has-open-children"
    organisation.archive_department(users["hr"], store)
    organisation.archive_department(users["hr"], region)
    # Restoring the store first would hang it under an archived region.
    with pytest.raises(OrganisationError) as refused:
        organisation.restore_department(users["hr"], store)
    assert refused.value.code == "parent-archived"
    with pytest.raises(OrganisationError):
        organisation.add_department(users["hr"], "广州二店", "store", region)
    organisation.restore_department(users["hr"], region)
    organisation.restore_department(users["hr"], store)
    assert store.id in dict(organisation.department_choices())


# --- the list's filters ---------------------------------------------------------------------

PEOPLE = [
    # employee no, department, position, roles, active, signed in
    ("F1", "测试公司/华东区/上海一店", "sales-associate", {"learner"}, True, True),
    ("F2", "测试公司/华东区/上海一店/收银组", "sales-associate", {"learner"}, True, False),
    ("F3", "测试公司/华东区/杭州二店", "sales-associate", {"learner", "assessor"}, True, True),
    ("F4", "测试公司/华东区/上海一店", "store-supervisor", {"learner", "assessor"}, False, True),
    ("F5", "测试公司/华北区/北京一店", "sales-associate", {"learner"}, True, False),
    ("F6", "测试公司/华东区/上海一店/收银组", "store-supervisor", {"learner"}, False, False),
]


@pytest.fixture
def staff(app):
    found = positions()
    for number, path, position, roles, active, signed_in in PEOPLE:
        make_user(number, f"员工{number}", roles, department_path=path, position_code=position)
        if not active:
            person(number).active = False
        if signed_in:
            mark_signed_in(person(number))
    db.session.commit()
    return found


def listed(**wanted) -> list[str]:
    statement = service.people_query(PeopleFilter(**wanted))
    return [p.employee_no for p in db.session.scalars(statement)]


@pytest.mark.parametrize(
    "department_path, position, role, status, expected",
    [
        ("测试公司/华东区/上海一店", None, None, None, ["F1", "F2", "F4", "F6"]),
        ("测试公司/华东区", "sales-associate", None, None, ["F1", "F2", "F3"]),
        ("测试公司/华东区", None, "assessor", None, ["F3", "F4"]),
        ("测试公司/华东区", None, "assessor", "active", ["F3"]),
        (None, "sales-associate", None, "never-signed-in", ["F2", "F5"]),
        ("测试公司/华东区/上海一店", "store-supervisor", None, "inactive", ["F4", "F6"]),
        # never signed in counts only active people: F6 is deactivated
        ("测试公司/华东区/上海一店/收银组", None, None, "never-signed-in", ["F2"]),
        ("测试公司/华北区", None, "assessor", None, []),
    ],
)
def test_filters_combined_give_the_expected_people(
    staff, department_path, position, role, status, expected
):
    wanted = {}
    if department_path:
        wanted["department_id"] = department(department_path).id
    if position:
        wanted["position_id"] = staff[position].id
    assert listed(role=role, status=status, **wanted) == expected


def test_search_by_name_or_employee_number(staff):
    assert listed(query="员工F3") == ["F3"]
    assert listed(query="f5") == ["F5"]
    assert listed(query="F", status="inactive") == ["F4", "F6"]
