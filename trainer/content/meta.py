"""course.md front matter → CourseMeta, with a line-numbered Problem for each bad field."""

from __future__ import annotations

import difflib
import re

from trainer.content.examples import whole_number
from trainer.content.model import (
    CATEGORIES,
    POSITIONS,
    REVIEW_POLICIES,
    SCORE_COUNTS,
    CertificateSettings,
    CourseMeta,
    ExamRequirements,
    Problem,
    QuizSettings,
)
from trainer.content.settings import CourseSettings, default_of
from trainer.content.sources import FrontMatter, describe

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

# What a trainer should write when a field is missing: shown in the message as is.
EXAMPLES = {
    "title": "title: 售中服务七步曲",
    "summary": "summary: 一句话说明这门课教什么",
    "category": "category: sop",
    "estimated_minutes": "estimated_minutes: 45",
    "target_positions": "target_positions: [sales-associate]",
    "quiz": "quiz:\n  questions_per_attempt: 10\n  pass_mark: 80",
    "quiz.questions_per_attempt": "questions_per_attempt: 10",
    "quiz.pass_mark": "pass_mark: 80",
}
TOP_LEVEL_FIELDS = (
    "title",
    "summary",
    "category",
    "language",
    "estimated_minutes",
    "target_positions",
    "prerequisites",
    "quiz",
    "practical_required",
    "attitude_required",
    "certificate",
    "exam_requires",
)
QUIZ_FIELDS = (
    "questions_per_attempt",
    "time_limit_minutes",
    "pass_mark",
    "attempts_per_round",
    "wait_minutes",
    "review",
    "tag_quotas",
    "score_counts",
)
CERTIFICATE_FIELDS = ("validity_months", "recertify_window_days")
EXAM_REQUIRES_FIELDS = ("all_lessons_read", "prerequisites_passed")

_MISSING = object()


class FieldReader:
    """Reads typed values out of front matter, recording a Problem for each bad one.

    A bad value yields None, so the caller can keep validating the other fields and the
    trainer sees every mistake in one run instead of one per run.
    """

    def __init__(self, front_matter: FrontMatter, display: str) -> None:
        self.front_matter = front_matter
        self.display = display
        self.problems: list[Problem] = []

    def line(self, *path: str | int) -> int:
        return self.front_matter.line_of(*path)

    def error(self, path: tuple, code: str, **params: object) -> None:
        self.problems.append(Problem.error(self.display, self.line(*path), code, **params))

    def raw(self, *path: str) -> object:
        value: object = self.front_matter.data
        for key in path:
            if not isinstance(value, dict):
                return _MISSING
            # YAML may read a key such as `2024` as a number; trainers think of it as text.
            by_name = {str(k): v for k, v in value.items()}
            if key not in by_name:
                return _MISSING
            value = by_name[key]
        return value

    def missing(self, path: tuple, required: bool) -> None:
        if not required:
            return
        name = ".".join(path)
        example = EXAMPLES.get(name, f"{path[-1]}: …")
        if len(path) == 1:
            self.error(path, "field-missing", field=name, example=example)
        else:
            self.error(
                path,
                "subfield-missing",
                field=path[-1],
                parent=".".join(path[:-1]),
                example=example,
            )

    def text(self, *path: str, required: bool = True, default: str = "") -> str | None:
        value = self.raw(*path)
        if value is _MISSING or value is None:
            self.missing(path, required)
            return None if required else default
        if not isinstance(value, str) or not value.strip():
            self.error(path, "field-not-text", field=".".join(path), value=describe(value))
            return None
        return value.strip()

    def integer(
        self,
        *path: str,
        minimum: int,
        maximum: int | None = None,
        required: bool = True,
        default: int = 0,
    ) -> int | None:
        value = self.raw(*path)
        if value is _MISSING or value is None:
            self.missing(path, required)
            return None if required else default
        name = ".".join(path)
        # YAML reads `yes` as True, and True is an int in Python: refuse it explicitly.
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                path,
                "field-not-integer",
                field=name,
                value=describe(value),
                example=whole_number(value, 30),
            )
            return None
        if value < minimum:
            self.error(path, "number-too-small", field=name, value=value, minimum=minimum)
            return None
        if maximum is not None and value > maximum:
            self.error(path, "number-too-large", field=name, value=value, maximum=maximum)
            return None
        return value

    def boolean(self, *path: str, default: bool) -> bool | None:
        value = self.raw(*path)
        if value is _MISSING or value is None:
            return default
        if not isinstance(value, bool):
            self.error(path, "field-not-boolean", field=".".join(path), value=describe(value))
            return None
        return value

    def text_list(self, *path: str, required: bool) -> tuple[str, ...] | None:
        value = self.raw(*path)
        if value is _MISSING or value is None:
            self.missing(path, required)
            return None if required else ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(path, "field-not-list", field=".".join(path), value=describe(value))
            return None
        return tuple(v.strip() for v in value)

    def mapping(self, *path: str, required: bool) -> dict | None:
        value = self.raw(*path)
        if value is _MISSING or value is None:
            self.missing(path, required)
            return None if required else {}
        if not isinstance(value, dict):
            self.error(path, "field-not-mapping", field=".".join(path), value=describe(value))
            return None
        return value

    def choice(self, *path: str, allowed: tuple[str, ...], code: str, **kwargs) -> str | None:
        value = self.text(*path, **kwargs)
        if value is not None and value not in allowed:
            self.error(path, code, value=value, allowed=", ".join(allowed))
            return None
        return value

    def warn_unknown_keys(self, mapping: dict, known: tuple[str, ...], *prefix: str) -> None:
        for key in mapping:
            if str(key) in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1)
            path = (*prefix, str(key))
            self.problems.append(
                Problem.warning(
                    self.display,
                    self.line(*path),
                    "field-unknown",
                    field=".".join(path),
                    suggestion=close[0] if close else "",
                )
            )


