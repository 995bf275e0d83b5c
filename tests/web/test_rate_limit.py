"""Sign-in is rate limited per account and per address, with a message people understand."""

import pytest

from tests.conftest import sign_in


@pytest.fixture
def app_config():
    return {
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
        "LOGIN_LIMIT_PER_ADDRESS": "5 per 15 minutes",
    }


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(client, users):
    for _ in range(3):
        assert sign_in(client, "L0001", "wrong-password").status_code == 401
    response = sign_in(client, "L0001")  # right password, but too late
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)
    # Another account from the same address is not locked by this one.
    assert sign_in(client, "H0001").status_code == 302


def test_address_is_limited_across_accounts_but_the_right_password_still_works(client, users):
    for employee_no in ("X1", "X2", "X3", "X4", "X5"):
        assert sign_in(client, employee_no, "guess-password").status_code == 401
    assert sign_in(client, "X6", "guess-password").status_code == 429  # guessing slowed down
    assert sign_in(client, "T0001", "typo-password").status_code == 429
    # Issue 21: behind one proxy, a colleague's correct password must not get 429.
    assert sign_in(client, "T0001").status_code == 302


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": "127.0.0.1"}, "headers": {"X-Forwarded-For": address}}


@pytest.mark.parametrize(
    "app_config",
    [
        {
            "LOGIN_LIMIT_PER_ACCOUNT": "100 per 15 minutes",
            "LOGIN_LIMIT_PER_ADDRESS": "5 per 15 minutes",
            "TRUSTED_PROXIES": 1,
        }
    ],
)
def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(app, users, app_config):
    # 198.51.100.0/24 is a documentation range: these are header values, not traffic.
    attacker, colleague = app.test_client(), app.test_client()
    for attempt in range(8):
        attacker.post(
            "/auth/login",
            data={"login": f"X{attempt}", "password": "guess"},
            **_from("198.51.100.7"),
        )
    response = attacker.post(
        "/auth/login", data={"login": "X9", "password": "guess"}, **_from("198.51.100.7")
    )
    assert response.status_code == 429
    # Another shop's person, through the same proxy, is not slowed down by the attacker.
    response = colleague.post(
        "/auth/login", data={"login": "T0001", "password": "typo"}, **_from("198.51.100.8")
    )
    assert response.status_code == 401


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(app, users):
    client = app.test_client()
    for attempt in range(5):
        client.post(
            "/auth/login",
            data={"login": f"X{attempt}", "password": "guess"},
            **_from(f"198.51.100.{attempt}"),
        )
    response = client.post(
        "/auth/login", data={"login": "X9", "password": "guess"}, **_from("198.51.100.99")
    )
    assert response.status_code == 429


def test_successful_sign_ins_do_not_count(client, users):
    for _ in range(5):
        assert sign_in(client, "L0001").status_code == 302
        client.post("/auth/logout")
    assert sign_in(client, "L0001").status_code == 302


@pytest.mark.parametrize(
    "app_config",
    [
        {
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
            "LOGIN_LIMIT_PER_ADDRESS": "5 per 15 minutes",
            # Redis configured but not answering (nothing listens on port 1).
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
        }
    ],
)
def test_with_the_limit_store_down_people_still_sign_in_and_guessing_is_still_slowed(
    app, users, app_config
):
    client = app.test_client()
    assert sign_in(client, "L0001").status_code == 302
    other = app.test_client()
    for _ in range(3):
        assert sign_in(other, "H0001", "wrong-password").status_code == 401
    assert sign_in(other, "H0001").status_code == 429  # counted in this worker's memory
