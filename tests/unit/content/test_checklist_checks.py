"""practical.md / attitude.md: missing files, items without 应该, bad scales and marks."""

from __future__ import annotations

import pytest

from tests.unit.content.conftest import beyond_bank_warnings

PRACTICAL = "practical.md"


@pytest.mark.parametrize("kind", ["practical", "attitude"])
def test_required_checklist_missing_points_at_the_setting(course, kind):
    course.path(f"{kind}.md").unlink()

    problem = course.problem(f"{kind}-missing")

    assert problem.file == "courses/store-service/course.md"
    assert problem.line == course.line_of("course.md", f"{kind}_required: true")
    assert f"{kind}_required: false" in problem.message("zh")


def test_checklist_present_but_not_required_is_a_warning(course):
    course.edit("course.md", "attitude_required: true", "attitude_required: false")

    problem = course.problem("checklist-not-required")
    loaded, _ = course.load()

    assert problem.severity == "warning"
    assert problem.file == "courses/store-service/attitude.md"
    assert loaded.attitude is None


def test_item_without_should_line(course):
    course.edit(PRACTICAL, "- 应该：使用“您好”“请”“谢谢”。\n", "")

    problem = course.problem("checklist-no-should")

    assert problem.line == course.line_of(PRACTICAL, "### polite-language")
    assert problem.params == {"id": "polite-language"}
    assert "- 应该：" in problem.message("zh")


@pytest.mark.parametrize(
    "scale",
    [
        "scale: 1=做到; 2=完全做到",  # no 0
        "scale: 0=未做到",  # one level only
        "scale: 0=未做到; 0=做到",  # repeated score
        "scale: 未做到, 做到",  # no scores
        "scale: 0=未做到; two=做到",
    ],
)
def test_bad_scale(course, scale):
    course.edit(PRACTICAL, "scale: 0=未做到; 1=做到", scale)

    problem = course.problem("checklist-scale")

    assert problem.line == course.line_exactly(PRACTICAL, scale)


def test_full_width_semicolons_in_scale_are_fine(course):
    course.edit(PRACTICAL, "scale: 0=未做到; 1=做到", "scale: 0=未做到；1=做到")

    loaded, problems = course.load()

    assert beyond_bank_warnings(problems) == []
    assert loaded.practical.steps[1].items[0].scale == ((0, "未做到"), (1, "做到"))


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("pass_mark: 80", "pass_mark: 180", "number-too-large"),
        ("pass_mark: 80", "pass_mark: 八十", "field-not-integer"),
        ("pass_mark: 80\n", "", "field-missing"),
    ],
)
def test_bad_checklist_pass_mark(course, old, new, code):
    course.edit(PRACTICAL, old, new)

    problem = course.problem(code)

    assert problem.file == "courses/store-service/practical.md"
    assert problem.line == (course.line_of(PRACTICAL, new) if new else 1)


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("weight: 2", "weight: 0", "checklist-weight"),
        ("weight: 2", "weight: heavy", "checklist-weight"),
        ("critical: true", "critical: 必须", "checklist-critical"),
        ("### polite-language 使用礼貌用语", "### 使用礼貌用语", "checklist-item-id-invalid"),
        ("### polite-language 使用礼貌用语", "### polite-language", "checklist-item-no-title"),
        ("### polite-language", "### greet-within-3s", "checklist-item-id-duplicate"),
    ],
)
def test_bad_item_line(course, old, new, code):
    course.edit(PRACTICAL, old, new)

    problem = course.problem(code)

    if code == "checklist-item-id-duplicate":
        assert problem.line == course.line_of(PRACTICAL, "使用礼貌用语")
        assert problem.params["first_line"] == course.line_of(PRACTICAL, "三秒内主动问候")
    else:
        assert problem.line == course.line_exactly(PRACTICAL, new)


def test_item_before_any_step(course):
    course.edit(PRACTICAL, "## 第一步\u3000主动迎宾\n", "")

    problem = course.problem("checklist-item-outside-step")

    assert problem.line == course.line_of(PRACTICAL, "### greet-within-3s")


def test_checklist_without_items(course):
    course.write(PRACTICAL, "---\ntitle: 现场考核\npass_mark: 80\n---\n\n只有说明。\n")

    assert course.problem("checklist-no-items").file == "courses/store-service/practical.md"


def test_full_width_space_between_item_id_and_title(course):
    course.edit(
        PRACTICAL, "### polite-language 使用礼貌用语", "### polite-language\u3000使用礼貌用语"
    )

    loaded, problems = course.load()

    assert beyond_bank_warnings(problems) == []
    assert loaded.practical.steps[0].items[1].title == "使用礼貌用语"
