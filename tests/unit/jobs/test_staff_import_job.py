"""A confirmed staff import is applied by a background job; the preview says so meanwhile."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import count_rows
from tests.unit.hr.helpers import positions
from tests.web.test_hr_staff import upload
from trainer.extensions import db
from trainer.hr.staff import importer
from trainer.jobs import jobs_of
from trainer.models import ImportBatch, User, utcnow


@pytest.fixture
def queued(app_config, tmp_path):
    app_config.update(JOBS_IMMEDIATE=False, JOBS_DATABASE=tmp_path / "jobs.sqlite3")


@pytest.fixture
def hr(queued, app, client, users, signed_in):
    positions()
    return signed_in("hr")


def test_the_preview_says_being_applied_until_the_job_has_applied_it(queued, app, client, hr):
    preview_url = upload(client, "two-stores-gbk.csv").headers["Location"]
    token = preview_url.rsplit("/", 1)[1]
    client.post(f"/hr/staff/import/{token}/apply")
    page = client.get(preview_url).get_data(as_text=True)
    assert 'data-testid="import-applying"' in page and "正在导入" in page
    assert 'http-equiv="refresh"' in page and 'data-testid="apply-import"' not in page
    assert count_rows(User) == 5
    client.post(f"/hr/staff/import/{token}/apply")  # pressed again: still one job
    huey = jobs_of(app).huey
    assert huey.pending_count() == 1

    huey.execute(huey.dequeue())
    page = client.get(preview_url).get_data(as_text=True)
    assert "导入完成：新建 6 人" in page and 'http-equiv="refresh"' not in page
    assert count_rows(User) == 11


def test_a_confirmed_import_whose_job_was_lost_is_applied_by_the_sweep(queued, app, client, hr):
    preview_url = upload(client, "two-stores-gbk.csv").headers["Location"]
    client.post(preview_url + "/apply")
    jobs_of(app).huey.flush()  # the queue lost the job (e.g. a Redis without persistence)
    batch = db.session.scalars(sa.select(ImportBatch)).one()
    assert importer.requeue_lost_applies() == 0  # not late yet
    batch.apply_requested_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert importer.requeue_lost_applies() == 1
    huey = jobs_of(app).huey
    huey.execute(huey.dequeue())
    assert count_rows(User) == 11
    assert importer.requeue_lost_applies() == 0
