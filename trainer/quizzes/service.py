"""The theory exam: start, save as you go, submit once, close at the deadline, retakes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from trainer.audit import service as audit
from trainer.completion import current_cycle, notify
from trainer.content import Course, Question, grade_response, settings_of
from trainer.courses.service import lessons_read_after
from trainer.courses.sync import course_for_version
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import (
    CourseLesson,
    CourseRecord,
    CourseVersion,
    LessonProgress,
    QuizAnswer,
    QuizAttempt,
    QuizExtraAttempt,
    QuizResult,
    User,
    utcnow,
)
from trainer.quizzes import rules


class QuizError(Exception):
    """Something the learner cannot do now; ``code`` picks the message."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


def retake_settings(version: CourseVersion) -> rules.RetakeSettings:
    quiz = settings_of(version).quiz
    return rules.RetakeSettings(attempts_per_round=quiz.attempts_per_round,
                                wait_minutes=quiz.wait_minutes,
                                score_counts=quiz.score_counts)


def _attempts(user: User, course_id: int, since: datetime | None) -> list[QuizAttempt]:
    statement = (sa.select(QuizAttempt)
                 .where(QuizAttempt.user_id == user.id, QuizAttempt.course_id == course_id)
                 .options(sa.orm.selectinload(QuizAttempt.result))
                 .order_by(QuizAttempt.id))
    if since is not None:  # earlier cycles (before recertification) no longer count
        statement = statement.where(QuizAttempt.started_at >= since)
    return list(db.session.scalars(statement))


def _summaries(attempts: list[QuizAttempt]) -> list[rules.AttemptSummary]:
    return [rules.AttemptSummary(
        round_number=a.round_number, attempt_number=a.attempt_number,
        graded_at=a.result.graded_at if a.result else None,
        passed=a.result.passed if a.result else None,
        percent=a.result.percent if a.result else None,
        used_grant=a.extra_grant_id is not None,
    ) for a in attempts]


def _unused_grants(user: User, course_id: int) -> list[QuizExtraAttempt]:
    used = sa.select(QuizAttempt.extra_grant_id).where(QuizAttempt.extra_grant_id.is_not(None))
    return list(db.session.scalars(
        sa.select(QuizExtraAttempt).where(QuizExtraAttempt.user_id == user.id,
                                          QuizExtraAttempt.course_id == course_id,
                                          QuizExtraAttempt.id.not_in(used))
        .order_by(QuizExtraAttempt.id)))


def lessons_reread_at(user: User, version: CourseVersion) -> datetime | None:
    """When every lesson of this version had last been read (None if one is unread)."""
    lesson_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(CourseLesson)
        .where(CourseLesson.version_id == version.id))
    reads = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(LessonProgress.read_at))
        .where(LessonProgress.user_id == user.id, LessonProgress.version_id == version.id)
    ).one()
    return reads[1] if lesson_count and reads[0] >= lesson_count else None


@dataclass(frozen=True)
class LearnerQuiz:
    state: rules.QuizState
    attempts: list[QuizAttempt]
    open_attempt: QuizAttempt | None
    settings: rules.RetakeSettings
    lessons_to_reread: tuple[int, ...] = ()  # when retraining: lessons not read again yet


def learner_quiz(user: User, record: CourseRecord, version: CourseVersion,
                 now: datetime | None = None, close_overdue: bool = True) -> LearnerQuiz:
    now = now or utcnow()
    if close_overdue:
        close_expired(now, user=user, course_id=record.id)
    since = current_cycle(user.id, record.id, now).since
    attempts = _attempts(user, record.id, since)
    settings = retake_settings(version)
    earlier_rounds = 0
    if since is not None:  # recertification: round numbers carry on from the last cycle
        earlier_rounds = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(QuizAttempt.round_number), 0))
            .where(QuizAttempt.user_id == user.id, QuizAttempt.course_id == record.id,
                   QuizAttempt.started_at < since))
    state = rules.quiz_state(_summaries(attempts), settings, now,
                             len(_unused_grants(user, record.id)),
                             lessons_reread_at(user, version), first_round=earlier_rounds + 1)
    open_attempt = next((a for a in attempts if a.result is None), None)
    to_reread: tuple[int, ...] = ()
    if state.kind == rules.RETRAIN:
        round_ended = max(a.result.graded_at for a in attempts if a.result)
        done = lessons_read_after(user, version, round_ended)
        to_reread = tuple(lesson.number for lesson in version.lessons
                          if lesson.number not in done)
    return LearnerQuiz(state, attempts, open_attempt, settings, to_reread)


