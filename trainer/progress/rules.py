"""How a person's history on one course becomes a Standing: plain functions of plain values.

queries.py reads the history of many people at once; everything that decides lives here, so
the one-person and the many-people answers cannot differ in their rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from trainer.assessments.rules import retake_opens_at
from trainer.models.certificates import certificate_status
from trainer.progress.model import (
    ASSESSED_KINDS,
    ATTITUDE,
    CERTIFICATE,
    CONTINUE_EXAM,
    DONE,
    FAILED,
    PASSED,
    PENDING,
    PRACTICAL,
    PREREQUISITE,
    READ,
    RETRAIN,
    TAKE_EXAM,
    WAIT,
    AssessedState,
    AttemptState,
    CertificateState,
    Cycle,
    ExamGate,
    ExamState,
    LiveCourse,
    Part,
    PrerequisiteState,
    Standing,
)
from trainer.quizzes import rules as quiz_rules


@dataclass(frozen=True)
class CertificateRow:
    id: int
    serial: str
    title: str
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    window_days: int  # recertification window of the version it was issued for


@dataclass(frozen=True)
class AssessmentRow:
    id: int
    kind: str
    submitted_at: datetime
    passed: bool  # as corrected on appeal
    open_appeal: bool


@dataclass
class History:
    """Everything recorded about one person on one course."""

    certificates: list[CertificateRow] = field(default_factory=list)
    attempts: list[AttemptState] = field(default_factory=list)
    unused_grants: int = 0
    lesson_reads: dict[int, datetime] = field(default_factory=dict)  # live version's lessons
    assessments: list[AssessmentRow] = field(default_factory=list)


EMPTY = History()


def cycle_of(certificates: list[CertificateRow], now: datetime) -> Cycle:
    if not certificates:
        return Cycle(None, None, False, None)
    latest = max(certificates, key=lambda row: (row.issued_at, row.id))
    state = CertificateState(
        latest.id,
        latest.serial,
        latest.title,
        latest.issued_at,
        latest.expires_at,
        latest.revoked_at,
        certificate_status(latest.revoked_at, latest.expires_at, now),
    )
    if latest.revoked_at is not None:
        return Cycle(latest.revoked_at, state, False, None)
    if latest.expires_at is None:
        return Cycle(None, state, True, None)
    opens_at = latest.expires_at - timedelta(days=latest.window_days)
    if now < opens_at:
        return Cycle(None, state, True, opens_at)
    # Progress that led to the current certificate never counts for the next one.
    return Cycle(max(opens_at, latest.issued_at), state, now < latest.expires_at, opens_at)


def _in_cycle(moment: datetime | None, since: datetime | None) -> bool:
    return since is None or (moment is not None and moment >= since)


def exam_state(
    course: LiveCourse, history: History, since: datetime | None, now: datetime
) -> ExamState:
    attempts = sorted(
        (a for a in history.attempts if _in_cycle(a.started_at, since)), key=lambda a: a.id
    )
    earlier_rounds = max(
        (a.round_number for a in history.attempts if not _in_cycle(a.started_at, since)), default=0
    )
    reads = history.lesson_reads
    every_lesson_read = bool(course.lesson_numbers) and all(
        number in reads for number in course.lesson_numbers
    )
    reread_at = min(reads[n] for n in course.lesson_numbers) if every_lesson_read else None
    summaries = [
        quiz_rules.AttemptSummary(
            a.round_number, a.attempt_number, a.graded_at, a.passed, a.percent, a.used_grant
        )
        for a in attempts
    ]
    quiz = quiz_rules.quiz_state(
        summaries,
        course.retake,
        now,
        history.unused_grants,
        reread_at,
        first_round=earlier_rounds + 1,
    )
    to_reread: tuple[int, ...] = ()
    if quiz.kind == quiz_rules.RETRAIN:
        round_ended = max(a.graded_at for a in attempts if a.graded_at is not None)
        to_reread = tuple(
            n for n in course.lesson_numbers if n not in reads or reads[n] <= round_ended
        )
    passed_at = min((a.graded_at for a in attempts if a.passed), default=None)
    return ExamState(quiz, tuple(attempts), to_reread, passed_at)


def assessed_state(
    kind: str, course: LiveCourse, history: History, since: datetime | None, now: datetime
) -> AssessedState:
    results = sorted(
        (r for r in history.assessments if r.kind == kind and _in_cycle(r.submitted_at, since)),
        key=lambda r: (r.submitted_at, r.id),
        reverse=True,
    )
    passed_at = min((r.submitted_at for r in results if r.passed), default=None)
    outcome = PASSED if passed_at is not None else (FAILED if results else PENDING)
    latest = results[0] if results else None
    retake_at = None
    if latest is not None and not latest.passed:
        opens_at = retake_opens_at(latest.submitted_at, course.retake.wait_minutes)
        retake_at = opens_at if opens_at > now else None
    return AssessedState(
        kind,
        outcome,
        passed_at,
        latest.id if latest else None,
        retake_at,
        any(r.open_appeal for r in results),
    )


def prerequisite_passed(standing: Standing) -> bool:
    """Whether a course counts as passed when it is another course's prerequisite: passed
    as Standing says, and never while the latest certificate is revoked or expired (a
    certificate that no longer holds does not let anyone into the next course)."""
    certificate = standing.cycle.certificate
    if certificate is not None and certificate.status != "valid":
        return False
    return standing.passed


def exam_gate(
    course: LiveCourse, read: frozenset[int], missing: tuple[PrerequisiteState, ...]
) -> ExamGate:
    """What is still missing before the exam opens, as the course's `exam_requires` asks.

    `read` is the lessons read in this cycle; `missing` the prerequisites not passed (see
    prerequisite_passed; the caller knows the other courses)."""
    if not course.theory_required:
        return ExamGate()
    unread = (
        tuple(n for n in course.lesson_numbers if n not in read)
        if course.exam_requires_lessons
        else ()
    )
    return ExamGate(unread, missing if course.exam_requires_prerequisites else ())


def standing(
    user_id: int,
    course: LiveCourse,
    history: History,
    now: datetime,
    missing_prerequisites: tuple[PrerequisiteState, ...] = (),
) -> Standing:
    cycle = cycle_of(history.certificates, now)
    since = cycle.since
    read = frozenset(
        n
        for n, at in history.lesson_reads.items()
        if n in course.lesson_numbers and _in_cycle(at, since)
    )
    parts: list[Part] = []
    exam = exam_state(course, history, since, now) if course.theory_required else None
    if exam is not None:
        parts.append(Part("theory", exam.outcome, exam.passed_at))
    assessed = tuple(
        assessed_state(kind, course, history, since, now)
        for kind in ASSESSED_KINDS
        if course.required(kind)
    )
    parts.extend(Part(state.kind, state.outcome, state.passed_at) for state in assessed)
    all_read = bool(course.lesson_numbers) and read >= set(course.lesson_numbers)
    gate = exam_gate(course, read, missing_prerequisites)
    if not parts:  # no exam and no assessment: done when every lesson is read
        last_read = max((history.lesson_reads[n] for n in read), default=None)
        parts.append(
            Part("lessons", PASSED if all_read else PENDING, last_read if all_read else None)
        )
    complete = all(part.outcome == PASSED for part in parts)
    started = (
        bool(read)
        or any(state.latest_id is not None for state in assessed)
        or bool(exam and exam.attempts)
    )
    if complete:
        moments = [part.passed_at for part in parts if part.passed_at]
        completed_at = max(moments) if moments else None
    elif cycle.certified:
        completed_at = cycle.certificate.issued_at
    else:
        completed_at = None
    return Standing(
        user_id=user_id,
        course=course,
        cycle=cycle,
        lessons_read=read,
        exam=exam,
        assessed=assessed,
        parts=tuple(parts),
        complete=complete,
        started=started,
        completed_at=completed_at,
        next_step=_next_step(cycle, complete, gate, exam, assessed),
        exam_gate=gate,
    )


_EXAM_STEPS = {
    quiz_rules.IN_PROGRESS: CONTINUE_EXAM,
    quiz_rules.WAIT: WAIT,
    quiz_rules.RETRAIN: RETRAIN,
}


def _next_step(
    cycle: Cycle,
    complete: bool,
    gate: ExamGate,
    exam: ExamState | None,
    assessed: tuple[AssessedState, ...],
) -> str:
    if cycle.certified and not cycle.recertifying:
        return DONE
    if complete:
        return CERTIFICATE
    if exam is not None and exam.outcome != PASSED:
        step = _EXAM_STEPS.get(exam.quiz.kind)
        if step is not None:
            return step
        # The exam may start: first whatever it still waits for (ExamGate).
        if gate.unread:
            return READ
        return PREREQUISITE if gate.prerequisites else TAKE_EXAM
    for state in assessed:
        if state.outcome != PASSED:
            return PRACTICAL if state.kind == "practical" else ATTITUDE
    return READ
