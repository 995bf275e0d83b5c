"""The theory exam: start, save as you go, submit once, close at the deadline, retakes."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from trainer.audit import service as audit
from trainer.completion import notify
from trainer.content import Course, Question, grade_response
from trainer.courses.sync import course_for_version, course_for_version_id
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.hotpath import (
    Companion,
    LeanQuery,
    LeanStatement,
    LeanTransaction,
    lean_companion_row,
    lean_write,
    lean_write_transaction,
)
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
            exam = standing_of(user.id, record.id, now).exam
            if exam.open_attempt_id is not None:
                return db.session.get(QuizAttempt, exam.open_attempt_id)
            state = exam.quiz
            if state.kind != rules.CAN_START:
                raise QuizError(state.kind, opens_at=state.opens_at)
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


@dataclass(frozen=True)
class AttemptFacts:
    """What answering and grading need to know about an attempt, without the ORM object:
    submitting reads it with one lean query (trainer.hotpath)."""

    id: int
    user_id: int
    course_id: int
    version_id: int
    slug: str
    deadline_at: datetime | None
    draw: list
    graded: bool = False  # as read; grading itself never trusts this

    @classmethod
    def of(cls, attempt: QuizAttempt) -> AttemptFacts:
        return cls(
            attempt.id,
            attempt.user_id,
            attempt.course_id,
            attempt.version_id,
            attempt.version.course.slug,
            attempt.deadline_at,
            attempt.draw,
        )


_ATTEMPT_FACTS_SELECT = (
    sa.select(
        QuizAttempt.id,
        QuizAttempt.user_id,
        QuizAttempt.course_id,
        QuizAttempt.version_id,
        CourseRecord.slug,
        QuizAttempt.deadline_at,
        QuizAttempt.draw,
        sa.exists().where(QuizResult.attempt_id == QuizAttempt.id).label("graded"),
    )
    .join(CourseRecord, CourseRecord.id == QuizAttempt.course_id)
    .where(QuizAttempt.id == sa.bindparam("attempt_id"))
)
_ATTEMPT_FACTS = LeanQuery(_ATTEMPT_FACTS_SELECT, typed=True)
# For a lean view with an `attempt_id` URL argument: the attempt read with the principal.
ATTEMPT_FACTS_WITH_PRINCIPAL = Companion(_ATTEMPT_FACTS_SELECT)


def attempt_facts(attempt_id: int, owner_id: int) -> AttemptFacts | None:
    """The attempt, if it exists and is this user's (else None: the same 404 for both)."""
    read, row = lean_companion_row(ATTEMPT_FACTS_WITH_PRINCIPAL, attempt_id=attempt_id)
    if not read:  # not read with the principal
        row = _ATTEMPT_FACTS.first(attempt_id=attempt_id)
    return attempt_facts_from_row(row, owner_id)


def attempt_facts_from_row(row: tuple | None, owner_id: int) -> AttemptFacts | None:
    """The facts in a row of the attempt-facts query, if it is this user's attempt."""
    if row is None or row[1] != owner_id:
        return None
    return AttemptFacts(*row[:7], graded=bool(row[7]))


def _facts(attempt: QuizAttempt | AttemptFacts) -> AttemptFacts:
    return attempt if isinstance(attempt, AttemptFacts) else AttemptFacts.of(attempt)


def drawn_questions(attempt: QuizAttempt | AttemptFacts) -> list[tuple[Question, dict]]:
    facts = _facts(attempt)
    by_id = course_for_version_id(facts.version_id, facts.slug).questions_by_id
    return [(by_id[entry["id"]], entry) for entry in facts.draw]


