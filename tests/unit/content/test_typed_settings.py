"""A course version's settings are read through one typed object with one default each."""

import dataclasses
import re
from pathlib import Path

import pytest

from trainer.content import CourseSettings, StoredSettingsError, settings_of
from trainer.content.model import CertificateSettings, ExamRequirements, QuizSettings
from trainer.content.settings import default_of

ROOT = Path(__file__).resolve().parents[3]
# As written in docs/authoring.md ("Required fields and defaults").
DOCUMENTED = {
    "language": "zh-CN",
    "prerequisites": (),
    "quiz.time_limit_minutes": 0,
    "quiz.attempts_per_round": 3,
    "quiz.wait_minutes": 0,
    "quiz.review": "after_pass",
    "quiz.tag_quotas": {},
    "quiz.score_counts": "best",
    "practical_required": False,
    "attitude_required": False,
    "certificate.validity_months": 24,
    "certificate.recertify_window_days": 60,
    "exam_requires.all_lessons_read": True,
    "exam_requires.prerequisites_passed": True,
}


def _value(settings: CourseSettings, dotted: str) -> object:
    value: object = settings
    for name in dotted.split("."):
        value = getattr(value, name)
    return value


def test_a_course_md_without_optional_fields_gets_the_documented_defaults(new_course):
    course = new_course("minimal")  # basics: only the required quiz fields, no certificate
    loaded, problems = course.load()
    assert loaded is not None, problems
    parsed = CourseSettings.from_meta(loaded.meta)
    stored = CourseSettings.from_stored(dataclasses.asdict(loaded.meta))
    for dotted, expected in DOCUMENTED.items():
        assert _value(parsed, dotted) == expected, dotted
        assert _value(stored, dotted) == expected, dotted
    assert stored == parsed
    assert (stored.quiz.questions_per_attempt, stored.quiz.pass_mark) == (2, 60)


def test_an_old_stored_version_missing_keys_reads_the_defaults():
    # Stored before score_counts, certificates and attitude evaluations existed.
    old = {
        "title": "旧课程",
        "quiz": {
            "questions_per_attempt": 5,
            "time_limit_minutes": 10,
            "pass_mark": 80,
            "attempts_per_round": 2,
            "wait_minutes": 30,
            "review": "always",
        },
        "practical_required": True,
        "target_positions": ["front-desk"],
    }
    settings = CourseSettings.from_stored(old)
    assert settings.quiz == QuizSettings(
        questions_per_attempt=5,
        pass_mark=80,
        time_limit_minutes=10,
        attempts_per_round=2,
        wait_minutes=30,
        review="always",
        tag_quotas={},
        score_counts="best",
    )
    assert settings.certificate == CertificateSettings(validity_months=24, recertify_window_days=60)
    assert (settings.practical_required, settings.attitude_required) == (True, False)
    assert settings.target_positions == ("front-desk",)
    assert settings.prerequisites == ()
    # Stored before the exam waited for the reading: it waits now, as every course does.
    assert settings.exam_requires == ExamRequirements(
        all_lessons_read=True, prerequisites_passed=True
    )


def test_stored_nulls_and_json_lists_read_as_typed_values():
    stored = {
        "quiz": {"questions_per_attempt": 3, "pass_mark": 70, "tag_quotas": {"问候": 2}},
        "certificate": {"validity_months": 12, "recertify_window_days": None},
        "prerequisites": ["onboarding"],
        "attitude_required": None,
        "exam_requires": {"all_lessons_read": False, "prerequisites_passed": None},
    }

    class Version:
        settings = stored

    settings = settings_of(Version())
    assert settings.certificate.recertify_window_days == 60
    assert settings.certificate.validity_months == 12
    assert settings.prerequisites == ("onboarding",)
    assert settings.attitude_required is False
    assert settings.quiz.tag_quotas == {"问候": 2}
    assert settings.exam_requires == ExamRequirements(
        all_lessons_read=False, prerequisites_passed=True
    )


def test_a_stored_version_without_a_required_setting_is_refused_clearly():
    with pytest.raises(StoredSettingsError, match="quiz"):
        CourseSettings.from_stored({"quiz": {"questions_per_attempt": 3}})


def test_the_defaults_table_in_the_authoring_guide_matches_the_code():
    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (`[^|]+`) \| optional \| ([^|]+) \|$", text, flags=re.MULTILINE)
    documented = {}
    for names, values in rows:
        names = re.findall(r"`([^`]+)`", names)
        values = re.findall(r"`([^`]*)`", values)
        prefix = names[0].rpartition(".")[0]
        if len(values) == 1:  # `false` for both
            values = values * len(names)
        for name, value in zip(names, values, strict=True):
            dotted = name if "." in name or not prefix else f"{prefix}.{name}"
            documented[dotted] = value
    classes = {
        "quiz": QuizSettings,
        "certificate": CertificateSettings,
        "exam_requires": ExamRequirements,
    }
    in_code = {}
    for dotted in documented:
        owner, _, name = dotted.rpartition(".")
        default = default_of(classes.get(owner, CourseSettings), name)
        in_code[dotted] = str(default).lower() if isinstance(default, bool) else default
    as_written = {
        dotted: {"[]": (), "{}": {}}.get(value, int(value) if value.isdigit() else value)
        for dotted, value in documented.items()
    }
    assert set(documented) == set(DOCUMENTED)
    assert in_code == as_written


def test_no_reader_indexes_the_stored_settings_dict():
    """Every reader goes through the typed object (settings_of / CourseSettings)."""
    pattern = re.compile(r"settings(\[|\.get\()|settings or \{\}")
    offending = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("trainer", "templates")
        for path in (ROOT / folder).rglob("*.[ph][yt]*")
        if path.suffix in (".py", ".html") and path.name != "settings.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
        if pattern.search(line)
    ]
    assert offending == []
