"""No request can make a worker read an unbounded body (issue 21: a 300 MB anonymous POST
grew a worker by 300-600 MB)."""

import io

from tests.unit.hr.helpers import positions


def test_an_anonymous_oversized_post_is_refused_with_413(client, app):
    body = b"login=x&password=" + b"a" * (2 * 1024 * 1024)
    response = client.post(
        "/auth/login", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "太大" in response.get_data(as_text=True)


def test_a_form_just_under_the_limit_is_still_read(client, users):
    padding = "a" * (1024 * 1024 - 200)
    response = client.post(
        "/auth/login",
        data=f"login=L0001&password=correct-horse-1&next=/{padding}"[: 1024 * 1024].encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302


def test_signed_in_forms_have_the_small_limit_too(client, users, signed_in):
    signed_in("learner")
    response = client.post(
        "/auth/password",
        data={"current_password": "x" * (2 * 1024 * 1024)},
    )
    assert response.status_code == 413


def test_the_staff_upload_takes_files_larger_than_a_form(app, client, users, signed_in):
    positions()
    signed_in("hr")
    note = "备" * 1000
    rows = "".join(f"E{n},甲{n},{note}\r\n" for n in range(700))
    data = f"工号,姓名,备注\r\n{rows}".encode()  # 2 MB: over the form limit, under the cap
    assert len(data) > 2 * 1024 * 1024
    response = client.post(
        "/hr/staff/import",
        data={"file": (io.BytesIO(data), "staff.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302


def test_an_upload_over_the_upload_cap_is_refused(app, client, users, signed_in):
    app.config["MAX_UPLOAD_BYTES"] = 3 * 1024 * 1024
    signed_in("hr")
    response = client.post(
        "/hr/staff/import",
        data={"file": (io.BytesIO(b"x" * (4 * 1024 * 1024)), "staff.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
