"""Certificates: one Chinese certificate PDF in a warm process, then 200 certificates issued
by the app's service and fetched as one department ZIP.

  pdf     `render_pdf` of templates/pdf/certificate.html for an unsaved certificate, with the
          context the service builds (`pdf_context`); 1 warm-up, then timed renders.
          Goal: median <= 0.25 s.
  issue   `issue_if_complete` for 200 learners of one region (two stores) who passed the
          exam of a course that needs nothing else: completion check, serial number, PDF,
          row and audit event, each committed. Reported, no goal of its own.
  zip     POST /certificates/department.zip (the region) as HR through the app's test client,
          its background job run in-process (JOBS_IMMEDIATE), then GET of the stored file: the
          job reuses the 200 stored PDFs (none is revoked; only a revoked one is re-rendered).
          Goal: <= 60 s.

Also reported: whether HarfBuzz's subsetting library is installed (`ldconfig -p`), without
which WeasyPrint falls back to a far slower font subsetter.
"""

from __future__ import annotations

import hashlib
import io
import statistics
import subprocess
import tempfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.load import LoadWindow
from bench.report import Goal, Section, seconds
from bench.servers import ROOT

PDF_RUNS = 20
PDF_GOAL = 0.25  # seconds, median
CERTIFICATES = 200
STORES = ("示例服务集团/华东区/上海一店", "示例服务集团/华东区/杭州二店")
ZIP_RUNS = 3
ZIP_GOAL = 60.0  # seconds
HR_LOGIN = ("bench-hr", "bench-hr-pass-1")


def run_certificate_benchmark() -> Section:
    with tempfile.TemporaryDirectory(prefix="trainer-bench-certificates-") as scratch:
        app = _app(Path(scratch))
        try:
            pdf = _time_pdf(app)
            zip_figures = _time_issue_and_zip(app)
        finally:
            from trainer.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    return _section(pdf, zip_figures)


def _app(scratch: Path):
    from trainer import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch / 'certificates.sqlite3'}",
            "CONTENT_DIR": ROOT / "content",
            "WTF_CSRF_ENABLED": False,  # only for the test client's sign-in; not timed
            "RATELIMIT_ENABLED": False,
            "JOBS_IMMEDIATE": True,  # the ZIP's job runs inside the timed request
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )


