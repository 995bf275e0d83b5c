"""Invitations through the pages: HR invites a group (or an imported file) in one action, gets
the sheets; a new hire opens the link, chooses a password once and is signed in."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import count_rows, sign_in
from tests.unit.hr.invitation_helpers import (
    TILL_TEAM,
    mark_signed_in,
    new_hire,
    open_invitations,
)
from trainer.auth import resets
from trainer.extensions import db
from trainer.models import AuditEvent, Department, InvitationBatch, PasswordReset, User, utcnow

LIFETIME = timedelta(days=14)  # the default of INVITATION_DAYS


@pytest.fixture
def hires(app, users):
    mark_signed_in(*users.values())
    return {
        "N1": new_hire("N1", "新人甲"),
        "N2": new_hire("N2", "新人乙", TILL_TEAM, email="n2@example.com"),
    }


def store_id() -> int:
    return db.session.scalar(sa.select(Department.id).where(Department.name == "上海一店"))


def invitation_link(person: User, created_at) -> str:
    """An invitation made at `created_at` (so tests can stand just before or after its end)."""
    [(_person, secret)] = resets.start_invitations(
        db.session.scalar(sa.select(User).where(User.employee_no == "H0001")),
        [person],
        LIFETIME,
        now=created_at,
    )
    db.session.commit()
    return f"/auth/invitation/{secret}"


def choose(client, link: str, password: str = "my-first-password-1", **extra):
    return client.post(link, data={"new_password": password, "confirm_password": password}, **extra)


def test_hr_invites_a_department_from_the_people_page(app, client, signed_in, hires):
    signed_in("hr")
    page = client.get("/hr/people/").get_data(as_text=True)
    assert "邀请从未登录过的人员" in page and "测试公司/华东区/上海一店/收银组" in page
    assert page.count('data-testid="never-signed-in"') == 2  # N1 and N2, not the role accounts
    response = client.post("/hr/invitations/", data={"department": store_id()})
    [batch] = db.session.scalars(sa.select(InvitationBatch)).all()
    assert response.headers["Location"] == f"/hr/invitations/{batch.id}"
    assert open_invitations() == {"N1": 1, "N2": 1}
    shown = client.get(f"/hr/invitations/{batch.id}").get_data(as_text=True)
    assert "已邀请 2 名从未登录过的人员。" in shown
    sheets = client.get(f"/hr/invitations/{batch.id}/sheets.pdf")
    assert sheets.status_code == 200
    assert sheets.headers["Content-Type"] == "application/pdf"
    assert sheets.headers["Cache-Control"] == "no-store"
    assert sheets.data.startswith(b"%PDF")


def test_another_hr_person_cannot_see_the_sheets(app, client, signed_in, users, hires):
    signed_in("hr")
    client.post("/hr/invitations/", data={"department": store_id()})
    batch_id = db.session.scalar(sa.select(InvitationBatch.id))
    other = app.test_client()
    assert sign_in(other, "M0001").status_code == 302  # the administrator did not ask for it
    assert other.get(f"/hr/invitations/{batch_id}").status_code == 404
    assert other.get(f"/hr/invitations/{batch_id}/sheets.pdf").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"department": "0"}, "请选择要邀请的部门或入职日期"),
        ({"department": "0", "hired_since": "2026-13-45"}, "入职日期请写成 YYYY-MM-DD 格式"),
        ({"department": "987654"}, "该部门已不存在"),
    ],
)
def test_a_group_that_cannot_be_invited_is_explained(client, signed_in, hires, data, message):
    signed_in("hr")
    response = client.post("/hr/invitations/", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count_rows(InvitationBatch) == 0 and open_invitations() == {}


def test_hr_invites_the_people_of_an_imported_file(app, client, signed_in, users):
    from tests.unit.hr.helpers import positions, staff_file

    positions()
    mark_signed_in(*users.values())
    signed_in("hr")
    client.post(
        "/hr/staff/import",
        data={"file": (io.BytesIO(staff_file("two-stores-utf8-bom.csv")), "s.csv")},
        content_type="multipart/form-data",
    )
    token = db.session.scalar(sa.text("SELECT token FROM staff_import_batches"))
    before = client.post(f"/hr/invitations/import/{token}", follow_redirects=True)
    assert "此文件尚未导入" in before.get_data(as_text=True)
    client.post(f"/hr/staff/import/{token}/apply")
    result = client.get(f"/hr/staff/import/{token}").get_data(as_text=True)
    assert "邀请这些人员" in result
    response = client.post(f"/hr/invitations/import/{token}")
    assert response.headers["Location"].startswith("/hr/invitations/")
    assert {"E1001", "E1002", "E1003", "E2001"} <= set(open_invitations())


def test_the_link_shows_the_page_then_choosing_uses_it_up_and_signs_in(app, hires):
    link = invitation_link(hires["N1"], utcnow())
    phone = app.test_client()
    before = (
        count_rows(AuditEvent),
        db.session.scalar(
            sa.select(PasswordReset.used_at).where(PasswordReset.purpose == "invitation")
        ),
    )
    page = phone.get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "设置你的密码" in page.get_data(as_text=True)
    after = (
        count_rows(AuditEvent),
        db.session.scalar(
            sa.select(PasswordReset.used_at).where(PasswordReset.purpose == "invitation")
        ),
    )
    assert after == before  # opening the link writes nothing
    response = choose(phone, link)
    assert response.headers["Location"] == "/"
    home = phone.get("/", follow_redirects=True).get_data(as_text=True)
    assert "欢迎你，新人甲！密码已设置好。" in home
    assert sign_in(app.test_client(), "N1", "my-first-password-1").status_code == 302

    again = choose(app.test_client(), link, "someone-else-2", follow_redirects=True)
    assert "这个登录链接已经用过了" in again.get_data(as_text=True)
    opened_again = app.test_client().get(link, follow_redirects=True)
    assert "这个登录链接已经用过了" in opened_again.get_data(as_text=True)
    assert sign_in(app.test_client(), "N1", "someone-else-2").status_code == 401


def test_a_too_short_password_is_explained_and_the_link_still_works(app, hires):
    link = invitation_link(hires["N1"], utcnow())
    phone = app.test_client()
    response = choose(phone, link, "short")
    assert response.status_code == 400
    assert choose(phone, link).headers["Location"] == "/"


def test_just_before_its_end_the_link_works(app, hires):
    link = invitation_link(hires["N1"], utcnow() - LIFETIME + timedelta(minutes=1))
    assert choose(app.test_client(), link).headers["Location"] == "/"


def test_just_after_its_end_the_link_is_refused_with_a_clear_message(app, hires):
    link = invitation_link(hires["N1"], utcnow() - LIFETIME - timedelta(seconds=1))
    response = choose(app.test_client(), link, follow_redirects=True)
    assert "这个登录链接已过期" in response.get_data(as_text=True)
    assert sign_in(app.test_client(), "N1", "my-first-password-1").status_code == 401


def test_a_made_up_link_is_refused_with_a_clear_message(app, hires):
    response = app.test_client().get("/auth/invitation/not-a-real-one", follow_redirects=True)
    assert "这个登录链接无效" in response.get_data(as_text=True)


def test_signing_in_voids_the_printed_code(app, users, hires):
    hires["N1"].set_password("set-by-a-reset-3")
    db.session.commit()
    link = invitation_link(hires["N1"], utcnow())
    assert sign_in(app.test_client(), "N1", "set-by-a-reset-3").status_code == 302
    response = choose(app.test_client(), link, follow_redirects=True)
    assert "这个登录链接已经用过了" in response.get_data(as_text=True)
