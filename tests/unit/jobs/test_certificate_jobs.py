"""Certificates issued by the background job: concurrent completions, retries, the outbox
sweep, and the page saying "being prepared" until the job has run."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import make_user, sign_in
from tests.course_helpers import ready_for_exam
from tests.unit.certificates.conftest import pass_quiz
from trainer.certificates import issuing
from trainer.extensions import db
from trainer.jobs import jobs_of
from trainer.models import Certificate, CertificateRequest, User, utcnow


def _certificates() -> list[Certificate]:
    db.session.commit()  # a fresh snapshot: what the jobs committed
    return db.session.scalars(sa.select(Certificate).order_by(Certificate.serial)).all()


def _store_service_certificates() -> list[Certificate]:
    return [c for c in _certificates() if c.title == "门店售中服务"]


def test_many_people_completing_at_once_each_get_one_certificate(app, synced):
    """Eight learners pass the exam at the same moment, each in a thread of its own; every
    one gets a certificate and the serial numbers are 1 to 8, none twice."""
    people = [make_user(f"C{n:04d}", f"学员{n}", {"learner"}) for n in range(8)]
    for person in people:  # each read the lessons earlier; the exams are at the same moment
        ready_for_exam(person, "basics")
    ids = [person.id for person in people]
    barrier = threading.Barrier(len(ids))
    errors = []

    def complete(user_id: int) -> None:
        try:
            with app.app_context():
                user = db.session.get(User, user_id)
                barrier.wait()
                pass_quiz(user)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)

    threads = [threading.Thread(target=complete, args=(user_id,)) for user_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    certificates = _certificates()
    year = utcnow().year
    assert sorted(c.user_id for c in certificates) == sorted(ids)
    assert [c.serial for c in certificates] == [f"TRN-{year}-{n:06d}" for n in range(1, 9)]
    assert all(c.pdf_sha256 and c.kind == "course" for c in certificates)
    requests = db.session.scalars(sa.select(CertificateRequest)).all()
    assert len(requests) == 8 and {r.outcome for r in requests} == {"issued"}


def test_a_job_that_fails_once_is_retried_and_issues_exactly_once(app, users, synced, monkeypatch):
    from trainer.certificates import pdf

    real_render, calls = pdf.render_pdf, []

    def render_failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", render_failing_once)
    pass_quiz(users["learner"])
    [certificate] = _certificates()
    assert certificate.user_id == users["learner"].id and len(calls) == 2
    [request] = db.session.scalars(sa.select(CertificateRequest)).all()
    assert (request.status, request.outcome, request.tries) == ("done", "issued", 2)
    assert request.certificate_id == certificate.id and request.last_error is None
    # Running the finished job again (a duplicate delivery) changes nothing.
    assert issuing.process_request(app, request.id) is None
    assert len(_certificates()) == 1


@pytest.fixture
def two_retries(app_config):
    app_config["JOBS_RETRIES"] = 2


def test_a_job_that_keeps_failing_leaves_the_request_open_with_its_error(
    two_retries, app, users, synced, monkeypatch
):
    from trainer.certificates import pdf

    tries = []

    def broken(*args, **kwargs):
        tries.append(1)
        raise OSError("no fonts")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    pass_quiz(users["learner"])
    assert _certificates() == [] and len(tries) == 3  # the first run and two retries
    [request] = db.session.scalars(sa.select(CertificateRequest)).all()
    assert request.status == "working" and "no fonts" in request.last_error
    assert request.tries == 3
    assert issuing.being_prepared(users["learner"].id) == {request.course_id}


def test_the_sweep_finishes_a_request_whose_worker_died(app, users, synced):
    """A worker killed in the middle of a job: the request stays "working"; once it has been
    untouched for long, the scheduler's sweep enqueues it again and a certificate comes."""
    learner = users["learner"]
    pass_quiz_without_jobs(app, learner)
    [request] = db.session.scalars(sa.select(CertificateRequest)).all()
    request.status, request.tries = "working", 1
    request.claimed_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert issuing.requeue_stale_requests() == 0  # its worker may still be rendering
    assert issuing.being_prepared(learner.id) == {request.course_id}
    request.claimed_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert issuing.requeue_stale_requests() == 1
    [certificate] = _certificates()
    assert certificate.user_id == learner.id
    assert issuing.being_prepared(learner.id) == set()


def pass_quiz_without_jobs(app, learner):
    """Pass the exam with the queue unreachable: the requests are written, no job runs."""
    jobs = jobs_of(app)
    saved = dict(jobs.tasks)
    jobs.tasks.clear()  # enqueue() fails (and is logged), as with a queue that is down
    try:
        pass_quiz(learner)
    finally:
        jobs.tasks.update(saved)


def test_a_request_written_while_the_queue_is_down_is_swept_later(app, users, synced):
    learner = users["learner"]
    pass_quiz_without_jobs(app, learner)
    assert _certificates() == []
    [request] = db.session.scalars(sa.select(CertificateRequest)).all()
    assert request.status == "pending"
    assert issuing.requeue_stale_requests() == 0  # just written: its job may still come
    request.requested_at = utcnow() - timedelta(minutes=9)
    db.session.commit()
    assert issuing.requeue_stale_requests() == 0
    request.requested_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert issuing.requeue_stale_requests() == 1
    assert len(_certificates()) == 1


def test_progress_recorded_in_a_rolled_back_transaction_requests_nothing(app, users, synced):
    from trainer import completion
    from trainer.courses.service import live_course
    from trainer.database import write_transaction

    record, _ = live_course("basics")
    with pytest.raises(RuntimeError), write_transaction():
        completion.record_progress(users["learner"].id, record.id)
        raise RuntimeError("the grading failed")
    assert db.session.scalars(sa.select(CertificateRequest)).all() == []
    with write_transaction():  # the same, committed: the request is written, its job runs
        completion.record_progress(users["learner"].id, record.id)
    [request] = db.session.scalars(sa.select(CertificateRequest)).all()
    assert (request.status, request.outcome) == ("done", "not-complete")
    assert _certificates() == []


