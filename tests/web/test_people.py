"""HR and admins manage accounts: search, reset a password, deactivate and reactivate."""

import re

from tests.conftest import sign_in
from trainer.extensions import db


def test_hr_finds_staff_by_name_or_number(client, users, signed_in):
    signed_in("hr")
    page = client.get("/hr/people/?q=学员").get_data(as_text=True)
    assert "L0001" in page and "T0001" not in page
    page = client.get("/hr/people/?q=T000").get_data(as_text=True)
    assert "培训师老王" in page


def test_hr_reset_shows_a_temporary_password_once_and_forces_a_change(app, client, users,
                                                                      signed_in):
    signed_in("hr")
    response = client.post(f"/hr/people/{users['learner'].id}/reset-password",
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    temporary = re.search(r"的临时密码：(\w+)", page).group(1)
    assert "下次登录时必须设置新密码" in page
    learner_client = app.test_client()
    response = sign_in(learner_client, "L0001", temporary)
    assert response.headers["Location"] == "/auth/password"
    assert "只显示这一次" not in client.get("/hr/people/").get_data(as_text=True)


def test_deactivate_and_reactivate(client, users, signed_in):
    signed_in("admin")
    client.post(f"/hr/people/{users['learner'].id}/active", data={"active": "0"})
    db.session.refresh(users["learner"])
    assert users["learner"].active is False
    client.post(f"/hr/people/{users['learner'].id}/active", data={"active": "1"})
    db.session.refresh(users["learner"])
    assert users["learner"].active is True


def test_cannot_deactivate_yourself(client, users, signed_in):
    me = signed_in("hr")
    response = client.post(f"/hr/people/{me.id}/active", data={"active": "0"},
                           follow_redirects=True)
    assert "不能停用自己的账号" in response.get_data(as_text=True)
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
