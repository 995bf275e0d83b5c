"""Certificates: mine, download, public verification, HR revocation and ZIP, career map."""

from __future__ import annotations

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

from trainer.auth.access import login_required, public, role_required
from trainer.certificates import issuing, service, zips
from trainer.certificates.forms import (
    DepartmentZipForm,
    PromotionDecisionForm,
    RevokeForm,
    VerifyForm,
)
from trainer.completion import listen
from trainer.extensions import db, limiter
from trainer.models import (
    Certificate,
    CertificateZip,
    CourseRecord,
    CourseVersion,
    Department,
    User,
    utcnow,
)
from trainer.paging import page_number, page_of_query
from trainer.security import db_int

bp = Blueprint("certificates", __name__)
HR = ("hr", "admin")
CERTIFICATE_MESSAGES = {
    "reason-missing": _l("Write why the certificate is revoked (e.g. the violation)."),
    "already-revoked": _l("This certificate was already revoked."),
}
PROMOTION_MESSAGES = {
    "reason-missing": _l("Write the reason for the decision (performance, ability, conduct)."),
    "not-found": _l("This promotion does not exist."),
    "not-allowed": _l("You may not decide promotions of this person."),
    "already-decided": _l("This promotion was already decided."),
}
EXPIRING_DAYS_DEFAULT = 60


# Progress that may complete a course opens a certificate request; a background job issues
# the certificate (trainer.certificates.issuing). may_be_complete rules out most committed
# progress (an exam passed on a course still waiting for its assessment) with one query.
listen(issuing.request_certificate, relevant=service.may_be_complete)


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
    return render_template(
        "certificates/mine.html",
        now=utcnow(),
        certificates=service.certificates_of(current_user),
        preparing=issuing.titles_being_prepared(current_user.id),
    )


@bp.get("/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int):
    certificate = get_certificate_or_404(certificate_id)
    pdf = service.pdf_for_download(current_app, certificate)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{certificate.serial}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/verify", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["VERIFY_LIMIT"], methods=["POST"])
def verify_form():
    form = VerifyForm()
    if form.validate_on_submit():
        code = service.normalise_code(form.code.data)
        if code is None:
            form.code.errors.append(
                _l(
                    "That is not a valid code: it has 20 letters and digits, "
                    "printed in groups of four."
                )
            )
        else:
            return redirect(url_for("certificates.verify", code=code))
    return render_template("certificates/verify_form.html", form=form), (
        400 if form.errors else 200
    )


@bp.get("/verify/<code>")
@public
@limiter.limit(lambda: current_app.config["VERIFY_LIMIT"])
def verify(code: str):
    certificate = service.find_by_code(code)
    if certificate is None:
        return render_template(
            "certificates/verify.html", certificate=None, typed=code, form=VerifyForm()
        ), 404
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        status=certificate.status(utcnow()),
        issuer=current_app.config["COMPANY_NAME"],
        form=VerifyForm(),
    )


@bp.get("/certificates/manage")
@role_required(*HR)
def manage():
    query = (request.args.get("q") or "").strip()
    expiring_days = request.args.get("expiring", type=db_int)
    now = utcnow()
    statement = (
        sa.select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .order_by(Certificate.issued_at.desc())
    )
    if query:
        pattern = f"%{query}%"
        statement = statement.where(
            sa.or_(
                User.employee_no.ilike(pattern),
                User.display_name.ilike(pattern),
                Certificate.serial.ilike(pattern),
                Certificate.title.ilike(pattern),
            )
        )
    if expiring_days:
        from datetime import timedelta

        statement = statement.where(
            Certificate.revoked_at.is_(None),
            Certificate.expires_at > now,
            Certificate.expires_at <= now + timedelta(days=expiring_days),
        )
    certificates = page_of_query(
        statement.order_by(Certificate.id.desc()), page_number(request.args.get("page"))
    )
    departments = db.session.scalars(sa.select(Department).order_by(Department.name)).all()
    return render_template(
        "certificates/manage.html",
        certificates=certificates,
        now=now,
        query=query,
        expiring=expiring_days,
        departments=departments,
        revoke_form=RevokeForm(),
        default_days=EXPIRING_DAYS_DEFAULT,
    )


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
        flash(
            _l(
                "Certificate %(serial)s revoked. The verify page shows it from now on.",
                serial=certificate.serial,
            ),
            "success",
        )
    return redirect(url_for("certificates.manage", q=certificate.serial))


