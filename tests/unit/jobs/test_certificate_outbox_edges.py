"""The certificate outbox at its edges, written for the mutants a mutation run left alive
(docs/testing.md): the sweep's grace periods to the second, whose requests a page counts as
"being prepared", the error a failing job leaves, and what a revoked level certificate
re-rendered for download says."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import approve_promotions
from tests.unit.certificates.conftest import pass_quiz, pdf_text, require_poppler
from tests.unit.jobs.test_certificate_jobs import pass_quiz_without_jobs
from trainer.certificates import issuing, service
from trainer.extensions import db
from trainer.models import Certificate, CertificateRequest, utcnow

MOMENT = datetime(2026, 12, 7, 9, 0, 0)
SECOND = timedelta(seconds=1)


def _only_request() -> CertificateRequest:
    [request] = db.session.scalars(sa.select(CertificateRequest)).all()
    return request


@pytest.mark.parametrize(
    ("status", "grace", "age", "swept"),
    [
        # a pending request not taken up by its job within 10 minutes
        ("pending", issuing.PENDING_GRACE, timedelta(0), 0),
        ("pending", issuing.PENDING_GRACE, timedelta(minutes=10) - SECOND, 0),
        ("pending", issuing.PENDING_GRACE, timedelta(minutes=10), 0),
        ("pending", issuing.PENDING_GRACE, timedelta(minutes=10) + SECOND, 1),
        # a working request whose job has not finished within 15 minutes
        ("working", issuing.WORKING_GRACE, timedelta(minutes=15) - SECOND, 0),
        ("working", issuing.WORKING_GRACE, timedelta(minutes=15), 0),
        ("working", issuing.WORKING_GRACE, timedelta(minutes=15) + SECOND, 1),
    ],
)
def test_the_sweep_waits_the_whole_grace_period(app, users, synced, status, grace, age, swept):
    pass_quiz_without_jobs(app, users["learner"])
    request = _only_request()
    request.status = status
    request.requested_at = request.claimed_at = MOMENT
    db.session.commit()
    assert issuing.requeue_stale_requests(now=MOMENT + age) == swept


def test_a_done_request_is_never_swept(app, users, synced):
    pass_quiz(users["learner"])
    request = _only_request()
    assert request.status == "done"
    assert issuing.requeue_stale_requests(now=request.requested_at + timedelta(days=30)) == 0


def test_being_prepared_counts_only_the_learners_own_requests(app, users, synced):
    learner, colleague = users["learner"], users["trainer"]
    pass_quiz_without_jobs(app, learner)
    request = _only_request()
    assert issuing.being_prepared(learner.id) == {request.course_id}
    assert issuing.being_prepared(colleague.id) == set()
    assert issuing.titles_being_prepared(colleague.id) == []
    assert issuing.titles_being_prepared(learner.id) == ["新员工入门"]


def test_a_failing_job_records_the_kind_of_error_and_at_most_1000_characters(
    app, users, synced, monkeypatch
):
    from trainer.certificates import pdf

    app.config["JOBS_RETRIES"] = 0

    def broken(*args, **kwargs):
        raise OSError("字" * 1500)

    monkeypatch.setattr(pdf, "render_pdf", broken)
    pass_quiz(users["learner"])
    db.session.commit()
    request = _only_request()
    assert request.last_error.startswith("OSError: 字字")
    assert len(request.last_error) == 1000


def test_a_revocation_reason_of_nothing_is_refused(app, users, synced):
    pass_quiz(users["learner"])
    [certificate] = db.session.scalars(sa.select(Certificate).where(Certificate.kind == "course"))
    for reason in (None, "", "  \n "):
        with pytest.raises(service.CertificateError) as refused:
            service.revoke(certificate, users["hr"], reason)
        assert refused.value.code == "reason-missing"
    assert certificate.revoked_at is None


def test_a_revoked_level_certificate_still_names_its_track(app, users, synced, paths_dir, tmp_path):
    """Downloaded after a revocation, a level certificate is rendered again from what it
    states (its track), as when it was issued."""
    require_poppler()
    hr, learner = users["hr"], users["learner"]
    pass_quiz(learner)
    assert approve_promotions(learner, hr)
    level = db.session.scalar(
        sa.select(Certificate).where(Certificate.user_id == learner.id, Certificate.kind == "level")
    )
    assert level is not None
    assert service.statement_of(app, level) == {"track": "专业技术通道"}
    service.revoke(level, hr, "违规")
    text = pdf_text(service.pdf_for_download(app, level), tmp_path)
    assert "REVOKED" in text and "专 业 技 术 通 道" in text


def test_a_level_gone_from_the_paths_still_downloads_without_a_track(
    app, users, synced, paths_dir, tmp_path
):
    """A revoked level certificate whose level was later removed from the career paths: the
    download is rendered with no track named, neither a made-up one nor an error."""
    require_poppler()
    hr, learner = users["hr"], users["learner"]
    pass_quiz(learner)
    assert approve_promotions(learner, hr)
    level = db.session.scalar(
        sa.select(Certificate).where(Certificate.user_id == learner.id, Certificate.kind == "level")
    )
    level.level_id = "a-level-since-removed"
    db.session.commit()
    assert service.statement_of(app, level) == {"track": ""}
    service.revoke(level, hr, "违规")
    text = pdf_text(service.pdf_for_download(app, level), tmp_path)
    assert "REVOKED" in text and "初级服务专员" in text
    assert "通 道" not in text


def test_a_finished_request_records_when_it_was_done(app, users, synced):
    before = utcnow()
    pass_quiz(users["learner"])
    request = _only_request()
    assert request.status == "done" and request.outcome == "issued"
    assert before <= request.done_at <= utcnow()


def test_the_serial_counter_row_inserted_meanwhile_is_retried_once(app, monkeypatch):
    """The year's first serial inserts the year's counter row; another worker may insert it at
    the same moment (the unique year refuses the second): the loser tries again once, and a
    second refusal is an error, never a duplicate serial."""
    refusals = []
    original = service._highest_serial_number

    def refused_once(year):
        if not refusals:
            refusals.append(year)
            raise sa.exc.IntegrityError("INSERT INTO certificate_serials", {}, Exception("taken"))
        return original(year)

    monkeypatch.setattr(service, "_highest_serial_number", refused_once)
    assert service.take_serial(2031) == "TRN-2031-000001"
    assert service.take_serial(2031) == "TRN-2031-000002"

    def always_refused(year):
        raise sa.exc.IntegrityError("INSERT INTO certificate_serials", {}, Exception("taken"))

    monkeypatch.setattr(service, "_highest_serial_number", always_refused)
    with pytest.raises(RuntimeError, match="2032"):
        service.take_serial(2032)


def test_a_job_claims_only_its_own_request_at_the_moment_it_runs(app, users, synced):
    """Two learners' requests are open (the queue was down): the job for the second one marks
    only that one as taken up, with the moment it ran; the first stays pending for its own."""
    first, second = users["learner"], users["trainer"]
    pass_quiz_without_jobs(app, first)
    pass_quiz_without_jobs(app, second)
    [request] = db.session.scalars(
        sa.select(CertificateRequest).where(CertificateRequest.user_id == second.id)
    ).all()
    assert issuing.process_request(app, request.id, now=MOMENT) == "issued"
    db.session.commit()
    by_user = {r.user_id: r for r in db.session.scalars(sa.select(CertificateRequest)).all()}
    assert (by_user[first.id].status, by_user[first.id].claimed_at) == ("pending", None)
    assert by_user[first.id].tries == 0
    assert (by_user[second.id].status, by_user[second.id].claimed_at) == ("done", MOMENT)


def test_a_request_for_a_course_not_yet_complete_is_done_with_that_outcome(app, users, synced):
    """store-service needs a practical and an attitude evaluation besides the exam: the job
    after the exam finds the course not complete and says so; no certificate."""
    learner = users["learner"]
    pass_quiz(learner)  # basics, the prerequisite (its own certificate)
    pass_quiz(learner, "store-service")
    store = db.session.scalar(
        sa.select(CertificateRequest)
        .where(CertificateRequest.user_id == learner.id)
        .order_by(CertificateRequest.id.desc())
    )
    assert (store.status, store.outcome, store.certificate_id) == ("done", "not-complete", None)
