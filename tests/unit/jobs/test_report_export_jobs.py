"""HR's report exports built by the background job: the page says "being prepared" until the
job has run, asking twice waits for the same file, lost jobs are enqueued again and old files
forgotten."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import sign_in
from trainer.extensions import db
from trainer.hr.reports import jobs as report_jobs
from trainer.hr.reports.service import Filters
from trainer.jobs import jobs_of
from trainer.models import ReportExport, utcnow


@pytest.fixture
def queued_app_config(app_config, tmp_path):
    """A real queue in a SQLite file, and no worker: jobs wait until the test runs them."""
    app_config.update(JOBS_IMMEDIATE=False, JOBS_DATABASE=tmp_path / "jobs.sqlite3")
    return app_config


def test_an_export_is_prepared_by_a_job(queued_app_config, app, client, users):
    huey = jobs_of(app).huey
    sign_in(client, "H0001")
    response = client.post("/hr/reports/overdue.csv")
    status_url = response.headers["Location"]
    page = client.get(status_url).get_data(as_text=True)
    assert 'data-status="pending"' in page and "文件正在生成" in page
    assert 'http-equiv="refresh"' in page
    [export] = db.session.scalars(sa.select(ReportExport)).all()
    file_url = f"/hr/reports/exports/{export.id}/file"
    assert client.get(file_url).headers["Location"].endswith(status_url)  # not ready yet
    # Asking again while it is prepared waits for the same file; other filters or another
    # format are another file.
    again = client.post("/hr/reports/overdue.csv")
    assert again.headers["Location"] == status_url and huey.pending_count() == 1
    other = client.post("/hr/reports/overdue.xlsx")
    assert other.headers["Location"] != status_url and huey.pending_count() == 2

    huey.execute(huey.dequeue())
    page = client.get(status_url).get_data(as_text=True)
    assert 'data-status="done"' in page and 'http-equiv="refresh"' not in page
    assert "文件正在生成" not in page
    response = client.get(file_url)
    assert response.headers["Cache-Control"] == "private, no-store"
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0][0] == "工号"
    # Done: asking once more builds a fresh file.
    fresh = client.post("/hr/reports/overdue.csv")
    assert fresh.headers["Location"] != status_url and huey.pending_count() == 2


def test_lost_jobs_are_enqueued_again_and_old_files_forgotten(queued_app_config, app, users):
    huey = jobs_of(app).huey
    export = report_jobs.request_export(users["hr"], "matrix", "xlsx", Filters())
    huey.dequeue()  # the job is lost
    assert report_jobs.requeue_stale() == 0  # just asked for: its job may still come
    export.requested_at = utcnow() - timedelta(minutes=3)
    db.session.commit()
    assert report_jobs.requeue_stale() == 1
    huey.execute(huey.dequeue())
    db.session.commit()
    assert db.session.get(ReportExport, export.id).status == "done"
    assert report_jobs.requeue_stale() == 0
    assert report_jobs.forget_old(now=utcnow() + timedelta(hours=23)) == 0
    assert report_jobs.forget_old(now=utcnow() + timedelta(hours=25)) == 1
    assert db.session.scalars(sa.select(ReportExport)).all() == []