@bp.post("/certificates/department.zip")
@role_required(*HR)
def department_zip():
    """Ask for a department's certificates as one ZIP: built by a background job."""
    form = DepartmentZipForm()
    department = (
        db.session.get(Department, form.department.data or 0)
        if (form.validate_on_submit())
        else None
    )
    if department is None:
        flash(_l("Choose a department."), "error")
        return redirect(url_for("certificates.manage"))
    request_row = zips.request_zip(current_user, department)
    return redirect(url_for("certificates.department_zip_status", zip_id=request_row.id))


def _zip_or_404(zip_id: int) -> CertificateZip:
    found = db.session.get(CertificateZip, zip_id)
    if found is None or found.requested_by_id != current_user.id:
        abort(404)
    return found


@bp.get("/certificates/zips/<int:zip_id>")
@role_required(*HR)
def department_zip_status(zip_id: int):
    found = _zip_or_404(zip_id)
    return render_template(
        "certificates/zip.html",
        zip=found,
        department=db.session.get(Department, found.department_id),
    )


@bp.get("/certificates/zips/<int:zip_id>.zip")
@role_required(*HR)
def department_zip_file(zip_id: int):
    found = _zip_or_404(zip_id)
    if found.status != "done":
        return redirect(url_for("certificates.department_zip_status", zip_id=zip_id))
    return Response(
        found.content,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{zips.zip_name(found)}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/career")
@login_required
def career_map():
    tracks = service.level_progress(current_app, current_user)
    titles = dict(
        db.session.execute(
            sa.select(CourseRecord.slug, CourseVersion.title).join(
                CourseVersion, CourseRecord.current_version_id == CourseVersion.id
            )
        ).all()
    )
    level_titles = {
        level.id: level.title
        for track in service.career_paths(current_app).tracks
        for level in track.levels
    }
    return render_template(
        "certificates/career.html", tracks=tracks, course_titles=titles, level_titles=level_titles
    )


@bp.get("/career/readiness")
@role_required(*HR)
def readiness():
    people = db.session.scalars(
        sa.select(User).where(User.active.is_(True)).order_by(User.employee_no)
    ).all()
    progress = service.levels_of(current_app, [person.id for person in people])
    rows = []
    for person in people:
        for levels in progress[person.id]:
            next_level = next((p for p in levels if p.held is None), None)
            if next_level is not None and len(next_level.missing) <= 1 and next_level.months_ok:
                rows.append((person, next_level))
    return render_template("certificates/readiness.html", rows=rows)


@bp.get("/career/promotions")
@role_required(*HR)
def promotions():
    """People eligible for a career level, waiting for HR's decision."""
    rows = service.promotions_to_decide(current_app, current_user)
    return render_template("certificates/promotions.html", rows=rows, form=PromotionDecisionForm())


@bp.post("/career/promotions/<int:promotion_id>")
@role_required(*HR)
def decide_promotion(promotion_id: int):
    form = PromotionDecisionForm()
    reason = form.reason.data if form.validate_on_submit() else ""
    if not (form.approve.data or form.decline.data):  # never decide for a button not pressed
        flash(_l("Choose whether to approve or decline the promotion."), "error")
        return redirect(url_for("certificates.promotions"))
    approve = bool(form.approve.data)
    try:
        promotion = service.decide_promotion(current_user, promotion_id, approve, reason)
    except service.PromotionError as error:
        flash(PROMOTION_MESSAGES[error.code], "error")
    else:
        if approve:
            flash(
                _l(
                    "Promotion of %(name)s approved: the level certificate is being prepared.",
                    name=promotion.user.display_name,
                ),
                "success",
            )
        else:
            flash(
                _l("Promotion of %(name)s declined.", name=promotion.user.display_name),
                "success",
            )
    return redirect(url_for("certificates.promotions"))
