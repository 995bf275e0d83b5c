"""Assessors score on the floor; learners read and appeal; HR assigns and reads the log."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from trainer.assessments import appeals, assignments, service
from trainer.assessments.forms import (
    KIND_LABELS,
    MODE_LABELS,
    AppealForm,
    AssignmentForm,
    DecisionForm,
    StartForm,
    comment_field,
    score_field,
    scoring_form,
)
from trainer.assessments.messages import OUTCOME_LABELS, message, status_for
from trainer.assessments.service import AssessmentError
from trainer.auth.access import login_required, role_required
from trainer.auth.forms import EmptyForm
from trainer.clock import local_today
from trainer.errors import render_error
from trainer.extensions import db
from trainer.models import Assessment, AssessorAssignment, Department, User, utcnow
from trainer.security import db_int

bp = Blueprint("assessments", __name__, url_prefix="/assessments")
ASSESSORS = ("assessor", "admin")
DECIDERS = ("assessor", "hr", "admin")
HR = ("hr", "admin")
PAGE_SIZE = 30


def get_learner_or_404(learner_id: int) -> User:
    learner = db.session.get(User, learner_id)
    if learner is None:
        abort(404)
    return learner


def get_own_assessment_or_404(assessment_id: int) -> Assessment:
    assessment = service.own_assessment(assessment_id, assessor=current_user)
    if assessment is None:
        abort(404)
    return assessment


def get_visible_assessment_or_404(assessment_id: int) -> Assessment:
    assessment = service.get_assessment_for(assessment_id, viewer=current_user)
    if assessment is None:
        abort(404)
    return assessment


bp.add_app_template_global(KIND_LABELS, "assessment_kind_labels")
bp.add_app_template_global(OUTCOME_LABELS, "assessment_outcome_labels")


# --- assessors ---------------------------------------------------------------------------


@bp.get("/")
@role_required(*ASSESSORS)
def index():
    query = (request.args.get("q") or "").strip()
    page = max(request.args.get("page", 1, type=db_int) or 1, 1)
    pagination = db.paginate(
        service.learners_in_scope(current_user, query),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )
    drafts = service.drafts_of(current_user)
    return render_template(
        "assessments/index.html",
        pagination=pagination,
        query=query,
        pending=service.pending_for(list(pagination.items), local_today()),
        drafts=drafts,
        drafts_by_learner={draft.learner_id for draft in drafts},
        recent=service.recent_results_by(current_user),
        no_scope=service.scope_department_ids(current_user) == set(),
    )


@bp.route("/learners/<int:learner_id>/new", methods=["GET", "POST"])
@role_required(*ASSESSORS)
def start(learner_id: int):
    learner = get_learner_or_404(learner_id)
    try:
        service.check_may_assess(current_user, learner)
    except AssessmentError as error:
        return render_error(403, message(error))
    waits = service.retake_waits(learner)
    every_choice = service.checklist_choices()
    # A checklist whose retake wait is not over is not offered: the page says when it opens.
    choices = {choice.key: choice for choice in every_choice if choice.key not in waits}
    waiting = [(choice, waits[choice.key]) for choice in every_choice if choice.key in waits]
    form = StartForm()
    form.checklist.choices = [
        SelectChoice(key, f"{choice.version.title} · {KIND_LABELS[choice.kind]}")
        for key, choice in choices.items()
    ]
    if request.method == "GET":
        form.observed_on.data = local_today()
        if request.args.get("checklist") in choices:
            form.checklist.data = request.args["checklist"]
    status = 200
    if form.validate_on_submit():
        choice = choices[form.checklist.data]
        try:
            assessment, created = service.start_assessment(
                current_user,
                learner,
                choice.version,
                choice.kind,
                form.mode.data,
                form.place.data,
                form.observed_on.data,
                today=local_today(),
            )
        except AssessmentError as error:
            flash(message(error), "error")
            status = status_for(error)
        else:
            if not created:
                flash(
                    _("You already have a draft for this learner and checklist: carry on with it."),
                    "info",
                )
            return redirect(url_for("assessments.score", assessment_id=assessment.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "assessments/start.html",
        form=form,
        learner=learner,
        has_choices=bool(choices),
        waiting=waiting,
    ), status


def _stored_values(assessment: Assessment) -> dict:
    """The draft as form data: fields a request leaves out keep what was saved before."""
    values: dict[str, object] = {"overall_comment": assessment.overall_comment}
    for row in assessment.scores:
        values[score_field(row.item_id)] = row.score
        values[comment_field(row.item_id)] = row.comment
    return values


@bp.route("/<int:assessment_id>/score", methods=["GET", "POST"])
@role_required(*ASSESSORS)
def score(assessment_id: int):
    assessment = get_own_assessment_or_404(assessment_id)
    if not assessment.is_draft:
        flash(message(AssessmentError("already-submitted")), "error")
        return redirect(url_for("assessments.detail", assessment_id=assessment.id))
    checklist = service.checklist_of(assessment)
    form = scoring_form(checklist, data=_stored_values(assessment))
    status, missing = 200, set()
    if form.validate_on_submit():
        scores, comments = form.scores(checklist), form.comments(checklist)
        submit = request.form.get("action") == "submit"
        try:
            if submit:
                service.submit_assessment(
                    assessment, current_user, scores, comments, form.overall_comment.data or ""
                )
            else:
                service.save_draft(
                    assessment, current_user, scores, comments, form.overall_comment.data or ""
                )
        except AssessmentError as error:
            flash(message(error), "error")
            if error.code == "already-submitted":
                return redirect(url_for("assessments.detail", assessment_id=assessment.id))
            status = status_for(error)
            if error.code == "missing-scores":
                missing = {item_id for item_id, value in scores.items() if value is None}
        else:
            if submit:
                if assessment.passed:
                    flash(_("Result submitted: passed."), "success")
                else:
                    flash(_("Result submitted: not passed."), "success")
                return redirect(url_for("assessments.detail", assessment_id=assessment.id))
            flash(_("Draft saved. You can carry on later."), "success")
            return redirect(url_for("assessments.score", assessment_id=assessment.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "assessments/score.html",
        assessment=assessment,
        checklist=checklist,
        form=form,
        missing=missing,
        mode_labels=MODE_LABELS,
        retake_at=service.retake_waits(assessment.learner).get(
            f"{assessment.course.slug}:{assessment.kind}"
        ),
    ), status


@bp.post("/<int:assessment_id>/autosave")
@role_required(*ASSESSORS)
def autosave(assessment_id: int):
    """The scoring page's script saves the draft here as the assessor goes (JSON)."""
    assessment = get_own_assessment_or_404(assessment_id)
    checklist = service.checklist_of(assessment)
    form = scoring_form(checklist, data=_stored_values(assessment))
    if not form.validate_on_submit():
        return jsonify(saved=False, message=_("Not saved: check the form.")), 400
    try:
        service.save_draft(
            assessment,
            current_user,
            form.scores(checklist),
            form.comments(checklist),
            form.overall_comment.data or "",
        )
    except AssessmentError as error:
        return jsonify(saved=False, message=message(error)), status_for(error)
    return jsonify(
        saved=True, message=_("Draft saved at %(time)s.", time=format_time(utcnow(), "short"))
    )


