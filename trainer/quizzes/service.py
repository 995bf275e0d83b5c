"""The theory exam: start, save as you go, submit once, close at the deadline, retakes."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from trainer.audit import service as audit
from trainer.completion import record_progress
from trainer.content import Course, Question, grade_response
from trainer.courses.sync import course_for_version
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import (
    CourseRecord,
    CourseVersion,
    QuizAnswer,
    QuizAttempt,
    QuizExtraAttempt,
    QuizResult,
    User,
    utcnow,
)
from trainer.notifications import notify, path_for
from trainer.progress import standing_of
from trainer.quizzes import rules


class QuizError(Exception):
    """Something the learner cannot do now; ``code`` picks the message."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


def _unused_grants(user: User, course_id: int) -> list[QuizExtraAttempt]:
    used = sa.select(QuizAttempt.extra_grant_id).where(QuizAttempt.extra_grant_id.is_not(None))
    return list(
        db.session.scalars(
            sa.select(QuizExtraAttempt)
            .where(
                QuizExtraAttempt.user_id == user.id,
                QuizExtraAttempt.course_id == course_id,
                QuizExtraAttempt.id.not_in(used),
            )
            .order_by(QuizExtraAttempt.id)
        )
    )


def start_attempt(
    user: User,
    record: CourseRecord,
    version: CourseVersion,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> QuizAttempt:
    """Open a new attempt, or return the one already open (a second click is harmless)."""
    now = now or utcnow()
    rng = rng or random.SystemRandom()
    course = course_for_version(version)
    quiz = course.meta.quiz
    close_expired(now, user=user, course_id=record.id)
    try:
        with write_transaction():
            standing = standing_of(user.id, record.id, now)
            exam = standing.exam
            if exam.open_attempt_id is not None:
                return db.session.get(QuizAttempt, exam.open_attempt_id)
            state = exam.quiz
            if state.kind != rules.CAN_START:
                raise QuizError(state.kind, opens_at=state.opens_at)
            if not standing.may_start_exam:  # lessons unread or a prerequisite not passed
                raise QuizError("not-ready", gate=standing.exam_gate)
            grant = _unused_grants(user, record.id)[0] if state.uses_grant else None
            drawn = rules.draw_questions(
                course.questions, quiz.questions_per_attempt, dict(quiz.tag_quotas), rng
            )
            attempt = QuizAttempt(
                user_id=user.id,
                course_id=record.id,
                version_id=version.id,
                round_number=state.round_number,
                attempt_number=state.attempt_number,
                started_at=now,
                draw=[rules.freeze_question(q, rng) for q in drawn],
                deadline_at=(
                    now + timedelta(minutes=quiz.time_limit_minutes)
                    if quiz.time_limit_minutes
                    else None
                ),
                extra_grant_id=grant.id if grant else None,
            )
            db.session.add(attempt)
    except IntegrityError:
        # Another request opened the same attempt number a moment ago: use that one.
        db.session.rollback()
        existing = standing_of(user.id, record.id, now).exam.open_attempt_id
        if existing is None:
            raise
        return db.session.get(QuizAttempt, existing)
    return attempt


def get_attempt_or_none(attempt_id: int, owner: User) -> QuizAttempt | None:
    attempt = db.session.get(QuizAttempt, attempt_id)
    return attempt if attempt is not None and attempt.user_id == owner.id else None


def drawn_questions(attempt: QuizAttempt) -> list[tuple[Question, dict]]:
    """The attempt's questions as they were when it started, in the order drawn."""
    by_id = course_for_version(attempt.version).questions_by_id
    return [(by_id[entry["id"]], entry) for entry in attempt.draw]


def is_past_deadline(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at


def _is_graded(attempt_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(QuizResult.attempt_id).where(QuizResult.attempt_id == attempt_id)
        )
        is not None
    )


def _check_responses(user: User, attempt: QuizAttempt, responses: dict[str, object]) -> None:
    if attempt.user_id != user.id:
        raise QuizError("not-yours")
    if set(responses) - {entry["id"] for entry in attempt.draw}:
        raise QuizError("unknown-question")


def save_answers(
    user: User,
    attempt: QuizAttempt,
    responses: dict[str, object],
    now: datetime | None = None,
    drafts: dict[str, object] | None = None,
    cleared: Iterable[str] = (),
) -> None:
    """Store each answer on its own: complete `responses`, incomplete `drafts` (kept to be
    shown again, never graded), and forget the `cleared` ones. Refused once the attempt is
    graded or its time is up."""
    now = now or utcnow()
    drafts, cleared = drafts or {}, set(cleared)
    _check_responses(user, attempt, {**responses, **drafts, **dict.fromkeys(cleared)})
    attempt_id, past_deadline = attempt.id, is_past_deadline(attempt, now)
    with write_transaction():
        if _is_graded(attempt_id):
            raise QuizError("already-submitted")
        if past_deadline:
            raise QuizError("time-up")
        _store(attempt_id, responses, drafts, cleared, now)


def _saved_answers(attempt_id: int) -> dict[str, QuizAnswer]:
    return {
        answer.question_id: answer
        for answer in db.session.scalars(
            sa.select(QuizAnswer).where(QuizAnswer.attempt_id == attempt_id)
        )
    }


def _store(
    attempt_id: int,
    responses: dict[str, object],
    drafts: dict[str, object],
    cleared: set[str],
    now: datetime,
) -> None:
    """Insert new answers, update changed ones, delete cleared ones (the ORM sends each
    kind as one batch)."""
    existing = _saved_answers(attempt_id)
    given = [(qid, response, True) for qid, response in responses.items()]
    given += [(qid, draft, False) for qid, draft in drafts.items()]
    for question_id, response, complete in given:
        answer = existing.get(question_id)
        if answer is None:
            db.session.add(
                QuizAnswer(
                    attempt_id=attempt_id,
                    question_id=question_id,
                    response=response,
                    complete=complete,
                    saved_at=now,
                )
            )
        elif answer.response != response or answer.complete != complete:
            answer.response = response
            answer.complete = complete
            answer.saved_at = now
    for question_id in cleared:
        if question_id in existing:
            db.session.delete(existing[question_id])


@dataclass(frozen=True)
class AnswerCounts:
    """Where an open attempt stands, from what the server has stored: positions (1-based)
    of the questions left unanswered and of those saved incomplete."""

    total: int
    unanswered: tuple[int, ...]
    incomplete: tuple[int, ...]  # drafts: graded as no answer unless finished

    @property
    def answered(self) -> int:
        return self.total - len(self.unanswered) - len(self.incomplete)


def stored_answers(attempt: QuizAttempt) -> dict[str, QuizAnswer]:
    """The attempt's stored answers (complete and incomplete), by question id."""
    return _saved_answers(attempt.id)


def answer_counts(attempt: QuizAttempt) -> AnswerCounts:
    stored = _saved_answers(attempt.id)
    unanswered, incomplete = [], []
    for position, entry in enumerate(attempt.draw, start=1):
        answer = stored.get(entry["id"])
        if answer is None:
            unanswered.append(position)
        elif not answer.complete:
            incomplete.append(position)
    return AnswerCounts(len(attempt.draw), tuple(unanswered), tuple(incomplete))


def submit_attempt(
    user: User, attempt: QuizAttempt, responses: dict[str, object], now: datetime | None = None
) -> QuizResult:
    """Save the last answers and grade, exactly once. Late: graded as it stood at the deadline."""
    now = now or utcnow()
    _check_responses(user, attempt, responses)
    if is_past_deadline(attempt, now):
        return grade_attempt(attempt, closed_by="deadline", now=now)
    return grade_attempt(attempt, closed_by="learner", now=now, last_responses=responses)


def grade_attempt(
    attempt: QuizAttempt,
    closed_by: str,
    now: datetime | None = None,
    last_responses: dict[str, object] | None = None,
) -> QuizResult:
    """Grade once and return the stored result (this grading's, or an earlier one's).

    The result's primary key is the attempt, so a second grading cannot be stored: whoever
    loses the race reads the winner's result instead. The answers graded are the
    submission's (`last_responses`) over those saved while the attempt was open; they are
    kept with the grading in `per_question`, the record of the attempt from then on.
    """
    now = now or utcnow()
    course = course_for_version(attempt.version)
    attempt_id, user_id, course_id = attempt.id, attempt.user_id, attempt.course_id
    draw = list(attempt.draw)
    try:
        with write_transaction():
            if _is_graded(attempt_id):
                return db.session.get(QuizResult, attempt_id)
            answers = {
                question_id: answer.response
                for question_id, answer in _saved_answers(attempt_id).items()
                if answer.complete  # a draft is graded as no answer
            }
            answers.update(last_responses or {})
            result = QuizResult(**_grade(attempt_id, draw, course, answers, closed_by, now))
            db.session.add(result)
            db.session.flush()  # the result first: a second grading fails here, not below
            if result.passed:  # may complete the course: its outbox row commits with it
                record_progress(user_id, course_id)
    except IntegrityError:  # graded meanwhile by another request: that grading stands
        return db.session.get(QuizResult, attempt_id)
    return result


def _grade(
    attempt_id: int,
    draw: list[dict],
    course: Course,
    answers: dict[str, object],
    closed_by: str,
    now: datetime,
) -> dict:
    by_id = course.questions_by_id
    per_question, points, max_points = [], 0.0, 0.0
    for entry in draw:
        question = by_id[entry["id"]]
        response = answers.get(question.id)
        fraction = grade_response(question, response) if response is not None else 0.0
        earned = round(fraction * question.points, 4)
        points += earned
        max_points += question.points
        per_question.append(
            {
                "id": question.id,
                "fraction": fraction,
                "points": earned,
                "max": question.points,
                "response": response,
            }
        )
    percent = round(100 * points / max_points, 2) if max_points else 0.0
    return {
        "attempt_id": attempt_id,
        "graded_at": now,
        "closed_by": closed_by,
        "points": round(points, 4),
        "max_points": max_points,
        "percent": percent,
        "passed": percent >= course.meta.quiz.pass_mark,
        "per_question": per_question,
    }


def close_expired(
    now: datetime | None = None, user: User | None = None, course_id: int | None = None
) -> int:
    """Grade every open attempt whose deadline has passed, as it stood. Returns how many."""
    now = now or utcnow()
    statement = (
        sa.select(QuizAttempt)
        .outerjoin(QuizResult, QuizResult.attempt_id == QuizAttempt.id)
        .where(QuizResult.attempt_id.is_(None), QuizAttempt.deadline_at < now)
    )
    if user is not None:
        statement = statement.where(QuizAttempt.user_id == user.id)
    if course_id is not None:
        statement = statement.where(QuizAttempt.course_id == course_id)
    expired = list(db.session.scalars(statement))
    for attempt in expired:
        grade_attempt(attempt, closed_by="deadline", now=now)
    return len(expired)


def review_visible(policy: str, result: QuizResult, state: rules.QuizState | None) -> bool:
    """Whether the learner may see answers and explanations for this result now."""
    if policy == "always":
        return True
    if policy == "after_pass":
        return result.passed
    if policy == "after_last_attempt":
        # The round this attempt belonged to is over: passed, or no attempt left in it.
        return result.passed or (
            state is not None
            and (state.kind == rules.RETRAIN or state.round_number > result.attempt.round_number)
        )
    return False


def grant_extra_attempt(
    granted_by: User, learner: User, record: CourseRecord, reason: str
) -> QuizExtraAttempt:
    reason = reason.strip()
    if not reason:
        raise QuizError("reason-missing")
    standing = standing_of(learner.id, record.id)
    if standing is not None and standing.exam is not None and standing.exam.passed_at:
        raise QuizError("already-passed")
    with write_transaction():
        grant = QuizExtraAttempt(
            user_id=learner.id, course_id=record.id, granted_by_id=granted_by.id, reason=reason
        )
        db.session.add(grant)
        db.session.flush()
        audit.record(
            granted_by,
            "quiz.extra_attempt_granted",
            "user",
            learner.id,
            course=record.slug,
            reason=reason,
            grant_id=grant.id,
        )
        notify(
            db.session(),
            learner,
            "extra_attempt",
            {
                "course": record.current_version.title if record.current_version else record.slug,
                "granted_by": granted_by.display_name,
            },
            path_for("courses.course", slug=record.slug),
            subject=("extra_attempt", grant.id),
        )
    return grant
