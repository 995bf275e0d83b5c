"""Ids and page numbers out of range, and NUL bytes, are the visitor's mistake: 404 or 400,
never a 500 (issue 21; on PostgreSQL they used to be database errors)."""

import pytest

HUGE = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("number", HUGE)
def test_ids_out_of_range_are_404(client, users, signed_in, number):
    signed_in("admin")
    assert client.post(f"/hr/people/{number}/reset-password").status_code == 404
    assert client.get(f"/assessments/{number}").status_code == 404


@pytest.mark.parametrize("number", HUGE)
def test_page_numbers_out_of_range_show_the_first_page(client, users, signed_in, number):
    signed_in("hr")
    response = client.get(f"/hr/people/?page={number}")
    assert response.status_code == 200
    assert "L0001" in response.get_data(as_text=True)


def test_the_largest_real_id_is_still_an_ordinary_404(client, users, signed_in):
    signed_in("admin")
    assert client.post(f"/hr/people/{2**31 - 1}/reset-password").status_code == 404


@pytest.mark.parametrize("url", ["/courses/a%00b", "/hr/people/?q=%00", "/verify/%00"])
def test_a_nul_byte_in_the_url_is_400(client, users, signed_in, url):
    signed_in("hr")
    assert client.get(url).status_code == 400


def test_a_nul_byte_in_a_form_is_400(client, users):
    response = client.post("/auth/login", data={"login": "L0001\x00", "password": "x"})
    assert response.status_code == 400
