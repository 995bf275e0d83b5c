"""Signing in and out, passwords, and the mistakes people make doing it."""

import re

import pytest

from tests.conftest import PASSWORD, make_user, sign_in
from trainer.extensions import db


def test_sign_in_by_employee_number_lands_on_home(client, users):
    response = sign_in(client, "L0001")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "学员小张" in home and "L0001" in home


def test_sign_in_by_email_any_case(client, app):
    make_user("E100", "邮箱用户", {"learner"}, email="Mei.Lin@example.com")
    assert sign_in(client, "mei.lin@EXAMPLE.com").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_chinese_message(client, users):
    wrong = sign_in(client, "L0001", "not-the-password")
    unknown = sign_in(client, "NOBODY", "whatever-password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "工号/邮箱或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_deactivated_user_cannot_sign_in(client, users):
    users["learner"].active = False
    db.session.commit()
    response = sign_in(client, "L0001")
    assert response.status_code == 401
    assert "此账号已停用" in response.get_data(as_text=True)


def test_deactivating_ends_an_open_session(client, users):
    sign_in(client, "L0001")
    assert client.get("/").status_code == 200
    from trainer.hr.people.service import set_active

    set_active(users["hr"], users["learner"], False)
    assert client.get("/").status_code == 302


def test_empty_form_says_what_is_missing(client, users):
    response = client.post("/auth/login", data={"login": "", "password": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "请输入工号或邮箱" in page and "请输入密码" in page


def test_sign_out_is_a_post_and_ends_the_session(client, users):
    sign_in(client, "L0001")
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/hr/people/", "/hr/people/"),
        ("https://evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_redirect_after_sign_in_stays_on_this_site(client, users, next_url, expected):
    response = sign_in(client, "H0001", next=next_url)
    assert response.headers["Location"] == expected


def test_visitor_is_sent_to_sign_in_and_back(client, users):
    response = client.get("/hr/people/?q=L0")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/hr/people/?q=L0"' in login_page


def test_change_own_password(client, users):
    sign_in(client, "L0001")
    response = client.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-secret-9",
            "confirm_password": "a-new-secret-9",
        },
    )
    assert response.status_code == 302
    client.post("/auth/logout")
    assert sign_in(client, "L0001", PASSWORD).status_code == 401
    assert sign_in(client, "L0001", "a-new-secret-9").status_code == 302


@pytest.mark.parametrize(
    "current, new, confirm, message",
    [
        ("wrong-current", "a-new-secret-9", "a-new-secret-9", "当前密码不正确"),
        (PASSWORD, "short", "short", "至少使用 8 个字符"),
        (PASSWORD, "a-new-secret-9", "different-9999", "两次输入的新密码不一致"),
        (PASSWORD, PASSWORD, PASSWORD, "新密码不能与当前密码相同"),
        (PASSWORD, "l0001", "l0001", "至少使用 8 个字符"),
    ],
)
def test_change_password_mistakes_are_explained(client, users, current, new, confirm, message):
    sign_in(client, "L0001")
    response = client.post(
        "/auth/password",
        data={"current_password": current, "new_password": new, "confirm_password": confirm},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    client.post("/auth/logout")
    assert sign_in(client, "L0001", PASSWORD).status_code == 302  # nothing changed


def test_password_change_signs_out_other_devices(app, users):
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, "L0001")
    sign_in(laptop, "L0001")
    phone.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-secret-9",
            "confirm_password": "a-new-secret-9",
        },
    )
    assert phone.get("/").status_code == 200
    assert laptop.get("/").status_code == 302


def test_a_password_marked_for_change_must_be_changed_at_next_sign_in(client, users):
    temporary = "set-by-operator-1"
    users["learner"].set_password(temporary)
    users["learner"].must_change_password = True
    db.session.commit()
    response = sign_in(client, "L0001", temporary)
    assert response.headers["Location"] == "/auth/password"
    # Until the password is changed, every page leads back to the change form.
    assert client.get("/").headers["Location"] == "/auth/password"
    client.post(
        "/auth/password",
        data={
            "current_password": temporary,
            "new_password": "my-own-secret-1",
            "confirm_password": "my-own-secret-1",
        },
    )
    assert client.get("/").status_code == 200


