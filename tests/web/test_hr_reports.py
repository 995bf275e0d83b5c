"""HR reads the reports in the browser and exports each table; notifications in the app."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.conftest import make_user, sign_in
from tests.unit.hr.helpers import make_plan, positions, take_exam
from trainer.clock import local_today
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.hr.reminders.service import send_reminders
from trainer.models import Department, User


@pytest.fixture
def store(app, users, synced):
    found = positions()
    make_user(
        "S1",
        '=HYPERLINK("http://x")',
        {"learner"},
        department_path="测试公司/华东区/上海一店",
        position_code="sales-associate",
    )
    make_user(
        "S2",
        "李强",
        {"learner"},
        department_path="测试公司/华东区/杭州二店",
        position_code="sales-associate",
    )
    plan = make_plan(
        users["hr"],
        year=local_today().year,
        items=[("basics", "fixed", local_today() - timedelta(days=1))],
        targets=[("position", found["sales-associate"])],
        today=local_today() - timedelta(days=2),
    )
    # Assigned before the date went by (assigning it now would be refused).
    plans.sync_plan(users["hr"], plan, local_today() - timedelta(days=2))
    take_exam(
        db.session.scalar(sa.select(User).where(User.employee_no == "S2")), "basics", passed=True
    )
    return found


def test_matrix_page_with_filter_and_drill_down(client, signed_in, store):
    signed_in("hr")
    shop = db.session.scalar(sa.select(Department).where(Department.name == "上海一店"))
    page = client.get(f"/hr/reports/matrix?department={shop.id}").get_data(as_text=True)
    assert 'data-employee="S1"' in page and 'data-employee="S2"' not in page
    assert 'class="cell status-overdue" data-course="basics"' in page
    assert '<a href="/training/people/S1">' in page
    page = client.get(f"/hr/reports/matrix?position={store['sales-associate'].id}").get_data(
        as_text=True
    )
    assert 'data-employee="S2"' in page and 'data-employee="H0001"' not in page
    assert "已逾期" in client.get("/training/people/S1").get_data(as_text=True)


def _export(client, report: str, fmt: str, **filters):
    """Press the export button (a POST with the page's filters), then download the file the
    job built (jobs run immediately in the tests)."""
    response = client.post(f"/hr/reports/{report}.{fmt}", data=filters)
    assert response.status_code == 302
    status_url = response.headers["Location"]
    page = client.get(status_url).get_data(as_text=True)
    assert 'data-status="done"' in page and 'http-equiv="refresh"' not in page
    response = client.get(f"{status_url}/file")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    return response


def test_matrix_exports_as_xlsx_and_csv_with_formulas_neutralised(client, signed_in, store):
    signed_in("hr")
    response = _export(client, "matrix", "xlsx", position=store["sales-associate"].id)
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith(
        f'filename="matrix-{local_today().isoformat()}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}
    assert rows["S1"][1] == '\'=HYPERLINK("http://x")'
    assert "已逾期" in rows["S1"] and "已通过" in rows["S2"]
    response = _export(client, "matrix", "csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0][:2] == ["工号", "姓名"]
    assert ["S1", '\'=HYPERLINK("http://x")'] == [r[:2] for r in table if r[0] == "S1"][0]


@pytest.mark.parametrize("report", ["overdue", "courses", "onboarding"])
def test_every_report_page_and_export(client, signed_in, store, report):
    signed_in("hr")
    page = client.get(f"/hr/reports/{report}").get_data(as_text=True)
    for fmt in ("csv", "xlsx"):
        assert f'action="/hr/reports/{report}.{fmt}"' in page
        assert _export(client, report, fmt).data
    assert client.post(f"/hr/reports/{report}.pdf").status_code == 404
    # The old download link now only answers a POST: nothing is built on a GET.
    assert client.get(f"/hr/reports/{report}.csv").status_code == 405


def test_overdue_page_lists_who_is_late(client, signed_in, store):
    signed_in("hr")
    page = client.get("/hr/reports/overdue").get_data(as_text=True)
    assert 'data-employee="S1" data-course="basics"' in page
    assert 'data-employee="S2"' not in page


def test_charts_get_their_data_from_an_attribute_and_a_vendored_script(client, signed_in, store):
    signed_in("hr")
    response = client.get("/hr/reports/")
    page = response.get_data(as_text=True)
    assert "/static/vendor/chartjs/chart.umd.min.js" in page
    assert "<script>" not in page  # CSP: no inline scripts
    data = json.loads(
        re.search(r'data-charts="([^"]*)"', page)
        .group(1)
        .replace("&#34;", '"')
        .replace("&quot;", '"')
        .replace("&amp;", "&")
    )
    assert data["pass_rate"]["labels"] == ["新员工入门"]
    assert sum(data["departments"]["series"]["overdue"]) == 1
    assert client.get("/static/vendor/chartjs/chart.umd.min.js").status_code == 200


def test_notifications_in_the_app(app, client, store):
    send_reminders(None, local_today(), days_before=7)
    sign_in(client, "S1")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "培训已逾期：新员工入门" in page and "1 条未读" in page
    client.post("/notifications/read")
    assert "条未读" not in client.get("/notifications/").get_data(as_text=True)


def test_learner_cannot_export(client, signed_in, store):
    signed_in("learner")
    assert client.post("/hr/reports/matrix.xlsx").status_code == 403


def test_an_export_is_seen_and_downloaded_only_by_who_asked_for_it(app, client, signed_in, store):
    signed_in("hr")
    status_url = client.post("/hr/reports/overdue.csv").headers["Location"]
    assert client.get(f"{status_url}/file").status_code == 200
    other = app.test_client()
    sign_in(other, "M0001")  # the administrator: HR too, but not the one who asked
    assert other.get(status_url).status_code == 404
    assert other.get(f"{status_url}/file").status_code == 404


def test_export_filters_travel_as_hidden_fields(client, signed_in, store):
    signed_in("hr")
    position = store["sales-associate"].id
    page = client.get(f"/hr/reports/matrix?position={position}").get_data(as_text=True)
    assert f'<input type="hidden" name="position" value="{position}">' in page
