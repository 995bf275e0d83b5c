"""course.md front matter: each mistake is reported at its line with what to write."""

from __future__ import annotations

import pytest


def test_missing_front_matter_points_at_line_one(course):
    course.write("course.md", "title: 门店售中服务\n\n正文")

    problem = course.problem("front-matter-missing")

    assert (problem.file, problem.line) == ("courses/store-service/course.md", 1)
    assert "第一行必须是 ---" in problem.message("zh")
    assert course.load()[0] is None


def test_unclosed_front_matter(course):
    course.write("course.md", "---\ntitle: 门店售中服务\n\n正文\n")

    assert course.problem("front-matter-unclosed").line == 1


def test_yaml_syntax_error_is_reported_at_its_line(course):
    course.edit("course.md", "category: sop", "category: [sop")

    problem = course.problem("front-matter-yaml")

    assert problem.line >= course.line_of("course.md", "category: [sop")
    assert problem.params["detail"]


def test_tab_indentation_is_a_yaml_error_with_advice(course):
    course.edit("course.md", "  pass_mark: 80", "\tpass_mark: 80")

    problem = course.problem("front-matter-yaml")

    assert problem.line == course.line_of("course.md", "\tpass_mark: 80")
    assert "Tab" in problem.message("zh")


def test_missing_title_says_what_line_to_add(course):
    course.edit("course.md", "title: 门店售中服务\n", "")

    problem = course.problem("field-missing")

    assert problem.params["field"] == "title"
    assert problem.message("zh").startswith("缺少 title 字段：请在文件开头的 --- 之间加一行")
    assert "title: " in problem.message("en")


def test_missing_quiz_setting_names_its_parent(course):
    course.edit("course.md", "  pass_mark: 80\n", "")

    problem = course.problem("subfield-missing")

    assert problem.params == {
        "field": "pass_mark",
        "parent": "quiz",
        "example": "pass_mark: 80",
    }
    assert problem.line == course.line_of("course.md", "quiz:")


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("estimated_minutes: 45", "estimated_minutes: 45分钟", "field-not-integer"),
        ("estimated_minutes: 45", "estimated_minutes: 0", "number-too-small"),
        ("pass_mark: 80", "pass_mark: 120", "number-too-large"),
        ("practical_required: true", "practical_required: 是的", "field-not-boolean"),
        ("prerequisites: [basics]", "prerequisites: basics", "field-not-list"),
        ("title: 门店售中服务", "title: 2024", "field-not-text"),
        ("category: sop", "category: selling", "category-unknown"),
        ("review: after_pass", "review: sometimes", "review-unknown"),
        ("language: zh-CN", "language: 中文", "language-invalid"),
        ("[sales-associate, store-supervisor]", "[sales-associate, cashier]", "position-unknown"),
        ("[sales-associate, store-supervisor]", "[]", "positions-empty"),
        ("validity_months: 24", "validity_months: two years", "field-not-integer"),
    ],
)
def test_wrong_setting_is_reported_at_its_line(course, old, new, code):
    course.edit("course.md", old, new)

    problem = course.problem(code)

    assert problem.file == "courses/store-service/course.md"
    assert problem.line == course.line_of("course.md", new)
    assert problem.severity == "error"
    assert course.load()[0] is None


def test_unknown_category_lists_the_allowed_ones(course):
    course.edit("course.md", "category: sop", "category: selling")

    message = course.problem("category-unknown").message("en")

    assert "selling" in message and "standards, etiquette" in message


def test_typo_in_a_setting_name_suggests_the_right_one(course):
    course.edit("course.md", "  wait_minutes: 30", "  wait_minute: 30")

    problem = course.problem("field-unknown")

    assert problem.severity == "warning"
    assert problem.line == course.line_of("course.md", "wait_minute: 30")
    assert "wait_minutes" in problem.message("zh")
    assert course.load()[0] is not None, "a warning alone does not unpublish the course"


def test_setting_written_twice_is_an_error(course):
    course.edit("course.md", "category: sop\n", "category: sop\ncategory: other\n")

    problem = course.problem("yaml-duplicate-key")

    assert problem.line == course.line_of("course.md", "category: other")


