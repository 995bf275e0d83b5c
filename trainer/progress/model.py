"""The answers of trainer.progress: frozen values, safe to hand to a template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from trainer.quizzes import rules as quiz_rules
from trainer.quizzes.rules import QuizState, RetakeSettings

# Outcomes of one part of a course (lessons, theory, practical, attitude).
PASSED, FAILED, PENDING = "passed", "failed", "pending"
ASSESSED_KINDS = ("practical", "attitude")

# What the person must do next on a course (Standing.next_step).
READ = "read"  # read the lessons (of this cycle)
TAKE_EXAM = "take_exam"
PREREQUISITE = "prerequisite"  # pass a prerequisite course first: then the exam opens
CONTINUE_EXAM = "continue_exam"
WAIT = "wait"  # the next exam attempt opens later
RETRAIN = "retrain"  # a round was used up: read every lesson again
PRACTICAL = "practical"  # be assessed (practical)
ATTITUDE = "attitude"  # be evaluated (attitude)
CERTIFICATE = "certificate"  # everything is done; the certificate is still to come
DONE = "done"


@dataclass(frozen=True)
class LiveCourse:
    """A course with a live version, and the settings progress depends on."""

    id: int
    slug: str
    title: str
    category: str
    version_id: int
    lesson_numbers: tuple[int, ...]
    theory_required: bool
    practical_required: bool
    attitude_required: bool
    retake: RetakeSettings
    validity_months: int
    prerequisites: tuple[str, ...] = ()  # course slugs (course.md `prerequisites`)
    # course.md `exam_requires`: what must be done before the theory exam opens
    exam_requires_lessons: bool = True
    exam_requires_prerequisites: bool = True

    @property
    def lessons_total(self) -> int:
        return len(self.lesson_numbers)

    def required(self, kind: str) -> bool:
        return bool(getattr(self, f"{kind}_required"))


@dataclass(frozen=True)
class Part:
    """One part that must be passed: the theory exam, a practical or attitude assessment, or
    (for a course with none of them) reading every lesson."""

    name: str  # lessons | theory | practical | attitude
    outcome: str  # passed | failed | pending
    passed_at: datetime | None = None


@dataclass(frozen=True)
class CertificateState:
    """The person's latest certificate for a course, as it stands at the moment asked."""

    id: int
    serial: str
    title: str  # the course title printed on it
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    status: str  # valid | expired | revoked


@dataclass(frozen=True)
class Cycle:
    """The certification cycle progress counts in.

    A cycle starts with the first step on a course; it ends when the certificate's
    recertification window opens (N days before expiry), or when the certificate is
    revoked. Results from before `since` never count again.
    """

    since: datetime | None
    certificate: CertificateState | None  # the latest course certificate, any status
    certified: bool  # holds a valid certificate now
    window_opens_at: datetime | None  # when recertification opens (None: never)

    @property
    def recertifying(self) -> bool:
        return self.certificate is not None and self.since is not None


@dataclass(frozen=True)
class AttemptState:
    id: int
    round_number: int
    attempt_number: int
    started_at: datetime
    graded_at: datetime | None  # None while open
    passed: bool | None
    percent: float | None
    used_grant: bool


@dataclass(frozen=True)
class ExamState:
    """The theory exam in the current cycle."""

    quiz: QuizState  # what the learner may do next (trainer.quizzes.rules)
    attempts: tuple[AttemptState, ...]  # of this cycle, oldest first
    lessons_to_reread: tuple[int, ...]  # when retraining: lessons not read again yet
    passed_at: datetime | None

    @property
    def outcome(self) -> str:
        if self.passed_at is not None:
            return PASSED
        return FAILED if any(a.graded_at is not None for a in self.attempts) else PENDING

    @property
    def open_attempt_id(self) -> int | None:
        return next((a.id for a in self.attempts if a.graded_at is None), None)

    @property
    def graded(self) -> tuple[AttemptState, ...]:
        return tuple(a for a in self.attempts if a.graded_at is not None)


@dataclass(frozen=True)
class AssessedState:
    """A practical assessment or attitude evaluation in the current cycle."""

    kind: str
    outcome: str  # passed once any result (as corrected on appeal) passed; failed; pending
    passed_at: datetime | None
    latest_id: int | None  # the latest result of this cycle
    retake_at: datetime | None  # the latest result failed: no new assessment before this
    open_appeal: bool


@dataclass(frozen=True)
class PrerequisiteState:
    """A prerequisite course the person has not passed (a revoked or expired certificate
    does not count)."""

    course_id: int
    slug: str
    title: str


@dataclass(frozen=True)
class ExamGate:
    """What is still missing before the theory exam opens (course.md `exam_requires`)."""

    unread: tuple[int, ...] = ()  # lesson numbers not read (to the end) in this cycle
    prerequisites: tuple[PrerequisiteState, ...] = ()  # prerequisite courses not passed

    @property
    def open(self) -> bool:
        return not self.unread and not self.prerequisites


OPEN_GATE = ExamGate()


@dataclass(frozen=True)
class Standing:
    """Where one person stands on one course."""

    user_id: int
    course: LiveCourse
    cycle: Cycle
    lessons_read: frozenset[int]  # lesson numbers read in this cycle
    exam: ExamState | None  # None: the course has no theory exam
    assessed: tuple[AssessedState, ...]  # the required ones, practical first
    parts: tuple[Part, ...]
    complete: bool  # every required part passed in this cycle
    started: bool  # anything done in this cycle
    completed_at: datetime | None
    next_step: str
    exam_gate: ExamGate = OPEN_GATE  # open when the course has no exam

    @property
    def may_start_exam(self) -> bool:
        """The exam's rules let a new attempt start now, and nothing is missing before it."""
        return (
            self.exam is not None
            and self.exam.quiz.kind == quiz_rules.CAN_START
            and self.exam_gate.open
        )

    @property
    def course_id(self) -> int:
        return self.course.id

    @property
    def lessons_total(self) -> int:
        return self.course.lessons_total

    @property
    def lessons_read_count(self) -> int:
        return len(self.lessons_read)

    @property
    def all_lessons_read(self) -> bool:
        return bool(self.course.lesson_numbers) and self.lessons_read >= set(
            self.course.lesson_numbers
        )

    @property
    def certified(self) -> bool:
        return self.cycle.certified

    @property
    def passed(self) -> bool:
        """Done, as plans, reports and the training page say it: a valid certificate, or
        every part passed in this cycle (the certificate may still be on its way)."""
        return self.complete or self.cycle.certified

    @property
    def may_issue(self) -> bool:
        """The certificate-issuing decision: complete in a cycle that has no certificate yet."""
        return self.complete and (not self.cycle.certified or self.cycle.recertifying)

    @property
    def awaiting_certificate(self) -> bool:
        return self.next_step == CERTIFICATE

    def part(self, name: str) -> Part | None:
        return next((part for part in self.parts if part.name == name), None)

    def assessment(self, kind: str) -> AssessedState | None:
        return next((state for state in self.assessed if state.kind == kind), None)

    @property
    def practical(self) -> AssessedState | None:
        return self.assessment("practical")

    @property
    def attitude(self) -> AssessedState | None:
        return self.assessment("attitude")