# --- results and appeals -----------------------------------------------------------------


def _render_detail(
    assessment: Assessment,
    appeal_form: AppealForm | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
):
    window = current_app.config["APPEAL_WINDOW_DAYS"]
    refusal = appeals.appeal_refusal(assessment, current_user, window)
    open_appeal = next((appeal for appeal in assessment.appeals if appeal.is_open), None)
    may_decide = (
        open_appeal is not None and appeals.decide_refusal(open_appeal, current_user) is None
    )
    return render_template(
        "assessments/detail.html",
        assessment=assessment,
        sheet=service.score_sheet(assessment),
        outcome=service.outcome_of(assessment),
        mode_labels=MODE_LABELS,
        is_learner=assessment.learner_id == current_user.id,
        appeal_form=(appeal_form or AppealForm()) if refusal is None else None,
        appeal_refusal=message(refusal)
        if refusal is not None
        and refusal.code in ("appeal-too-late", "appeal-decided", "appeal-open")
        else None,
        deadline=appeals.appeal_deadline(assessment, window),
        open_appeal=open_appeal,
        decision_form=(decision_form or DecisionForm()) if may_decide else None,
    ), status


@bp.get("/<int:assessment_id>")
@login_required
def detail(assessment_id: int):
    assessment = get_visible_assessment_or_404(assessment_id)
    if assessment.is_draft:
        return redirect(url_for("assessments.score", assessment_id=assessment.id))
    return _render_detail(assessment)