def quiz_passed(user: User, course_id: int, since: datetime | None = None) -> bool:
    """For completion and certificates: has this learner passed this course's exam
    (in attempts started at or after `since`, when given)?"""
    statement = (sa.select(sa.func.count()).select_from(QuizResult).join(QuizAttempt)
                 .where(QuizAttempt.user_id == user.id, QuizAttempt.course_id == course_id,
                        QuizResult.passed.is_(True)))
    if since is not None:
        statement = statement.where(QuizAttempt.started_at >= since)
    return bool(db.session.scalar(statement))


def start_attempt(user: User, record: CourseRecord, version: CourseVersion,
                  now: datetime | None = None, rng: random.Random | None = None) -> QuizAttempt:
    """Open a new attempt, or return the one already open (a second click is harmless)."""
    now = now or utcnow()
    rng = rng or random.SystemRandom()
    course = course_for_version(version)
    quiz = course.meta.quiz
    close_expired(now, user=user, course_id=record.id)
    try:
        with write_transaction():
            current = learner_quiz(user, record, version, now, close_overdue=False)
            if current.open_attempt is not None:
                return current.open_attempt
            state = current.state
            if state.kind != rules.CAN_START:
                raise QuizError(state.kind, opens_at=state.opens_at)
            grant = _unused_grants(user, record.id)[0] if state.uses_grant else None
            drawn = rules.draw_questions(course.questions, quiz.questions_per_attempt,
                                         dict(quiz.tag_quotas), rng)
            attempt = QuizAttempt(
                user_id=user.id, course_id=record.id, version_id=version.id,
                round_number=state.round_number, attempt_number=state.attempt_number,
                started_at=now, draw=[rules.freeze_question(q, rng) for q in drawn],
                deadline_at=(now + timedelta(minutes=quiz.time_limit_minutes)
                             if quiz.time_limit_minutes else None),
                extra_grant_id=grant.id if grant else None,
            )
            db.session.add(attempt)
    except IntegrityError:
        # Another request opened the same attempt number a moment ago: use that one.
        db.session.rollback()
        existing = learner_quiz(user, record, version, now).open_attempt
        if existing is None:
            raise
        return existing
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
    return db.session.scalar(sa.select(QuizResult.attempt_id)
                             .where(QuizResult.attempt_id == attempt_id)) is not None


def _check_responses(user: User, attempt: QuizAttempt, responses: dict[str, object]) -> None:
    if attempt.user_id != user.id:
        raise QuizError("not-yours")
    if set(responses) - {entry["id"] for entry in attempt.draw}:
        raise QuizError("unknown-question")


def save_answers(user: User, attempt: QuizAttempt, responses: dict[str, object],
                 now: datetime | None = None) -> None:
    """Store answers given so far. Refused once the attempt is graded or its time is up."""
    now = now or utcnow()
    _check_responses(user, attempt, responses)
    attempt_id, past_deadline = attempt.id, is_past_deadline(attempt, now)
    with write_transaction():
        if _is_graded(attempt_id):
            raise QuizError("already-submitted")
        if past_deadline:
            raise QuizError("time-up")
        _store(attempt_id, responses, now)


def _saved_answers(attempt_id: int) -> dict[str, QuizAnswer]:
    return {answer.question_id: answer for answer in db.session.scalars(
        sa.select(QuizAnswer).where(QuizAnswer.attempt_id == attempt_id))}


def _store(attempt_id: int, responses: dict[str, object], now: datetime) -> None:
    """Insert new answers and update changed ones (the ORM sends each kind as one batch)."""
    existing = _saved_answers(attempt_id)
    for question_id, response in responses.items():
        answer = existing.get(question_id)
        if answer is None:
            db.session.add(QuizAnswer(attempt_id=attempt_id, question_id=question_id,
                                      response=response, saved_at=now))
        elif answer.response != response:
            answer.response = response
            answer.saved_at = now


