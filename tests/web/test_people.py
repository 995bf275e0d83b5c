"""HR and admins manage accounts: search, password resets that show nobody a password,
deactivation, roles, and who may do which to whom (issue 21: HR could become administrator)."""

import re

import pytest
import sqlalchemy as sa

from tests.conftest import make_user, sign_in
from tests.unit.hr.smtp import running_smtp_server
from trainer.extensions import db
from trainer.models import AuditEvent, PasswordReset, User


@pytest.fixture
def inbox(app):
    """A real SMTP server the app sends to; BASE_URL is the configured site address."""
    with running_smtp_server() as (box, settings):
        app.config.update(
            SMTP_HOST=settings.host,
            SMTP_PORT=settings.port,
            BASE_URL="https://training.example.com",
        )
        yield box


def audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def link_in(message) -> str:
    body = message.get_payload(decode=True).decode("utf-8")
    return re.search(r"https://training\.example\.com(/auth/reset/\S+)", body).group(1)


def test_hr_finds_staff_by_name_or_number(client, users, signed_in):
    signed_in("hr")
    page = client.get("/hr/people/?q=学员").get_data(as_text=True)
    assert "L0001" in page and "T0001" not in page
    page = client.get("/hr/people/?q=T000").get_data(as_text=True)
    assert "培训师老王" in page


# --- the attack from issue 21, end to end ---------------------------------------------------


def test_hr_cannot_reset_an_administrator_and_sign_in_as_them(app, client, users, signed_in, inbox):
    users["admin"].email = "boss@example.com"
    db.session.commit()
    signed_in("hr")
    response = client.post(f"/hr/people/{users['admin'].id}/reset-password", follow_redirects=True)
    assert "只有管理员才能管理拥有人事或管理员角色的人" in response.get_data(as_text=True)
    assert inbox.messages == [] and db.session.scalar(sa.select(PasswordReset)) is None
    # The administrator's own password still works, and nothing else does.
    assert sign_in(app.test_client(), "M0001").status_code == 302
    assert audit("person.password_reset") == []


def test_hr_cannot_reset_the_demo_administrator(app, client):
    from trainer.demo import create_demo_accounts

    create_demo_accounts(app.config["DEMO_PASSWORD"])
    db.session.commit()
    assert sign_in(client, "demo-hr", app.config["DEMO_PASSWORD"]).status_code == 302
    admin = db.session.scalar(sa.select(User).where(User.employee_no == "demo-admin"))
    before = admin.password_hash
    client.post(f"/hr/people/{admin.id}/reset-password")
    db.session.refresh(admin)
    assert admin.password_hash == before
    assert db.session.scalar(sa.select(PasswordReset)) is None
    # And the people page offers no buttons for the administrator's row.
    page = client.get("/hr/people/?q=demo-admin").get_data(as_text=True)
    assert f"/hr/people/{admin.id}/reset-password" not in page


def test_hr_cannot_deactivate_administrators_or_other_hr(client, users, signed_in):
    other_hr = make_user("H0002", "人事二号", {"hr", "learner"})
    signed_in("hr")
    for target in (users["admin"], other_hr):
        response = client.post(
            f"/hr/people/{target.id}/active", data={"active": "0"}, follow_redirects=True
        )
        assert "只有管理员才能管理" in response.get_data(as_text=True)
        db.session.refresh(target)
        assert target.active is True
    assert audit("person.deactivated") == []


def test_hr_cannot_sign_in_as_an_assessor_through_a_reset(app, client, users, signed_in, inbox):
    users["assessor"].email = "li@example.com"
    db.session.commit()
    signed_in("hr")
    response = client.post(
        f"/hr/people/{users['assessor'].id}/reset-password", follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "重设密码的一次性链接已发送" in page
    # The link went to the assessor's own address; the HR page shows no secret at all.
    ((to, message),) = inbox.messages
    assert to == ["li@example.com"]
    token = link_in(message).rsplit("/", 1)[1]
    assert token not in page and "reset-code" not in page
    # The assessor's password is unchanged until they use the link themselves.
    assert sign_in(app.test_client(), "A0001").status_code == 302


def test_an_assessor_without_email_cannot_get_a_printed_code(client, users, signed_in, inbox):
    signed_in("hr")
    response = client.post(
        f"/hr/people/{users['assessor'].id}/reset-password", follow_redirects=True
    )
    assert "此人没有邮箱" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(PasswordReset)) is None