@bp.post("/<int:assessment_id>/appeal")
@login_required
def appeal(assessment_id: int):
    assessment = get_visible_assessment_or_404(assessment_id)
    form = AppealForm()
    if not form.validate_on_submit():
        return _render_detail(assessment, appeal_form=form, status=400)
    try:
        appeals.lodge_appeal(
            assessment, current_user, form.reason.data, current_app.config["APPEAL_WINDOW_DAYS"]
        )
    except AssessmentError as error:
        flash(message(error), "error")
        return _render_detail(assessment, appeal_form=form, status=status_for(error))
    flash(
        _("Your appeal has been sent. Someone other than your assessor will decide it."), "success"
    )
    return redirect(url_for("assessments.detail", assessment_id=assessment.id))


@bp.post("/appeals/<int:appeal_id>/decide")
@role_required(*DECIDERS)
def decide(appeal_id: int):
    appeal = appeals.get_appeal(appeal_id)
    if appeal is None:
        abort(404)
    assessment = get_visible_assessment_or_404(appeal.assessment_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_detail(assessment, decision_form=form, status=400)
    try:
        appeals.decide_appeal(
            appeal, current_user, form.decision.data == "overturned", form.reason.data
        )
    except AssessmentError as error:
        flash(message(error), "error")
        return _render_detail(assessment, decision_form=form, status=status_for(error))
    if appeal.status == "overturned":
        flash(
            _(
                "Appeal decided: the result is overturned and the corrected outcome counts "
                "from now on."
            ),
            "success",
        )
    else:
        flash(_("Appeal decided: the result stands."), "success")
    return redirect(url_for("assessments.detail", assessment_id=assessment.id))


@bp.get("/appeals")
@role_required(*DECIDERS)
def appeal_list():
    return render_template(
        "assessments/appeals.html",
        to_decide=appeals.appeals_to_decide(current_user),
        decided=appeals.recently_decided(current_user),
    )


@bp.get("/mine")
@login_required
def mine():
    return render_template(
        "assessments/mine.html", results=service.results_of(current_user), mode_labels=MODE_LABELS
    )


# --- HR ----------------------------------------------------------------------------------


@bp.route("/assessors", methods=["GET", "POST"])
@role_required(*HR)
def assessors():
    form = AssignmentForm()
    form.assessor.choices = [
        SelectChoice(user.id, f"{user.display_name} ({user.employee_no})")
        for user in assignments.assessors()
    ]
    form.department.choices = [
        SelectChoice(department.id, department.path) for department in assignments.departments()
    ]
    status = 200
    if form.validate_on_submit():
        assessor = db.session.get(User, form.assessor.data)
        department = db.session.get(Department, form.department.data)
        try:
            assignments.assign(current_user, assessor, department)
        except AssessmentError as error:
            flash(message(error), "error")
            status = status_for(error)
        else:
            flash(
                _(
                    "%(name)s may now assess the staff of %(department)s.",
                    name=assessor.display_name,
                    department=department.path,
                ),
                "success",
            )
            return redirect(url_for("assessments.assessors"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "assessments/assessors.html",
        form=form,
        assignments=assignments.assignments(),
        remove_form=EmptyForm(),
    ), status


@bp.post("/assessors/<int:assignment_id>/remove")
@role_required(*HR)
def remove_assignment(assignment_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    assignment = db.session.get(AssessorAssignment, assignment_id)
    if assignment is None:
        abort(404)
    name, department = assignment.assessor.display_name, assignment.department.path
    assignments.unassign(current_user, assignment)
    flash(
        _("%(name)s no longer assesses %(department)s.", name=name, department=department),
        "success",
    )
    return redirect(url_for("assessments.assessors"))


@bp.get("/audit")
@role_required(*HR)
def audit_log():
    """The old address of the audit log: the one log page now lives under /audit/."""
    query = (request.args.get("learner") or "").strip()
    return redirect(url_for("audit.index", person=query) if query else url_for("audit.index"))