def submit_attempt(user: User, attempt: QuizAttempt, responses: dict[str, object],
                   now: datetime | None = None) -> QuizResult:
    """Save the last answers and grade, exactly once. Late: graded as it stood at the deadline."""
    now = now or utcnow()
    _check_responses(user, attempt, responses)
    if is_past_deadline(attempt, now):
        return grade_attempt(attempt, closed_by="deadline", now=now)
    return grade_attempt(attempt, closed_by="learner", now=now, last_responses=responses)


def grade_attempt(attempt: QuizAttempt, closed_by: str, now: datetime | None = None,
                  last_responses: dict[str, object] | None = None) -> QuizResult:
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
            answers = {question_id: answer.response
                       for question_id, answer in _saved_answers(attempt_id).items()}
            answers.update(last_responses or {})
            result = QuizResult(**_grade(attempt_id, draw, course, answers, closed_by, now))
            db.session.add(result)
    except IntegrityError:  # graded meanwhile by another request: that grading stands
        return db.session.get(QuizResult, attempt_id)
    if result.passed:
        notify(user_id, course_id)  # may complete the course
    return result


def _grade(attempt_id: int, draw: list[dict], course: Course, answers: dict[str, object],
           closed_by: str, now: datetime) -> dict:
    by_id = course.questions_by_id
    per_question, points, max_points = [], 0.0, 0.0
    for entry in draw:
        question = by_id[entry["id"]]
        response = answers.get(question.id)
        fraction = grade_response(question, response) if response is not None else 0.0
        earned = round(fraction * question.points, 4)
        points += earned
        max_points += question.points
        per_question.append({"id": question.id, "fraction": fraction, "points": earned,
                             "max": question.points, "response": response})
    percent = round(100 * points / max_points, 2) if max_points else 0.0
    return {"attempt_id": attempt_id, "graded_at": now, "closed_by": closed_by,
            "points": round(points, 4), "max_points": max_points, "percent": percent,
            "passed": percent >= course.meta.quiz.pass_mark, "per_question": per_question}


def close_expired(now: datetime | None = None, user: User | None = None,
                  course_id: int | None = None) -> int:
    """Grade every open attempt whose deadline has passed, as it stood. Returns how many."""
    now = now or utcnow()
    statement = (sa.select(QuizAttempt)
                 .outerjoin(QuizResult, QuizResult.attempt_id == QuizAttempt.id)
                 .where(QuizResult.attempt_id.is_(None), QuizAttempt.deadline_at < now))
    if user is not None:
        statement = statement.where(QuizAttempt.user_id == user.id)
    if course_id is not None:
        statement = statement.where(QuizAttempt.course_id == course_id)
    expired = list(db.session.scalars(statement))
    for attempt in expired:
        grade_attempt(attempt, closed_by="deadline", now=now)
    return len(expired)


def review_visible(policy: str, result: QuizResult, state: rules.QuizState) -> bool:
    """Whether the learner may see answers and explanations for this result now."""
    if policy == "always":
        return True
    if policy == "after_pass":
        return result.passed
    if policy == "after_last_attempt":
        # The round this attempt belonged to is over: passed, or no attempt left in it.
        return (result.passed or state.kind == rules.RETRAIN
                or state.round_number > result.attempt.round_number)
    return False


def grant_extra_attempt(granted_by: User, learner: User, record: CourseRecord,
                        reason: str) -> QuizExtraAttempt:
    reason = reason.strip()
    if not reason:
        raise QuizError("reason-missing")
    if quiz_passed(learner, record.id, current_cycle(learner.id, record.id, utcnow()).since):
        raise QuizError("already-passed")
    with write_transaction():
        grant = QuizExtraAttempt(user_id=learner.id, course_id=record.id,
                                 granted_by_id=granted_by.id, reason=reason)
        db.session.add(grant)
        db.session.flush()
        audit.record(granted_by, "quiz.extra_attempt_granted", "user", learner.id,
                     course=record.slug, reason=reason, grant_id=grant.id)
    return grant
