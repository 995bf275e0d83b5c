"""Certificates: mine, download, public verification, HR revocation and ZIP, career map."""

from __future__ import annotations

import io
import zipfile

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainer import completion
from trainer.assessments.rules import departments_below
from trainer.auth.access import login_required, public, role_required
from trainer.certificates import service
from trainer.certificates.forms import RevokeForm, VerifyForm
from trainer.extensions import db, limiter
from trainer.models import Certificate, CourseRecord, CourseVersion, Department, User, utcnow
from trainer.security import db_int

bp = Blueprint("certificates", __name__)
HR = ("hr", "admin")
CERTIFICATE_MESSAGES = {
    "reason-missing": _l("Write why the certificate is revoked (e.g. the violation)."),
    "already-revoked": _l("This certificate was already revoked."),
}
EXPIRING_DAYS_DEFAULT = 60


def _on_progress(user_id: int, course_id: int) -> None:
    """Completion listener: issue the certificate when a course is done."""
    user = db.session.get(User, user_id)
    record = db.session.get(CourseRecord, course_id)
    if user is not None and record is not None:
        service.issue_if_complete(current_app._get_current_object(), user, record)


# may_be_complete: one query that rules out most progress (an exam passed on a course
# still waiting for its assessment) before any ORM object is loaded.
completion.listen(_on_progress, relevant=service.may_be_complete)


def get_certificate_or_404(certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    if certificate.user_id != current_user.id and not current_user.has_role(*HR):
        abort(403)
    return certificate


@bp.get("/certificates/")
@login_required
def mine():
    return render_template("certificates/mine.html", now=utcnow(),
                           certificates=service.certificates_of(current_user))


@bp.get("/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int):
    certificate = get_certificate_or_404(certificate_id)
    pdf = service.pdf_for_download(current_app, certificate)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{certificate.serial}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.route("/verify", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["VERIFY_LIMIT"], methods=["POST"])
def verify_form():
    form = VerifyForm()
    if form.validate_on_submit():
        code = service.normalise_code(form.code.data)
        if code is None:
            form.code.errors.append(_l("That is not a valid code: it has 20 letters and digits, "
                                       "printed in groups of four."))
        else:
            return redirect(url_for("certificates.verify", code=code))
    return render_template("certificates/verify_form.html", form=form), (
        400 if form.errors else 200)


@bp.get("/verify/<code>")
@public
@limiter.limit(lambda: current_app.config["VERIFY_LIMIT"])
def verify(code: str):
    certificate = service.find_by_code(code)
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None, typed=code,
                               form=VerifyForm()), 404
    return render_template("certificates/verify.html", certificate=certificate,
                           status=certificate.status(utcnow()),
                           issuer=current_app.config["COMPANY_NAME"], form=VerifyForm())


@bp.get("/certificates/manage")
@role_required(*HR)
def manage():
    query = (request.args.get("q") or "").strip()
    expiring_days = request.args.get("expiring", type=db_int)
    now = utcnow()
    statement = (sa.select(Certificate).join(User, User.id == Certificate.user_id)
                 .order_by(Certificate.issued_at.desc()))
    if query:
        pattern = f"%{query}%"
        statement = statement.where(sa.or_(User.employee_no.ilike(pattern),
                                           User.display_name.ilike(pattern),
                                           Certificate.serial.ilike(pattern),
                                           Certificate.title.ilike(pattern)))
    if expiring_days:
        from datetime import timedelta

        statement = statement.where(Certificate.revoked_at.is_(None),
                                    Certificate.expires_at > now,
                                    Certificate.expires_at <= now + timedelta(days=expiring_days))
    certificates = db.session.scalars(statement.limit(500)).all()
    departments = db.session.scalars(sa.select(Department).order_by(Department.name)).all()
    return render_template("certificates/manage.html", certificates=certificates, now=now,
                           query=query, expiring=expiring_days, departments=departments,
                           revoke_form=RevokeForm(), default_days=EXPIRING_DAYS_DEFAULT)


@bp.post("/certificates/<int:certificate_id>/revoke")
@role_required(*HR)
def revoke(certificate_id: int):
    certificate = get_certificate_or_404(certificate_id)
    form = RevokeForm()
    reason = form.reason.data if form.validate_on_submit() else ""
    try:
        service.revoke(certificate, current_user, reason)
    except service.CertificateError as error:
        flash(CERTIFICATE_MESSAGES[error.code], "error")
    else:
        flash(_l("Certificate %(serial)s revoked. The verify page shows it from now on.",
                 serial=certificate.serial), "success")
    return redirect(url_for("certificates.manage", q=certificate.serial))


@bp.get("/certificates/department.zip")
@role_required(*HR)
def department_zip():
    department = db.session.get(Department, request.args.get("department", type=db_int) or 0)
    if department is None:
        abort(404)
    ids = _department_and_below(department.id)
    certificates = db.session.scalars(
        sa.select(Certificate).join(User, User.id == Certificate.user_id)
        .where(User.department_id.in_(ids)).options(sa.orm.undefer(Certificate.pdf))
        .order_by(Certificate.serial)).all()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            name = f"{certificate.serial}-{certificate.holder_name}-{certificate.title}.pdf"
            archive.writestr(name.replace("/", "-"),
                             service.pdf_for_download(current_app, certificate))
    return Response(buffer.getvalue(), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="certificates-{department.id}.zip"'})


def _department_and_below(department_id: int) -> set[int]:
    parent_of = dict(db.session.execute(sa.select(Department.id, Department.parent_id)).all())
    return departments_below([department_id], parent_of)


@bp.get("/career")
@login_required
def career_map():
    tracks = service.level_progress(current_app, current_user)
    titles = dict(db.session.execute(
        sa.select(CourseRecord.slug, CourseVersion.title)
        .join(CourseVersion, CourseRecord.current_version_id == CourseVersion.id)).all())
    return render_template("certificates/career.html", tracks=tracks, course_titles=titles)


@bp.get("/career/readiness")
@role_required(*HR)
def readiness():
    people = db.session.scalars(sa.select(User).where(User.active.is_(True))
                                .order_by(User.employee_no)).all()
    rows = []
    for person in people:
        for levels in service.level_progress(current_app, person):
            next_level = next((p for p in levels if p.held is None), None)
            if next_level is not None and len(next_level.missing) <= 1 and next_level.months_ok:
                rows.append((person, next_level))
    return render_template("certificates/readiness.html", rows=rows)


@bp.app_template_global()
def certificate_cycle_for(user, record):
    return completion.current_cycle(user.id, record.id, utcnow())


@bp.app_template_global()
def cycle_now():
    return utcnow()
