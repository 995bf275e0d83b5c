"""The theory exam in the browser: start, answer (saved as you go), submit, result."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainer.auth.access import login_required, role_required
from trainer.auth.forms import EmptyForm
from trainer.content import settings_of
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.hr.reports.exports import Table, to_csv
from trainer.i18n import format_moment_for_table
from trainer.models import CourseRecord, User, utcnow
from trainer.paging import page_number
from trainer.progress import standing_of
from trainer.quizzes import analysis, service
from trainer.quizzes.answers import (
    ANSWERED,
    CLEARED,
    INCOMPLETE,
    NOT_SENT,
    REFUSED,
    describe_response,
    draft_values,
    form_values,
    incomplete_code,
    read_answers,
)
from trainer.quizzes.forms import GrantExtraAttemptForm
from trainer.quizzes.gate import gate_message

bp = Blueprint("quizzes", __name__, url_prefix="/quiz")
STAFF = ("trainer", "hr", "admin")

QUIZ_MESSAGES = {
    "passed": _l("You have already passed this exam."),
    "wait": _l("The next attempt opens at %(opens_at)s."),
    "retrain": _l(
        "You have used every attempt of this round. Read all the lessons again; "
        "then a new round opens."
    ),
    "not-yours": _l("This attempt belongs to someone else."),
    "unknown-question": _l("The answers sent do not belong to this attempt. Reload the page."),
    "already-submitted": _l("This attempt has already been submitted."),
    "time-up": _l("Time is up: the attempt was graded as it stood at the deadline."),
    "reason-missing": _l("Write why this learner gets an extra attempt."),
    "already-passed": _l("This learner has already passed; no extra attempt is needed."),
}
ANSWER_MESSAGES = {
    "unknown-option": _l("that choice is not one of this question's options. Reload the page."),
    "one-option-only": _l("choose only one option."),
    "too-long": _l("the answer is too long (200 characters at most)."),
    "not-a-number": _l("enter a number, for example 15 or 2.5."),
    "incomplete-order": _l("give every item a position."),
    "position-twice": _l("use each position only once."),
    "unknown-type": _l("this question cannot be answered here."),
}


def quiz_message(error: service.QuizError) -> str:
    message = QUIZ_MESSAGES.get(error.code, _l("That is not possible right now."))
    if error.code == "wait" and error.params.get("opens_at"):
        from trainer.i18n import format_moment

        return message % {"opens_at": format_moment(error.params["opens_at"])}
    return str(message)


def get_attempt_or_404(attempt_id: int):
    attempt = service.get_attempt_or_none(attempt_id, owner=current_user)
    if attempt is None:
        abort(404)
    return attempt


def _answer_message(code: str | None) -> str:
    return str(ANSWER_MESSAGES.get(code, ANSWER_MESSAGES["unknown-type"]))


def _refused(answers) -> list[tuple[int, str]]:
    return [(a.index, _answer_message(a.code)) for a in answers if a.state == REFUSED]


def _store_form(attempt, answers) -> None:
    """Store every answer of a posted form on its own (complete, incomplete or emptied)."""
    service.save_answers(
        current_user,
        attempt,
        {a.question_id: a.value for a in answers if a.state == ANSWERED},
        drafts={a.question_id: a.value for a in answers if a.state == INCOMPLETE},
        cleared=[a.question_id for a in answers if a.state == CLEARED],
    )


def _state_text(state: str, code: str | None) -> str:
    """What the page says under a question about the server's copy of its answer."""
    if state == ANSWERED:
        return str(_l("Saved."))
    if state == INCOMPLETE:
        return str(
            _l(
                "Saved as incomplete: %(problem)s It scores nothing until it is complete.",
                problem=_answer_message(code),
            )
        )
    if state == REFUSED:
        return str(_l("Not saved: %(problem)s", problem=_answer_message(code)))
    return str(_l("No answer saved."))


