"""Sign-in is rate limited per account and per address, with a message people understand."""

import pytest

from tests.conftest import sign_in


@pytest.fixture
def app_config():
    return {"LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
            "LOGIN_LIMIT_PER_ADDRESS": "5 per 15 minutes"}


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(client, users):
    for _ in range(3):
        assert sign_in(client, "L0001", "wrong-password").status_code == 401
    response = sign_in(client, "L0001")  # right password, but too late
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)
    # Another account from the same address is not locked by this one.
    assert sign_in(client, "H0001").status_code == 302


def test_address_is_limited_across_accounts(client, users):
    for employee_no in ("X1", "X2", "X3", "X4", "X5"):
        assert sign_in(client, employee_no, "guess-password").status_code == 401
    assert sign_in(client, "T0001").status_code == 429


def test_successful_sign_ins_do_not_count(client, users):
    for _ in range(5):
        assert sign_in(client, "L0001").status_code == 302
        client.post("/auth/logout")
    assert sign_in(client, "L0001").status_code == 302
