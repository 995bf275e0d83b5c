"""A course version's settings, typed: the one way the app reads them.

Syncing a course stores its course.md front matter as JSON on the course version
(`CourseVersion.settings`, written by `dataclasses.asdict(CourseMeta)`). Everything that
needs a setting reads it through `settings_of(version)` (or `CourseSettings.from_stored`
for a settings column selected on its own), never by indexing that dict, so each setting
has one type and one default. The defaults are the field defaults of the dataclasses below
and of QuizSettings, CertificateSettings and ExamRequirements (trainer/content/model.py);
the course.md checker (meta.py) applies the same ones, and docs/authoring.md lists them.

A version stored before a setting existed lacks its key and reads that setting's default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Protocol

from trainer.content.model import CertificateSettings, CourseMeta, ExamRequirements, QuizSettings


@dataclass(frozen=True)
class CourseSettings:
    quiz: QuizSettings
    certificate: CertificateSettings = field(default_factory=CertificateSettings)
    practical_required: bool = False
    attitude_required: bool = False
    prerequisites: tuple[str, ...] = ()  # course slugs
    target_positions: tuple[str, ...] = ()  # required in course.md
    language: str = "zh-CN"
    exam_requires: ExamRequirements = field(default_factory=ExamRequirements)

    @classmethod
    def from_meta(cls, meta: CourseMeta) -> CourseSettings:
        return cls(
            quiz=meta.quiz,
            certificate=meta.certificate,
            practical_required=meta.practical_required,
            attitude_required=meta.attitude_required,
            prerequisites=meta.prerequisites,
            target_positions=meta.target_positions,
            language=meta.language,
            exam_requires=meta.exam_requires,
        )

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any] | None) -> CourseSettings:
        """The settings as stored on a course version; a missing key reads its default.

        Raises StoredSettingsError when a setting course.md always required is missing
        (no version synced by this app lacks one).
        """
        stored = stored or {}
        quiz = _from_mapping(QuizSettings, stored.get("quiz"), "quiz")
        certificate = _from_mapping(CertificateSettings, stored.get("certificate"), "certificate")
        exam_requires = _from_mapping(
            ExamRequirements, stored.get("exam_requires"), "exam_requires"
        )
        values = _known(cls, stored, exclude={"quiz", "certificate", "exam_requires"})
        for name in ("prerequisites", "target_positions"):
            if name in values:
                values[name] = tuple(values[name] or ())
        return cls(quiz=quiz, certificate=certificate, exam_requires=exam_requires, **values)


class StoredSettingsError(ValueError):
    """A course version's stored settings lack a setting that has no default."""


class _HasSettings(Protocol):
    settings: Mapping[str, Any] | None


def settings_of(version: _HasSettings) -> CourseSettings:
    """The typed settings of a course version (anything with a stored `settings` dict)."""
    return CourseSettings.from_stored(version.settings)


def default_of(settings_class: type, name: str) -> Any:
    """The one default of a setting, e.g. default_of(QuizSettings, "attempts_per_round")."""
    for item in fields(settings_class):
        if item.name == name:
            if item.default is not MISSING:
                return item.default
            if item.default_factory is not MISSING:
                return item.default_factory()
            raise LookupError(f"{settings_class.__name__}.{name} has no default")
    raise LookupError(f"{settings_class.__name__} has no setting {name}")


def _known(settings_class: type, stored: Mapping[str, Any], exclude=frozenset()) -> dict:
    names = {item.name for item in fields(settings_class)} - set(exclude)
    # A stored null is what an old version wrote for "not set": it reads the default too.
    return {name: stored[name] for name in names if stored.get(name) is not None}


def _from_mapping(settings_class: type, stored: object, key: str):
    values = _known(settings_class, stored if isinstance(stored, Mapping) else {})
    if settings_class is QuizSettings and "tag_quotas" in values:
        values["tag_quotas"] = {str(tag): int(n) for tag, n in values["tag_quotas"].items()}
    try:
        return settings_class(**values)
    except TypeError as error:  # a setting without a default is missing
        raise StoredSettingsError(f"stored course settings: {key}: {error}") from error