def test_every_mistake_is_reported_in_one_run(course):
    course.edit("course.md", "category: sop", "category: selling")
    course.edit("course.md", "pass_mark: 80", "pass_mark: 0")
    course.edit("course.md", "estimated_minutes: 45", "estimated_minutes: soon")

    _, problems = course.load()

    assert {"category-unknown", "number-too-small", "field-not-integer"} <= {
        problem.code for problem in problems
    }


def test_score_counts_defaults_to_the_best_attempt(course):
    loaded, _ = course.load()

    assert loaded.meta.quiz.score_counts == "best"


@pytest.mark.parametrize("rule", ["best", "last"])
def test_score_counts_can_be_set(course, rule):
    course.edit(
        "course.md", "  review: after_pass\n", f"  review: after_pass\n  score_counts: {rule}\n"
    )

    loaded, problems = course.load()

    assert loaded.meta.quiz.score_counts == rule
    assert [p for p in problems if p.code.startswith("score")] == []


@pytest.mark.parametrize("value", ["highest", "Best", "2"])
def test_unknown_score_counts_is_reported_at_its_line(course, value):
    course.edit(
        "course.md", "  review: after_pass\n", f"  review: after_pass\n  score_counts: {value}\n"
    )

    problem = course.problem("score-counts-unknown" if value != "2" else "field-not-text")

    assert problem.line == course.line_of("course.md", f"score_counts: {value}")
    assert course.load()[0] is None
    if value != "2":
        assert "best, last" in problem.message("en")
        assert "取最高一次" in problem.message("zh")


@pytest.mark.parametrize(
    "yaml_lines, bad_line",
    [
        (['title: "门店服务', "category: sop", "summary: 简介"], 2),  # quote never closed
        (["title: 门店服务", "category sop", "summary: 简介", "estimated_minutes: 5"], 3),
        (["title: 门店服务", "tags: [a, b", "summary: 简介", "other: x"], 3),  # bracket
        (["title: 门店服务", "  category: sop", "summary: 简介"], 3),
    ],
)
def test_yaml_errors_point_at_the_line_with_the_mistake(yaml_lines, bad_line):
    """Issue 21: the line reported was where PyYAML gave up, often the end of the block."""
    from trainer.content.sources import split_front_matter

    text = "\n".join(["---", *yaml_lines, "---", "正文"])
    _front, problems = split_front_matter(text, "courses/x/course.md")
    assert [(p.code, p.line) for p in problems] == [("front-matter-yaml", bad_line)]


def test_exam_requires_turns_each_requirement_off(course):
    course.edit(
        "course.md",
        "practical_required:",
        "exam_requires:\n  all_lessons_read: false\n  prerequisites_passed: false\n"
        "practical_required:",
    )
    loaded, problems = course.load()
    assert loaded is not None, problems
    requires = loaded.meta.exam_requires
    assert (requires.all_lessons_read, requires.prerequisites_passed) == (False, False)


def test_exam_requires_left_out_waits_for_both(course):
    loaded, _problems = course.load()
    requires = loaded.meta.exam_requires
    assert (requires.all_lessons_read, requires.prerequisites_passed) == (True, True)


def test_exam_requires_not_true_or_false_is_reported_at_its_line(course):
    course.edit(
        "course.md",
        "practical_required:",
        "exam_requires:\n  all_lessons_read: 是\npractical_required:",
    )
    problem = course.problem("field-not-boolean")
    assert problem.params["field"] == "exam_requires.all_lessons_read"
    assert problem.line == course.line_of("course.md", "  all_lessons_read: 是")
    assert course.load()[0] is None


def test_exam_requires_unknown_key_is_a_warning_with_a_suggestion(course):
    course.edit(
        "course.md",
        "practical_required:",
        "exam_requires:\n  all_lesson_read: false\npractical_required:",
    )
    problem = course.problem("field-unknown")
    assert problem.params == {
        "field": "exam_requires.all_lesson_read",
        "suggestion": "all_lessons_read",
    }
    assert not problem.is_error
