"""The parsed form of a course folder: frozen dataclasses, no behaviour beyond small helpers.

Everything the rest of the app knows about a course comes from these objects; the Markdown
files are read once by the loader and never again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from trainer.content.question_model import Question

Severity = Literal["error", "warning"]

CATEGORIES = ("standards", "etiquette", "communication", "emotions", "sop", "other")
REVIEW_POLICIES = ("never", "after_pass", "after_last_attempt", "always")
SCORE_COUNTS = ("best", "last")  # which attempt's score counts for the course
POSITIONS = (
    "front-desk",
    "sales-associate",
    "store-supervisor",
    "store-manager",
    "property-service",
    "station-agent",
    "cs-agent",
    "tour-guide",
    "all",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (error) or doubtful (warning) in a course, at a file and line.

    `file` is relative to the content directory, e.g. ``courses/onboarding/quiz.md``;
    `line` is 1-based, 0 when the problem concerns a whole (often missing) file.
    """

    file: str
    line: int
    code: str
    params: dict = field(default_factory=dict)
    severity: Severity = "error"

    @classmethod
    def error(cls, file: str, line: int, code: str, **params: object) -> Problem:
        return cls(file=file, line=line, code=code, params=params, severity="error")

    @classmethod
    def warning(cls, file: str, line: int, code: str, **params: object) -> Problem:
        return cls(file=file, line=line, code=code, params=params, severity="warning")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def message(self, locale: str = "zh") -> str:
        from trainer.content.messages import render_message

        return render_message(self.code, self.params, locale)


# Each setting's default is written once, here, as the field default: the course.md checker
# applies it to a field left out, and CourseSettings.from_stored to a key missing from a
# course version stored before that setting existed. docs/authoring.md lists them.


@dataclass(frozen=True)
class QuizSettings:
    questions_per_attempt: int  # required in course.md
    pass_mark: int  # percent; required in course.md
    time_limit_minutes: int = 0  # 0 = no limit
    attempts_per_round: int = 3
    wait_minutes: int = 0
    review: str = "after_pass"  # one of REVIEW_POLICIES
    tag_quotas: dict[str, int] = field(default_factory=dict)
    score_counts: str = "best"  # one of SCORE_COUNTS


@dataclass(frozen=True)
class CertificateSettings:
    validity_months: int = 24
    recertify_window_days: int = 60


@dataclass(frozen=True)
class ExamRequirements:
    """What must be done before the theory exam opens (course.md `exam_requires`)."""

    all_lessons_read: bool = True  # every lesson read to its end, in this cycle or round
    prerequisites_passed: bool = True  # every prerequisite course passed, certificate valid


@dataclass(frozen=True)
class CourseMeta:
    title: str
    summary: str
    category: str  # one of CATEGORIES
    language: str
    estimated_minutes: int
    target_positions: tuple[str, ...]
    prerequisites: tuple[str, ...]
    quiz: QuizSettings
    practical_required: bool
    attitude_required: bool
    certificate: CertificateSettings
    exam_requires: ExamRequirements = field(default_factory=ExamRequirements)


@dataclass(frozen=True)
class Lesson:
    number: int  # NN from the file name
    slug: str  # file name without the NN- prefix and .md, e.g. "warm-reception"
    title: str  # text of the "# title" line
    source: str  # Markdown body after the title line
    path: str  # relative to the course folder, e.g. "lessons/01-warm-reception.md"
    source_line: int = 1  # the file's line number of the first line of `source`


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str
    critical: bool
    weight: int
    scale: tuple[tuple[int, str], ...]  # (score, label), ascending by score
    should: tuple[str, ...]
    should_not: tuple[str, ...]
    line: int

    @property
    def max_score(self) -> int:
        return self.scale[-1][0]


@dataclass(frozen=True)
class ChecklistStep:
    title: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Checklist:
    title: str
    pass_mark: int  # percent of the maximum weighted score
    intro: str  # Markdown for the assessor
    steps: tuple[ChecklistStep, ...]

    @property
    def items(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for step in self.steps for item in step.items)

    @property
    def max_weighted_score(self) -> int:
        return sum(item.weight * item.max_score for item in self.items)


@dataclass(frozen=True)
class Course:
    slug: str
    version: str  # hex SHA-256 of every file's relative path and bytes
    meta: CourseMeta
    intro: str  # Markdown body of course.md
    lessons: tuple[Lesson, ...]
    questions: tuple[Question, ...]
    practical: Checklist | None
    attitude: Checklist | None
    # Files a lesson may show or link to, relative to the course folder (e.g.
    # "media/fitting-room.svg"). The course's own Markdown files are never in here, so
    # serving only these paths cannot leak quiz answers.
    media: frozenset[str]
    # Every file of the version (course-relative), hidden and backup files left out: what a
    # stored version keeps, so attempts can be rebuilt from it.
    files: tuple[str, ...] = ()

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        # Built once per parsed course (courses are cached per version): every submit and
        # attempt page looks its drawn questions up by id.
        return {question.id: question for question in self.questions}

    def question(self, question_id: str) -> Question | None:
        return self.questions_by_id.get(question_id)

    def lesson(self, lesson_slug: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.slug == lesson_slug), None)