def parse_course_meta(
    front_matter: FrontMatter, display: str
) -> tuple[CourseMeta | None, list[Problem]]:
    reader = FieldReader(front_matter, display)
    reader.warn_unknown_keys(front_matter.data, TOP_LEVEL_FIELDS)
    title = reader.text("title")
    summary = reader.text("summary")
    category = reader.choice("category", allowed=CATEGORIES, code="category-unknown")
    language = reader.text(
        "language", required=False, default=default_of(CourseSettings, "language")
    )
    if language is not None and not LANGUAGE.match(language):
        reader.error(("language",), "language-invalid", value=language)
        language = None
    minutes = reader.integer("estimated_minutes", minimum=1)
    positions = _positions(reader)
    prerequisites = reader.text_list("prerequisites", required=False)
    quiz = _quiz_settings(reader)
    practical_required = reader.boolean(
        "practical_required", default=default_of(CourseSettings, "practical_required")
    )
    attitude_required = reader.boolean(
        "attitude_required", default=default_of(CourseSettings, "attitude_required")
    )
    certificate = _certificate_settings(reader)
    exam_requires = _exam_requirements(reader)
    values = (title, summary, category, language, minutes, positions, prerequisites, quiz)
    flags = (practical_required, attitude_required, certificate, exam_requires)
    if any(v is None for v in (*values, *flags)) or any(p.is_error for p in reader.problems):
        return None, reader.problems
    meta = CourseMeta(
        title=title,
        summary=summary,
        category=category,
        language=language,
        estimated_minutes=minutes,
        target_positions=positions,
        prerequisites=prerequisites,
        quiz=quiz,
        practical_required=practical_required,
        attitude_required=attitude_required,
        certificate=certificate,
        exam_requires=exam_requires,
    )
    return meta, reader.problems


def _positions(reader: FieldReader) -> tuple[str, ...] | None:
    positions = reader.text_list("target_positions", required=True)
    if positions is None:
        return None
    if not positions:
        reader.error(("target_positions",), "positions-empty")
        return None
    valid = True
    for index, position in enumerate(positions):
        if position not in POSITIONS:
            reader.error(
                ("target_positions", index),
                "position-unknown",
                value=position,
                allowed=", ".join(POSITIONS),
            )
            valid = False
    return positions if valid else None


def quiz_default(name: str) -> object:
    return default_of(QuizSettings, name)


def _quiz_settings(reader: FieldReader) -> QuizSettings | None:
    quiz = reader.mapping("quiz", required=True)
    if quiz is None:
        return None
    reader.warn_unknown_keys(quiz, QUIZ_FIELDS, "quiz")
    settings = {
        "questions_per_attempt": reader.integer("quiz", "questions_per_attempt", minimum=1),
        "time_limit_minutes": reader.integer(
            "quiz",
            "time_limit_minutes",
            minimum=0,
            required=False,
            default=quiz_default("time_limit_minutes"),
        ),
        "pass_mark": reader.integer("quiz", "pass_mark", minimum=1, maximum=100),
        "attempts_per_round": reader.integer(
            "quiz",
            "attempts_per_round",
            minimum=1,
            required=False,
            default=quiz_default("attempts_per_round"),
        ),
        "wait_minutes": reader.integer(
            "quiz", "wait_minutes", minimum=0, required=False, default=quiz_default("wait_minutes")
        ),
        "review": reader.choice(
            "quiz",
            "review",
            allowed=REVIEW_POLICIES,
            code="review-unknown",
            required=False,
            default=quiz_default("review"),
        ),
        "tag_quotas": _tag_quotas(reader),
        "score_counts": reader.choice(
            "quiz",
            "score_counts",
            allowed=SCORE_COUNTS,
            code="score-counts-unknown",
            required=False,
            default=quiz_default("score_counts"),
        ),
    }
    if any(value is None for value in settings.values()):
        return None
    return QuizSettings(**settings)


def _tag_quotas(reader: FieldReader) -> dict[str, int] | None:
    quotas = reader.mapping("quiz", "tag_quotas", required=False)
    if quotas is None:
        return None
    result: dict[str, int] = {}
    for tag in quotas:
        count = reader.integer("quiz", "tag_quotas", str(tag), minimum=0)
        if count is None:
            return None
        result[str(tag).strip()] = count
    return result


def _certificate_settings(reader: FieldReader) -> CertificateSettings | None:
    certificate = reader.mapping("certificate", required=False)
    if certificate is None:
        return None
    reader.warn_unknown_keys(certificate, CERTIFICATE_FIELDS, "certificate")
    months = reader.integer(
        "certificate",
        "validity_months",
        minimum=1,
        required=False,
        default=default_of(CertificateSettings, "validity_months"),
    )
    window = reader.integer(
        "certificate",
        "recertify_window_days",
        minimum=0,
        required=False,
        default=default_of(CertificateSettings, "recertify_window_days"),
    )
    if months is None or window is None:
        return None
    return CertificateSettings(validity_months=months, recertify_window_days=window)


def _exam_requirements(reader: FieldReader) -> ExamRequirements | None:
    requires = reader.mapping("exam_requires", required=False)
    if requires is None:
        return None
    reader.warn_unknown_keys(requires, EXAM_REQUIRES_FIELDS, "exam_requires")
    values = {
        name: reader.boolean("exam_requires", name, default=default_of(ExamRequirements, name))
        for name in EXAM_REQUIRES_FIELDS
    }
    if any(value is None for value in values.values()):
        return None
    return ExamRequirements(**values)