def _question_states(attempt, questions) -> dict[int, tuple[str, str]]:
    """{position: (state, words)} of each question with a stored answer."""
    stored = service.stored_answers(attempt)
    states = {}
    for index, (question, entry) in enumerate(questions, start=1):
        answer = stored.get(question.id)
        if answer is None:
            continue
        if answer.complete:
            states[index] = (ANSWERED, _state_text(ANSWERED, None))
        else:
            code = incomplete_code(question, entry, index, answer.response)
            states[index] = (INCOMPLETE, _state_text(INCOMPLETE, code))
    return states


def _attempt_page(attempt, values=None, errors=(), status=200):
    questions = service.drawn_questions(attempt)
    if values is None:
        stored = service.stored_answers(attempt)
        values = {}
        for index, (question, entry) in enumerate(questions, start=1):
            answer = stored.get(question.id)
            if answer is None:
                continue
            read_back = form_values if answer.complete else draft_values
            values.update(read_back(question, entry, index, answer.response))
    return render_template(
        "quizzes/attempt.html",
        attempt=attempt,
        questions=questions,
        values=values,
        errors=dict(errors),
        states=_question_states(attempt, questions),
        form=EmptyForm(),
        title=attempt.version.title,
    ), status


@bp.post("/<slug>/start")
@login_required
def start(slug: str):
    found = live_course(slug)
    if found is None:
        abort(404)
    record, version = found
    try:
        attempt = service.start_attempt(current_user, record, version)
    except service.QuizError as error:
        if error.code == "not-ready":  # the same words as the course page's list
            flash(gate_message(error.params["gate"], version.lessons), "error")
        else:
            flash(quiz_message(error), "error")
        return redirect(url_for("courses.course", slug=slug))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.get("/attempt/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = get_attempt_or_404(attempt_id)
    service.close_expired(user=current_user, course_id=attempt.course_id)
    if attempt.result is not None:
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    return _attempt_page(attempt)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.post("/attempt/<int:attempt_id>/save")
@login_required
def save(attempt_id: int):
    attempt = get_attempt_or_404(attempt_id)
    answers = read_answers(service.drawn_questions(attempt), request.form)
    try:
        _store_form(attempt, answers)
    except service.QuizError as error:
        if _wants_json():
            return jsonify(
                saved=False,
                message=quiz_message(error),
                result_url=url_for("quizzes.result", attempt_id=attempt.id),
            ), 409
        flash(quiz_message(error), "error")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    refused = _refused(answers)
    if _wants_json():
        # Per question, what the server now holds: the page says "saved" only for these.
        return jsonify(
            saved=not refused,
            answered=sum(1 for a in answers if a.state == ANSWERED),
            questions={
                str(a.index): {"state": a.state, "text": _state_text(a.state, a.code)}
                for a in answers
                if a.state != NOT_SENT
            },
        )
    if refused:
        return _attempt_page(attempt, request.form.to_dict(flat=False), refused, 400)
    flash(_l("Your answers are saved. You can come back and finish later."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.post("/attempt/<int:attempt_id>/confirm")
@login_required
def confirm_submit(attempt_id: int):
    """交卷, step one: store the answers as they are, then ask, saying what is missing.
    Only the confirmation page's own form grades (a page served here: no script needed)."""
    attempt = get_attempt_or_404(attempt_id)
    if attempt.result is not None:
        return redirect(url_for("quizzes.result", attempt_id=attempt_id))
    if service.is_past_deadline(attempt, utcnow()):
        return submit(attempt_id)  # time is up: graded as it stood, no question to ask
    answers = read_answers(service.drawn_questions(attempt), request.form)
    try:
        _store_form(attempt, answers)
    except service.QuizError as error:
        flash(quiz_message(error), "error")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    refused = _refused(answers)
    if refused:
        return _attempt_page(attempt, request.form.to_dict(flat=False), refused, 400)
    return render_template(
        "quizzes/confirm.html",
        attempt=attempt,
        counts=service.answer_counts(attempt),
        form=EmptyForm(),
        title=attempt.version.title,
    )


@bp.post("/attempt/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    attempt = get_attempt_or_404(attempt_id)
    result_url = url_for("quizzes.result", attempt_id=attempt_id)
    if attempt.result is not None:
        return redirect(result_url)  # a double click or a replay: the stored result stands
    answers = read_answers(service.drawn_questions(attempt), request.form)
    refused = _refused(answers)
    if refused and not service.is_past_deadline(attempt, utcnow()):
        return _attempt_page(attempt, request.form.to_dict(flat=False), refused, 400)
    # Incomplete answers are graded as no answer; the confirmation step said how many.
    responses = {a.question_id: a.value for a in answers if a.state == ANSWERED}
    try:
        result = service.submit_attempt(current_user, attempt, responses)
    except service.QuizError as error:
        flash(quiz_message(error), "error")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    if result.closed_by == "deadline":
        flash(QUIZ_MESSAGES["time-up"], "info")
    return redirect(result_url)


@bp.get("/attempt/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = get_attempt_or_404(attempt_id)
    if attempt.result is None:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    record = db.session.get(CourseRecord, attempt.course_id)
    standing = standing_of(current_user.id, record.id)
    state = standing.exam.quiz if standing is not None and standing.exam is not None else None
    settings = settings_of(attempt.version)
    policy = settings.quiz.review
    review = service.review_visible(policy, attempt.result, state)
    questions = service.drawn_questions(attempt) if review else []
    graded = {row["id"]: row for row in attempt.result.per_question}
    return render_template(
        "quizzes/result.html",
        attempt=attempt,
        result=attempt.result,
        state=state,
        review=review,
        policy=policy,
        questions=questions,
        graded=graded,
        slug=record.slug,
        pass_mark=settings.quiz.pass_mark,
        describe=describe_response,
    )


# --- trainers and HR -------------------------------------------------------------------


def _record_or_404(slug: str) -> CourseRecord:
    record = db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == slug))
    if record is None or record.current_version is None:
        abort(404)
    return record


@bp.route("/<slug>/attempts", methods=["GET", "POST"])
@role_required(*STAFF)
def attempts(slug: str):
    record = _record_or_404(slug)
    form = GrantExtraAttemptForm()
    if form.validate_on_submit():
        learner = db.session.scalar(
            sa.select(User).where(User.employee_no == form.employee_no.data.strip())
        )
        if learner is None:
            flash(_l("No one has the employee number %(no)s.", no=form.employee_no.data), "error")
        else:
            try:
                service.grant_extra_attempt(current_user, learner, record, form.reason.data)
            except service.QuizError as error:
                flash(quiz_message(error), "error")
            else:
                flash(_l("%(name)s has one extra attempt.", name=learner.display_name), "success")
                return redirect(url_for("quizzes.attempts", slug=slug))
    if request.args.get("format") == "csv":
        return _csv_response(analysis.attempt_rows(record), f"{slug}-attempts.csv")
    rows = analysis.attempt_page(record, page_number(request.args.get("page")))
    return render_template("quizzes/attempts.html", record=record, rows=rows, form=form)


def _csv_response(rows, filename: str) -> Response:
    # The reports' CSV writer: UTF-8 with a BOM for Excel, formula cells neutralised.
    # In the reader's language, times in the company's time zone, as on the page.
    closed_by = {"learner": _("Handed in"), "deadline": _("Time ran out")}
    table = Table(
        filename,
        [
            _("Employee number"),
            _("Name"),
            _("Version"),
            _("Round"),
            _("Attempt"),
            _("Started"),
            _("Graded"),
            _("Closed by"),
            _("Score (%)"),
            _("Exam passed"),
        ],
        [
            [
                row.employee_no,
                row.name,
                row.version,
                row.round_number,
                row.attempt_number,
                format_moment_for_table(row.started_at),
                format_moment_for_table(row.graded_at),
                closed_by.get(row.closed_by, row.closed_by) if row.closed_by else None,
                row.percent,
                None if row.passed is None else (_("Yes") if row.passed else _("No")),
            ]
            for row in rows
        ],
    )
    return Response(
        to_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/<slug>/analysis")
@role_required(*STAFF)
def item_analysis(slug: str):
    record = _record_or_404(slug)
    return render_template(
        "quizzes/analysis.html", record=record, items=analysis.item_analysis(record)
    )