def test_nobody_manages_themselves_here(client, users, signed_in):
    me = signed_in("admin")
    response = client.post(
        f"/hr/people/{me.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "不能在这里管理自己的账号" in response.get_data(as_text=True)
    client.post(f"/hr/people/{me.id}/roles", data={"roles": ["learner"]})
    db.session.refresh(me)
    assert me.active is True and me.roles == {"admin", "learner"}


# --- resets that work -------------------------------------------------------------------------


def test_reset_link_lets_the_person_choose_a_password_once(app, client, users, signed_in, inbox):
    trainer = users["trainer"]
    trainer.email = "wang@example.com"
    db.session.commit()
    phone = app.test_client()
    assert sign_in(phone, "T0001").status_code == 302
    signed_in("admin")
    client.post(f"/hr/people/{trainer.id}/reset-password")
    ((_to, message),) = inbox.messages
    link = link_in(message)
    person = app.test_client()
    assert "设置新密码" in person.get(link).get_data(as_text=True)
    response = person.post(
        link, data={"new_password": "chosen-by-me-7", "confirm_password": "chosen-by-me-7"}
    )
    assert response.headers["Location"] == "/auth/login"
    assert phone.get("/").status_code == 302  # every open session ended
    # Once only.
    again = person.post(
        link,
        data={"new_password": "another-one-8", "confirm_password": "another-one-8"},
        follow_redirects=True,
    )
    assert "已过期、已使用" in again.get_data(as_text=True)
    assert sign_in(person, "T0001", "another-one-8").status_code == 401
    # At sign-in the person is told a reset happened, and by whom.
    response = sign_in(person, "T0001", "chosen-by-me-7")
    assert response.status_code == 302
    assert "管理员老赵 为你的账号发起了密码重设" in person.get("/").get_data(as_text=True)
    assert "发起了密码重设" not in person.get("/").get_data(as_text=True)  # told once
    assert [e.actor_id for e in audit("person.password_reset")] == [users["admin"].id]
    assert [e.actor_id for e in audit("person.password_reset_used")] == [trainer.id]


def test_reset_link_expires(app, client, users, signed_in, inbox):
    from datetime import timedelta

    users["trainer"].email = "wang@example.com"
    db.session.commit()
    signed_in("admin")
    client.post(f"/hr/people/{users['trainer'].id}/reset-password")
    link = link_in(inbox.messages[0][1])
    reset = db.session.scalar(sa.select(PasswordReset))
    reset.expires_at = reset.created_at - timedelta(seconds=1)
    db.session.commit()
    response = app.test_client().post(
        link, data={"new_password": "chosen-by-me-7", "confirm_password": "chosen-by-me-7"}
    )
    assert response.headers["Location"] == "/auth/login"
    assert sign_in(app.test_client(), "T0001", "chosen-by-me-7").status_code == 401


def test_learner_without_email_gets_a_one_time_code(app, client, users, signed_in):
    signed_in("hr")
    response = client.post(f"/hr/people/{users['learner'].id}/reset-password")
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    code = re.search(r'data-testid="reset-code"><strong>([A-Z0-9-]+)<', page).group(1)
    assert len(code.replace("-", "")) == 12
    # HR cannot use it as a password.
    assert sign_in(app.test_client(), "L0001", code).status_code == 401
    learner = app.test_client()
    data = {
        "login": "L0001",
        "code": code.lower(),
        "new_password": "learner-own-9",
        "confirm_password": "learner-own-9",
    }
    assert learner.post("/auth/reset-code", data=data).headers["Location"] == "/auth/login"
    assert sign_in(learner, "L0001", "learner-own-9").status_code == 302
    # The code worked once.
    data["new_password"] = data["confirm_password"] = "second-try-99"
    assert app.test_client().post("/auth/reset-code", data=data).status_code == 401


def test_a_code_is_only_good_for_its_own_account(app, client, users, signed_in):
    make_user("L0002", "学员小王", {"learner"})
    signed_in("hr")
    page = client.post(f"/hr/people/{users['learner'].id}/reset-password").get_data(as_text=True)
    code = re.search(r'data-testid="reset-code"><strong>([A-Z0-9-]+)<', page).group(1)
    data = {
        "login": "L0002",
        "code": code,
        "new_password": "learner-own-9",
        "confirm_password": "learner-own-9",
    }
    assert app.test_client().post("/auth/reset-code", data=data).status_code == 401


# --- deactivation and roles, audited ----------------------------------------------------------


def test_deactivate_and_reactivate_are_audited(client, users, signed_in):
    signed_in("hr")
    client.post(f"/hr/people/{users['learner'].id}/active", data={"active": "0"})
    db.session.refresh(users["learner"])
    assert users["learner"].active is False
    client.post(f"/hr/people/{users['learner'].id}/active", data={"active": "1"})
    db.session.refresh(users["learner"])
    assert users["learner"].active is True
    for action in ("person.deactivated", "person.reactivated"):
        (event,) = audit(action)
        assert (event.actor_id, event.subject_id) == (users["hr"].id, users["learner"].id)


def test_hr_grants_assessor_but_not_hr_or_admin(client, users, signed_in):
    signed_in("hr")
    learner = users["learner"]
    client.post(f"/hr/people/{learner.id}/roles", data={"roles": ["learner", "assessor"]})
    db.session.refresh(learner)
    assert learner.roles == {"learner", "assessor"}
    (event,) = audit("person.roles_changed")
    assert event.details == {
        "person": "L0001",
        "person_name": "学员小张",
        "old": ["learner"],
        "new": ["assessor", "learner"],
    }
    assert event.actor_id == users["hr"].id
    for role in ("hr", "admin"):
        client.post(f"/hr/people/{learner.id}/roles", data={"roles": ["learner", role]})
        db.session.refresh(learner)
        assert role not in learner.roles


def test_admin_grants_and_removes_hr(client, users, signed_in):
    signed_in("admin")
    learner = users["learner"]
    client.post(f"/hr/people/{learner.id}/roles", data={"roles": ["learner", "hr"]})
    db.session.refresh(learner)
    assert learner.roles == {"learner", "hr"}
    client.post(f"/hr/people/{users['hr'].id}/roles", data={"roles": ["learner"]})
    db.session.refresh(users["hr"])
    assert users["hr"].roles == {"learner"}


def test_cannot_deactivate_yourself(client, users, signed_in):
    me = signed_in("hr")
    client.post(f"/hr/people/{me.id}/active", data={"active": "0"})
    db.session.refresh(me)
    assert me.active is True


def test_unknown_person_is_a_404(client, users, signed_in):
    signed_in("hr")
    assert client.post("/hr/people/99999/reset-password").status_code == 404


def test_learner_cannot_reset_anyone(client, users, signed_in):
    signed_in("learner")
    before = users["trainer"].password_hash
    assert client.post(f"/hr/people/{users['trainer'].id}/reset-password").status_code == 403
    db.session.refresh(users["trainer"])
    assert users["trainer"].password_hash == before
