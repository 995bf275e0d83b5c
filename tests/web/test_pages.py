"""Pages, navigation per role, language, error pages."""

import pytest

from tests.conftest import sign_in
from trainer.extensions import db


def test_home_shows_who_you_are(client, users, signed_in):
    signed_in("assessor")
    page = client.get("/").get_data(as_text=True)
    assert "考核员小李" in page and "A0001" in page
    assert "测试公司/华东区/上海一店" in page
    assert "考核员" in page and "学员" in page


@pytest.mark.parametrize(
    "role, sees_people",
    [("learner", False), ("trainer", False), ("assessor", False), ("hr", True), ("admin", True)],
)
def test_navigation_shows_each_role_only_what_it_may_use(
    client, users, signed_in, role, sees_people
):
    signed_in(role)
    page = client.get("/").get_data(as_text=True)
    assert ('data-nav="people.index"' in page) is sees_people


def test_language_switch_persists_for_the_user(app, client, users):
    sign_in(client, "L0001")
    assert "首页" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/"})
    assert users["learner"].locale == "en"
    page = client.get("/").get_data(as_text=True)
    assert "Employee number" in page and "工号" not in page
    # A new session on another device picks up the saved choice.
    other = app.test_client()
    sign_in(other, "L0001")
    assert "Employee number" in other.get("/").get_data(as_text=True)


def test_unknown_language_is_refused_politely(client, users):
    sign_in(client, "L0001")
    response = client.post("/language", data={"locale": "xx"}, follow_redirects=True)
    assert "不支持该语言" in response.get_data(as_text=True)


def test_chinese_is_the_default(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "工号或邮箱" in page


def test_anonymous_visitor_can_switch_language(client):
    client.post("/language", data={"locale": "en"})
    assert "Employee number or e-mail" in client.get("/auth/login").get_data(as_text=True)


def test_404_page_is_friendly(client, users, signed_in):
    signed_in("learner")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_500_page_hides_the_details(app, client, users, signed_in):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret stack detail")

    boom.access = "signed-in"
    signed_in("learner")
    response = client.get("/boom-for-test")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "系统出现了问题" in page and "secret stack detail" not in page


def test_missing_csrf_token_is_refused_with_a_message(csrf_app, users):
    client = csrf_app.test_client()
    response = client.post("/auth/login", data={"login": "L0001", "password": "x"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_csrf_token_from_the_page_works(csrf_app, users):
    import re

    client = csrf_app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/auth/login", data={"login": "L0001", "password": "correct-horse-1", "csrf_token": token}
    )
    assert response.status_code == 302


def test_pages_that_read_the_session_vary_on_cookie(app, client, users, signed_in):
    """Shared caches must not hand one person's page to another: every page that read the
    session says "Vary: Cookie", beside any Vary header of its own; a session changed by
    the request is still sent back as a new cookie."""
    from flask import make_response
    from flask import session as flask_session

    @app.get("/test-only/varies-by-language")
    def varies_by_language():
        flask_session.get("csrf_token")
        response = make_response("ok")
        response.headers["Vary"] = "Accept-Language"
        return response

    signed_in("learner")
    client.get("/")  # the first page puts a CSRF token in the session: a new cookie
    home = client.get("/")
    assert home.status_code == 200 and home.headers.getlist("Vary") == ["Cookie"]
    assert "Set-Cookie" not in home.headers  # unchanged session: no new cookie
    own = client.get("/test-only/varies-by-language")
    assert own.headers.getlist("Vary") == ["Accept-Language, Cookie"]
    switched = client.post("/language", data={"locale": "en", "next": "/"})
    assert "Set-Cookie" in switched.headers and switched.headers.getlist("Vary") == ["Cookie"]


def test_static_assets_are_served_locally(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/static/js/app.js").status_code == 200


def test_security_headers(client):
    response = client.get("/auth/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_reactivated_user_can_sign_in_again(client, users):
    users["learner"].active = False
    db.session.commit()
    assert sign_in(client, "L0001").status_code == 401
    users["learner"].active = True
    db.session.commit()
    assert sign_in(client, "L0001").status_code == 302