def harfbuzz_subset() -> str | None:
    """The library line `ldconfig -p` lists for libharfbuzz-subset, or None."""
    try:
        listing = subprocess.run(
            ["ldconfig", "-p"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return next((line.strip() for line in listing.splitlines() if "harfbuzz-subset" in line), None)


def _time_pdf(app) -> dict:
    import weasyprint

    from trainer.certificates.pdf import render_pdf
    from trainer.certificates.service import add_months, new_code, pdf_context
    from trainer.content import load_course
    from trainer.models import Certificate, utcnow

    course, _problems = load_course(ROOT / "content" / "courses" / "sales-seven-steps")
    now = utcnow()
    certificate = Certificate(
        serial=f"TRN-{now.year}-000001",
        code=new_code(),
        kind="course",
        achievement="course:1:1",
        holder_name="欧阳晓明",
        title=course.meta.title,
        issued_at=now,
        expires_at=add_months(now, 24),
        pdf=b"",
        pdf_sha256="",
    )
    load = LoadWindow().start()
    with app.app_context():
        # As the service renders a course certificate with a practical assessment.
        context = pdf_context(app, certificate, {"practical": True, "attitude": False})
        started = time.perf_counter()
        pdf, _sha = render_pdf(app, "pdf/certificate.html", context)
        first = time.perf_counter() - started
        runs = []
        for _ in range(PDF_RUNS):
            started = time.perf_counter()
            pdf, _sha = render_pdf(app, "pdf/certificate.html", context)
            runs.append(time.perf_counter() - started)
    load.stop()
    if not pdf.startswith(b"%PDF-") or len(pdf) < 10_000:
        raise RuntimeError(f"the certificate is not a PDF with fonts ({len(pdf)} bytes)")
    figures = {
        "first": first,
        "runs": runs,
        "bytes": len(pdf),
        "harfbuzz": harfbuzz_subset(),
        "weasyprint": weasyprint.__version__,
        "load": load,
    }
    print(
        f"certificates: one PDF: first {first:.3f} s, median {statistics.median(runs):.3f} s, "
        f"max {max(runs):.3f} s over {PDF_RUNS}, {len(pdf) // 1024} KiB; harfbuzz-subset: "
        f"{figures['harfbuzz'] or 'missing'}; {load.describe()}",
        flush=True,
    )
    return figures


def _time_issue_and_zip(app) -> dict:
    from trainer.certificates import service
    from trainer.courses.sync import sync_content
    from trainer.extensions import db
    from trainer.models import Certificate, User

    with app.app_context():
        db.create_all()
        sync_content(app.config["CONTENT_DIR"])
        record, region_id, learner_ids = _learners_who_passed()
        load = LoadWindow().start()
        issue_runs = []
        for learner_id in learner_ids:
            learner = db.session.get(User, learner_id)
            started = time.perf_counter()
            certificate = service.issue_if_complete(app, learner, record)
            issue_runs.append(time.perf_counter() - started)
            if certificate is None:
                raise RuntimeError(f"no certificate issued for learner {learner_id}")
        issued = db.session.execute(
            sa.select(Certificate.id, Certificate.pdf_sha256, Certificate.revoked_at)
        ).all()
        db.session.remove()
    if len(issued) != CERTIFICATES or any(row.revoked_at for row in issued):
        raise RuntimeError(f"{len(issued)} certificates issued, expected {CERTIFICATES} valid")
    print(
        f"certificates: issued {len(issued)} in {sum(issue_runs):.1f} s "
        f"(median {statistics.median(issue_runs):.3f} s each)",
        flush=True,
    )

    client = app.test_client()
    login, password = HR_LOGIN
    response = client.post("/auth/login", data={"login": login, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"HR sign-in answered {response.status_code}")
    zip_runs, size = [], 0
    stored = {row.pdf_sha256 for row in issued}
    for _ in range(ZIP_RUNS):
        started = time.perf_counter()
        # HR asks for the ZIP (a POST that enqueues the job; the job runs in-process here,
        # JOBS_IMMEDIATE), then downloads the file it stored.
        asked = client.post("/certificates/department.zip", data={"department": region_id})
        if asked.status_code != 302:
            raise RuntimeError(f"department.zip answered {asked.status_code}")
        response = client.get(asked.headers["Location"].split("?")[0] + ".zip")
        zip_runs.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"the ZIP's download answered {response.status_code}")
        size = len(response.data)
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            names = archive.namelist()
            found = {hashlib.sha256(archive.read(name)).hexdigest() for name in names}
        if len(names) != CERTIFICATES or found != stored:
            raise RuntimeError(
                f"the ZIP holds {len(names)} files, {len(found & stored)} of them the stored PDFs"
            )
    load.stop()
    print(
        f"certificates: department ZIP of {CERTIFICATES}: median "
        f"{statistics.median(zip_runs):.2f} s, max {max(zip_runs):.2f} s, "
        f"{size // 1024} KiB; {load.describe()}",
        flush=True,
    )
    return {"issue": issue_runs, "zip": zip_runs, "size": size, "load": load}


def _learners_who_passed():
    """200 learners in two stores of one region, each with a passed exam of a course that
    needs no practical or attitude assessment (rows written directly: the exam is not
    what is timed here), and one HR account."""
    from trainer.courses.service import live_courses_query
    from trainer.extensions import db
    from trainer.hr.people.service import ensure_department_path
    from trainer.models import CourseRecord, QuizAttempt, QuizResult, User, utcnow

    record, version = next(
        (record, version)
        for record, version in db.session.execute(
            live_courses_query().order_by(CourseRecord.slug)
        ).all()
        if not version.settings.get("practical_required")
        and not version.settings.get("attitude_required")
    )
    stores = [ensure_department_path(path) for path in STORES]
    users = []
    for number in range(CERTIFICATES):
        user = User(
            employee_no=f"C{number:05d}",
            display_name=f"欧阳{number:03d}",
            department=stores[number % len(stores)],
        )
        user.set_roles({"learner"})
        users.append(user)
    hr = User(employee_no=HR_LOGIN[0], display_name="人事", department=stores[0])
    hr.set_roles({"hr"})
    hr.set_password(HR_LOGIN[1])
    db.session.add_all([*users, hr])
    db.session.flush()
    passed_at = utcnow() - timedelta(hours=1)
    attempts = [
        QuizAttempt(
            user_id=user.id,
            course_id=record.id,
            version_id=version.id,
            started_at=passed_at - timedelta(minutes=10),
            draw=[],
        )
        for user in users
    ]
    db.session.add_all(attempts)
    db.session.flush()
    db.session.add_all(
        QuizResult(
            attempt_id=attempt.id,
            graded_at=passed_at,
            closed_by="learner",
            points=10,
            max_points=10,
            percent=100,
            passed=True,
            per_question=[],
        )
        for attempt in attempts
    )
    region_id = stores[0].parent_id
    learner_ids = [user.id for user in users]
    db.session.commit()
    return record, region_id, learner_ids


def _section(pdf: dict, figures: dict) -> Section:
    median_pdf = statistics.median(pdf["runs"])
    pdf_goal = Goal(
        f"certificate PDF median <= {PDF_GOAL:g} s",
        median_pdf <= PDF_GOAL,
        max(pdf["runs"]) <= PDF_GOAL,
    )
    issue, zips = figures["issue"], figures["zip"]
    median_zip = statistics.median(zips)
    zip_goal = Goal(
        f"department ZIP of {CERTIFICATES} certificates <= {ZIP_GOAL:g} s",
        median_zip <= ZIP_GOAL,
        max(zips) <= ZIP_GOAL,
    )
    harfbuzz = pdf["harfbuzz"]
    lines = [
        f"In the benchmark's own process (warm: one render before the timed ones), SQLite. "
        f"WeasyPrint {pdf['weasyprint']}; libharfbuzz-subset: "
        + (f"present (`{harfbuzz}`)" if harfbuzz else "**missing** (`make bench` installs it)")
        + ".",
        "",
        "| figure | runs | median | max | goal |",
        "|---|---|---|---|---|",
        f"| one Chinese certificate PDF (`render_pdf`, {pdf['bytes'] // 1024} KiB; the "
        f"process's first render took {pdf['first']:.3f} s) | {len(pdf['runs'])} | "
        f"{median_pdf:.3f} s | {max(pdf['runs']):.3f} s | <= {PDF_GOAL:g} s: "
        f"{pdf_goal.verdict} |",
        f"| issuing {CERTIFICATES} course certificates (`issue_if_complete`, each with its "
        f"PDF; total {seconds(sum(issue))}) | {len(issue)} | "
        f"{statistics.median(issue):.3f} s each | {max(issue):.3f} s | no goal |",
        f"| department ZIP of the {CERTIFICATES} (HR's POST, its job run in-process, then "
        f"the file's GET; "
        f"stored PDFs reused, {figures['size'] // 1024} KiB) | {len(zips)} | "
        f"{seconds(median_zip)} | {seconds(max(zips))} | <= {ZIP_GOAL:g} s: "
        f"{zip_goal.verdict} |",
        "",
        f"The ZIP re-renders only revoked certificates (none here): each revoked one adds "
        f"about one PDF render. Issuing the {CERTIFICATES} and zipping them took "
        f"{seconds(sum(issue) + median_zip)} together. A quiz submit that completes a "
        f"course only writes a certificate request; the background job then spends about "
        f"one issue ({statistics.median(issue):.3f} s) on it, outside any request.",
        "",
        f"- While the PDF was timed, {pdf['load'].describe()}.",
        f"- While certificates were issued and zipped, {figures['load'].describe()}.",
    ]
    return Section("Certificates", lines, [pdf_goal, zip_goal])