def test_passwords_are_stored_hashed(app, users):
    stored = users["learner"].password_hash
    assert PASSWORD not in stored and stored.startswith("pbkdf2:")


def test_production_hash_is_scrypt(app):
    app.config.pop("PASSWORD_HASH_METHOD")
    user = make_user("X1", "散列", {"learner"})
    assert user.password_hash.startswith("scrypt:")


def test_sign_in_takes_as_long_for_an_unknown_account_as_for_a_known_one(app, client):
    """Timing must not tell which employee numbers exist (issue 21)."""
    import statistics
    import time

    app.config.pop("PASSWORD_HASH_METHOD")  # production's scrypt: its cost is what shows
    make_user("K1", "已知", {"learner"})

    def seconds(login: str) -> float:
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            assert sign_in(client, login, "wrong-password-1").status_code == 401
            runs.append(time.perf_counter() - started)
        return statistics.median(runs)

    known, unknown = seconds("K1"), seconds("NOBODY-HERE")
    assert unknown > 0.5 * known, (known, unknown)


def test_a_session_cookie_copied_before_signing_out_is_dead_afterwards(app, client, users):
    sign_in(client, "L0001")
    copied = client.get_cookie("session").value
    client.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 302  # to the sign-in page
    assert thief.post("/auth/password", data={"current_password": PASSWORD}).status_code == 302


def test_a_remember_me_cookie_copied_before_signing_out_is_dead_afterwards(app, client, users):
    sign_in(client, "L0001", remember="y")
    copied = client.get_cookie("remember_token").value
    client.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", copied)
    assert thief.get("/").status_code == 302


def test_the_next_person_at_a_shared_computer_gets_a_new_csrf_secret(csrf_app, users):
    shop_pc = csrf_app.test_client()

    def token(page: str) -> str:
        html = shop_pc.get(page).get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    first = token("/auth/login")
    shop_pc.post("/auth/login", data={"login": "L0001", "password": PASSWORD, "csrf_token": first})
    old = token("/auth/password")
    shop_pc.post("/auth/logout", data={"csrf_token": old})
    shop_pc.post(
        "/auth/login",
        data={"login": "T0001", "password": PASSWORD, "csrf_token": token("/auth/login")},
    )
    assert shop_pc.get("/").status_code == 200  # the trainer is signed in
    # The learner's token, left in the page cache or history, is refused for the trainer.
    response = shop_pc.post(
        "/auth/password",
        data={
            "csrf_token": old,
            "current_password": PASSWORD,
            "new_password": "taken-over-1",
            "confirm_password": "taken-over-1",
        },
    )
    assert response.status_code == 400
    assert token("/auth/password") != old


def test_a_person_with_no_roles_left_cannot_sign_in(client, app):
    user = make_user("R0", "无角色", {"learner"})
    user.set_roles(set())
    db.session.commit()
    response = sign_in(client, "R0")
    assert response.status_code == 401
    assert "此账号已没有任何角色" in response.get_data(as_text=True)


def test_remember_me_lasts_30_days(client, users):
    from datetime import UTC, datetime

    response = sign_in(client, "L0001", remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token" in c)
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    days = (
        datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
        - datetime.now(UTC)
    ).days
    assert 29 <= days <= 30
    assert "HttpOnly" in cookie and "Secure" not in cookie  # plain HTTP by default


@pytest.mark.parametrize(
    "app_config",
    [{"SECURE_COOKIES": True, "SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True}],
)
def test_secure_cookies_for_https_deployments(client, users, app_config):
    response = sign_in(client, "L0001", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    assert all("Secure" in cookie for cookie in cookies) and len(cookies) == 2
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_secure_cookies_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    from trainer.config import build_config

    monkeypatch.setenv("TRAINER_SECURE_COOKIES", "1")
    config = build_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    monkeypatch.setenv("TRAINER_SECURE_COOKIES", "0")
    assert not build_config(tmp_path)["SESSION_COOKIE_SECURE"]


def test_personal_pages_are_not_cached(client, users, signed_in):
    signed_in("learner")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/certificates/").headers["Cache-Control"] == "no-store"