def is_past_deadline(attempt: QuizAttempt | AttemptFacts, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at


def save_answers(
    user: User, attempt: QuizAttempt, responses: dict[str, object], now: datetime | None = None
) -> None:
    """Store answers given so far. Refused once the attempt is graded or its time is up."""
    now = now or utcnow()
    if attempt.user_id != user.id:
        raise QuizError("not-yours")
    allowed_ids = {entry["id"] for entry in attempt.draw}
    if set(responses) - allowed_ids:
        raise QuizError("unknown-question")
    facts = AttemptFacts.of(attempt)
    with lean_write_transaction() as transaction:
        if transaction.rows(_STORED_RESULT, attempt_id=facts.id):
            raise QuizError("already-submitted")
        if is_past_deadline(facts, now):
            raise QuizError("time-up")
        _store(transaction, facts.id, responses, now)
    if is_past_deadline(facts, now):
        _grade_once(facts, closed_by="deadline", now=now)


_EXISTING_ANSWERS = LeanQuery(
    sa.select(QuizAnswer.question_id, QuizAnswer.id, QuizAnswer.response).where(
        QuizAnswer.attempt_id == sa.bindparam("attempt_id")
    ),
    typed=True,
)
_NEW_ANSWER = LeanStatement(
    sa.insert(QuizAnswer)
    .inline()
    .values(
        attempt_id=sa.bindparam("attempt_id"),
        question_id=sa.bindparam("question_id"),
        response=sa.bindparam("response"),
        saved_at=sa.bindparam("saved_at"),
    )
)
_CHANGE_ANSWER = LeanStatement(
    sa.update(QuizAnswer)
    .where(QuizAnswer.id == sa.bindparam("answer_id"))
    .values(response=sa.bindparam("new_response"), saved_at=sa.bindparam("new_saved_at"))
)
_STORED_RESULT = LeanQuery(
    sa.select(QuizResult.passed, QuizResult.percent, QuizResult.closed_by).where(
        QuizResult.attempt_id == sa.bindparam("attempt_id")
    ),
    typed=True,
)
_NEW_RESULT = LeanStatement(
    sa.insert(QuizResult)
    .inline()
    .values(
        attempt_id=sa.bindparam("attempt_id"),
        graded_at=sa.bindparam("graded_at"),
        closed_by=sa.bindparam("closed_by"),
        points=sa.bindparam("points"),
        max_points=sa.bindparam("max_points"),
        percent=sa.bindparam("percent"),
        passed=sa.bindparam("passed"),
        per_question=sa.bindparam("per_question"),
    )
)


def _store(
    transaction: LeanTransaction, attempt_id: int, responses: dict[str, object], now: datetime
) -> None:
    """Insert new answers and update changed ones, each as one executemany statement, so
    saving ten answers costs the same number of queries as saving one."""
    existing = {
        question_id: (answer_id, response)
        for question_id, answer_id, response in transaction.rows(
            _EXISTING_ANSWERS, attempt_id=attempt_id
        )
    }
    new_rows = [
        {
            "attempt_id": attempt_id,
            "question_id": question_id,
            "response": response,
            "saved_at": now,
        }
        for question_id, response in responses.items()
        if question_id not in existing
    ]
    changed_rows = [
        {"answer_id": existing[question_id][0], "new_response": response, "new_saved_at": now}
        for question_id, response in responses.items()
        if question_id in existing and existing[question_id][1] != response
    ]
    if new_rows:
        transaction.executemany(_NEW_ANSWER, new_rows)
    if changed_rows:
        transaction.executemany(_CHANGE_ANSWER, changed_rows)


@dataclass(frozen=True)
class Graded:
    """A stored result, as submitting reports it."""

    attempt_id: int
    passed: bool
    percent: float
    closed_by: str


def _stored_result(attempt_id: int) -> Graded:
    passed, percent, closed_by = _STORED_RESULT.first(attempt_id=attempt_id)
    return Graded(attempt_id, bool(passed), percent, closed_by)


def submit_attempt(
    user: User, attempt: QuizAttempt, responses: dict[str, object], now: datetime | None = None
) -> QuizResult:
    """Save the last answers and grade, exactly once. Late: graded as it stood at the deadline."""
    facts = AttemptFacts.of(attempt)
    submit_answers(user.id, facts, responses, now)
    return db.session.get(QuizResult, facts.id)


def submit_answers(
    user_id: int,
    attempt: AttemptFacts,
    responses: dict[str, object],
    now: datetime | None = None,
    on_pass: Callable[[int, int], None] | None = None,
) -> Graded:
    """submit_attempt without ORM objects in or out (the exam's submit button). `on_pass`
    (by default completion.notify) is told (user id, course id) when this grading passes."""
    now = now or utcnow()
    if attempt.user_id != user_id:
        raise QuizError("not-yours")
    if set(responses) - {entry["id"] for entry in attempt.draw}:
        raise QuizError("unknown-question")
    if is_past_deadline(attempt, now):
        return _grade_once(attempt, closed_by="deadline", now=now, on_pass=on_pass)
    return _grade_once(
        attempt, closed_by="learner", now=now, last_responses=responses, on_pass=on_pass
    )


def grade_attempt(
    attempt: QuizAttempt,
    closed_by: str,
    now: datetime | None = None,
    last_responses: dict[str, object] | None = None,
) -> QuizResult:
    """Grade once; returns the stored result (this grading's or an earlier one's)."""
    facts = AttemptFacts.of(attempt)
    _grade_once(facts, closed_by, now or utcnow(), last_responses)
    return db.session.get(QuizResult, facts.id)


def _grade_once(
    attempt: AttemptFacts,
    closed_by: str,
    now: datetime,
    last_responses: dict[str, object] | None = None,
    on_pass: Callable[[int, int], None] | None = None,
) -> Graded:
    """Grade once. The result's primary key is the attempt, so a second grading cannot be
    stored: whoever loses the race reads the winner's result instead.

    The answers graded are the submission's (`last_responses`) over those saved while the
    attempt was open. They are stored with the grading, each in `per_question`, which is
    the record of the attempt from then on; the saved answers are left as they were. Run
    lean (trainer.hotpath): this is the write every learner makes at the end of an exam,
    one INSERT when the submission answers every question, else one short transaction
    (saved answers read, result inserted)."""
    course = course_for_version_id(attempt.version_id, attempt.slug)
    responses = last_responses or {}
    try:
        if responses.keys() >= {entry["id"] for entry in attempt.draw}:
            # Every drawn question answered by this submission: nothing stored can change
            # the grade, so the grading is the only write, one statement.
            result = _grade(attempt, course, responses, closed_by, now)
            lean_write(_NEW_RESULT, **result)
        else:  # the answers saved earlier count for the questions this one leaves out
            with lean_write_transaction() as transaction:
                answers = _saved_answers(transaction, attempt.id)
                answers.update(responses)
                result = _grade(attempt, course, answers, closed_by, now)
                transaction.execute(_NEW_RESULT, **result)
    except db.engine.dialect.loaded_dbapi.IntegrityError:
        return _stored_result(attempt.id)  # graded meanwhile: that grading stands
    graded = Graded(attempt.id, result["passed"], result["percent"], closed_by)
    if graded.passed:
        (on_pass or notify)(attempt.user_id, attempt.course_id)  # may complete the course
    return graded


def _saved_answers(transaction: LeanTransaction, attempt_id: int) -> dict[str, object]:
    return {
        question_id: response
        for question_id, _answer_id, response in transaction.rows(
            _EXISTING_ANSWERS, attempt_id=attempt_id
        )
    }


def _grade(
    attempt: AttemptFacts, course: Course, answers: dict[str, object], closed_by: str, now: datetime
) -> dict:
    by_id = course.questions_by_id
    per_question, points, max_points = [], 0.0, 0.0
    for entry in attempt.draw:
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
        "attempt_id": attempt.id,
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
    return grant
