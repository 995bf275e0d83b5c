"""Markdown courses: load and validate course folders, grade answers, render lessons.

No Flask here: the web app, the CLI and the tests all use the same plain functions.
"""

from trainer.content.links import media_url_for, resolve_course_link
from trainer.content.loader import Catalogue, course_version, load_catalogue, load_course
from trainer.content.messages import format_problem
from trainer.content.model import (
    CATEGORIES,
    POSITIONS,
    REVIEW_POLICIES,
    CertificateSettings,
    Checklist,
    ChecklistItem,
    ChecklistStep,
    Course,
    CourseMeta,
    ExamRequirements,
    Lesson,
    Problem,
    QuizSettings,
)
from trainer.content.question_model import Question
from trainer.content.question_types import QUESTION_TYPES, grade_response
from trainer.content.render import Rendered, render_markdown
from trainer.content.settings import CourseSettings, StoredSettingsError, settings_of

__all__ = [
    "CATEGORIES",
    "POSITIONS",
    "QUESTION_TYPES",
    "REVIEW_POLICIES",
    "Catalogue",
    "CertificateSettings",
    "ExamRequirements",
    "Checklist",
    "ChecklistItem",
    "ChecklistStep",
    "Course",
    "CourseMeta",
    "CourseSettings",
    "Lesson",
    "Problem",
    "Question",
    "QuizSettings",
    "Rendered",
    "StoredSettingsError",
    "course_version",
    "format_problem",
    "grade_response",
    "load_catalogue",
    "load_course",
    "media_url_for",
    "render_markdown",
    "resolve_course_link",
    "settings_of",
]