@pytest.fixture
def queued_app_config(app_config, tmp_path):
    """A real queue in a SQLite file, and no worker: jobs wait until the test runs them."""
    app_config.update(JOBS_IMMEDIATE=False, JOBS_DATABASE=tmp_path / "jobs.sqlite3")
    return app_config


def test_the_pages_say_being_prepared_until_the_job_has_run(
    queued_app_config, app, client, users, synced
):
    pass_quiz(users["learner"])
    assert _certificates() == []
    sign_in(client, "L0001")
    mine = client.get("/certificates/").get_data(as_text=True)
    assert 'data-testid="certificate-preparing"' in mine and "证书正在生成" in mine
    assert "新员工入门" in mine and "还没有证书" not in mine
    course = client.get("/courses/basics").get_data(as_text=True)
    assert "证书正在生成" in course

    huey = jobs_of(app).huey
    assert huey.pending_count() == 1
    huey.execute(huey.dequeue())  # what a worker does
    [certificate] = _certificates()
    mine = client.get("/certificates/").get_data(as_text=True)
    assert "证书正在生成" not in mine and certificate.serial in mine
    course = client.get("/courses/basics").get_data(as_text=True)
    assert "证书正在生成" not in course and certificate.serial in course


def test_the_assessment_or_the_appeal_that_completes_a_course_brings_its_certificate(
    app, users, synced
):
    """store-service needs the exam, a practical and an attitude evaluation: the certificate
    comes with whichever completes the course last, here an overturned appeal."""
    from datetime import datetime

    from tests.unit.assessments.assessment_helpers import (
        CRITICAL_FAILED,
        set_up_people,
        submitted,
    )
    from trainer.assessments import appeals

    people = set_up_people(users)
    learner, assessor = people["learner"], people["assessor"]
    t0 = datetime(2026, 9, 1, 8, 0)
    pass_quiz(learner, "store-service")  # its prerequisite, basics, passed first
    submitted(assessor, learner, {"patient": 2}, kind="attitude", at=t0)
    failed = submitted(assessor, learner, CRITICAL_FAILED, at=t0)
    assert _store_service_certificates() == []
    appeal = appeals.lodge_appeal(
        failed, learner, "顾客从侧门进来。", 7, now=t0 + timedelta(days=1)
    )
    appeals.decide_appeal(
        appeal,
        people["hr"],
        overturn=True,
        reason="监控显示考核员看不到。",
        now=t0 + timedelta(days=2),
    )
    [certificate] = _store_service_certificates()
    assert certificate.user_id == learner.id and certificate.title == "门店售中服务"
    outcomes = db.session.scalars(
        sa.select(CertificateRequest.outcome).order_by(CertificateRequest.id)
    ).all()
    # The exam (no assessment yet: ruled out at once) and the failed practical request
    # nothing; the passed attitude evaluation and the overturned appeal do.
    assert outcomes == ["not-complete", "not-complete", "issued"]


def test_a_department_zip_is_prepared_by_a_job(queued_app_config, app, client, users, synced):
    import io
    import zipfile

    from trainer.models import CertificateZip

    pass_quiz(users["learner"])
    huey = jobs_of(app).huey
    huey.execute(huey.dequeue())  # the certificate
    [certificate] = _certificates()
    sign_in(client, "H0001")
    company = users["learner"].department.parent.parent.id
    response = client.post("/certificates/department.zip", data={"department": company})
    status_url = response.headers["Location"]
    page = client.get(status_url).get_data(as_text=True)
    assert 'data-status="pending"' in page and "ZIP 文件正在生成" in page
    assert 'http-equiv="refresh"' in page
    [zip_row] = db.session.scalars(sa.select(CertificateZip)).all()
    file_url = f"/certificates/zips/{zip_row.id}.zip"
    assert client.get(file_url).headers["Location"].endswith(status_url)  # not ready yet
    # Asking again while it is prepared waits for the same file.
    again = client.post("/certificates/department.zip", data={"department": company})
    assert again.headers["Location"] == status_url and huey.pending_count() == 1

    huey.execute(huey.dequeue())
    page = client.get(status_url).get_data(as_text=True)
    assert "已准备好：1 份证书" in page and 'http-equiv="refresh"' not in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(file_url).data))
    [name] = archive.namelist()
    assert name.startswith(certificate.serial) and archive.read(name) == certificate.pdf
    other = app.test_client()
    sign_in(other, "M0001")  # another HR person (the administrator) does not see it
    assert other.get(status_url).status_code == 404
    assert other.get(file_url).status_code == 404


def test_serial_numbers_continue_after_those_issued_before_the_counter(app, users):
    from trainer.certificates.service import take_serial
    from trainer.models import CertificateSerial

    # An installation upgraded mid-year: 41 certificates of 2026 numbered by the old code.
    db.session.add(
        Certificate(
            serial="TRN-2026-000041",
            code="A" * 20,
            kind="level",
            achievement="level:x",
            user_id=users["learner"].id,
            holder_name="x",
            title="x",
            pdf=b"",
            pdf_sha256="",
        )
    )
    db.session.commit()
    assert take_serial(2026) == "TRN-2026-000042"
    assert take_serial(2026) == "TRN-2026-000043"
    assert take_serial(2027) == "TRN-2027-000001"  # each year counts from 1
    assert db.session.get(CertificateSerial, 2026).last_number == 43
