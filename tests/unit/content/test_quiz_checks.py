"""quiz.md: each malformed question is reported at the offending line with its own code."""

from __future__ import annotations

import pytest

from tests.unit.content.conftest import beyond_bank_warnings

QUIZ = "quiz.md"


def test_missing_quiz(course):
    course.path(QUIZ).unlink()

    problem = course.problem("quiz-missing")

    assert (problem.file, problem.line) == ("courses/store-service/quiz.md", 0)


def test_quiz_without_any_question(course):
    course.write(QUIZ, "# 题库\n\n还没写。\n")

    _, problems = course.load()

    assert "quiz-empty" in {problem.code for problem in problems}


def test_duplicate_question_id_names_the_first_line(course):
    course.edit(QUIZ, "## welcome-phrases", "## greet-within-3-seconds")

    problem = course.problem("question-id-duplicate")

    assert problem.line == course.line_of(QUIZ, "type: multiple") - 1
    assert problem.params["first_line"] == course.line_of(QUIZ, "## greet-within-3-seconds")


def test_question_id_with_chinese_or_spaces_is_refused(course):
    course.edit(QUIZ, "## welcome-phrases", "## 迎宾 用语")

    problem = course.problem("question-id-invalid")

    assert problem.line == course.line_of(QUIZ, "## 迎宾 用语")


def test_unknown_question_type_suggests_the_closest(course):
    course.edit(QUIZ, "type: truefalse", "type: true-false")

    problem = course.problem("question-type-unknown")

    assert problem.line == course.line_of(QUIZ, "type: true-false")
    assert "type: truefalse" in problem.message("zh")


def test_question_without_type(course):
    course.edit(QUIZ, "type: ordering\n", "")

    problem = course.problem("question-type-missing")

    assert problem.line == course.line_of(QUIZ, "## seven-steps-order")


# (description, old text, new text, code, text on the line the problem must point at)
MALFORMED = [
    (
        "single with no [x]",
        "- [x] 3 秒以内",
        "- [ ] 3 秒以内",
        "single-correct-count",
        "- [ ] 10 秒以内",
    ),
    (
        "single with two [x]",
        "- [ ] 等顾客先开口",
        "- [x] 等顾客先开口",
        "single-correct-count",
        "- [x] 等顾客先开口",
    ),
    (
        "weighted not summing to 100",
        "- [50%] 帮顾客确认尺码",
        "- [40%] 帮顾客确认尺码",
        "weighted-sum",
        "- [40%] 帮顾客确认尺码",
    ),
    (
        "weighted with a checkbox",
        "- [0%] 提醒顾客",
        "- [ ] 提醒顾客",
        "weighted-option-checkbox",
        "- [ ] 提醒顾客",
    ),
    (
        "percentages without scoring",
        "scoring: weighted\n",
        "",
        "weights-need-weighted-scoring",
        "- [50%] 帮顾客确认尺码",
    ),
    (
        "unknown scoring",
        "scoring: weighted",
        "scoring: partial",
        "scoring-unknown",
        "scoring: partial",
    ),
    (
        "truefalse without answer",
        "answer: false\n",
        "",
        "truefalse-answer",
        "## alteration-promise",
    ),
    (
        "truefalse with a word answer",
        "answer: false",
        "answer: maybe",
        "truefalse-answer",
        "answer: maybe",
    ),
    ("fill without blank", "应在 ____ 秒内", "应在几秒内", "fill-no-blank", "## greeting-time"),
    (
        "fill with two blanks",
        "应在 ____ 秒内",
        "应在 ____ 秒内 ____",
        "fill-several-blanks",
        "## greeting-time",
    ),
    ("fill without answers", "- = 3\n- = 三\n", "", "fill-no-answers", "## greeting-time"),
    (
        "ordering numbers not 1..n",
        "- [3] 邀请试穿",
        "- [4] 邀请试穿",
        "ordering-numbers",
        "- [1] 主动迎宾",
    ),
    (
        "ordering with a repeated number",
        "- [3] 邀请试穿",
        "- [2] 邀请试穿",
        "ordering-numbers",
        "- [1] 主动迎宾",
    ),
    (
        "matching with two pairs",
        "- 顾客等候 => 让您久等了\n",
        "",
        "matching-too-few",
        "## phrase-matching",
    ),
    (
        "matching with a repeated left side",
        "- 顾客等候 =>",
        "- 顾客进店 =>",
        "matching-duplicate-left",
        "- 顾客进店 => 让您久等了",
    ),
    (
        "numerical without answer",
        "answer: 15\ntolerance: 5\n",
        "",
        "numerical-no-answer",
        "## alteration-minutes",
    ),
    (
        "numerical with a unit",
        "answer: 15",
        "answer: 15分钟",
        "numerical-not-number",
        "answer: 15分钟",
    ),
    ("numerical with only min", "max: 4\n", "", "numerical-range-incomplete", "min: 2"),
    ("numerical with min above max", "min: 2", "min: 5", "numerical-range", "min: 5"),
    (
        "numerical with answer and range",
        "min: 2\n",
        "answer: 3\nmin: 2\n",
        "numerical-both",
        "answer: 3",
    ),
    (
        "scenario without asks",
        "asks: multiple\n",
        "",
        "scenario-no-asks",
        "## complaint-case-aisle",
    ),
    (
        "scenario asking a scenario",
        "asks: multiple",
        "asks: scenario",
        "scenario-asks-invalid",
        "asks: scenario",
    ),
    (
        "scenario without ---",
        "\n---\n\n这时你应该怎么做",
        "\n这时你应该怎么做",
        "scenario-no-separator",
        "## complaint-case-aisle",
    ),
    ("points not a whole number", "points: 2", "points: 两分", "question-points", "points: 两分"),
    (
        "unknown difficulty",
        "difficulty: medium",
        "difficulty: 中等",
        "question-difficulty",
        "difficulty: 中等",
    ),
    (
        "question without text",
        "请把下列步骤按正确顺序排列。\n",
        "",
        "question-no-text",
        "## seven-steps-order",
    ),
    (
        "single with one option",
        "- [ ] 10 秒以内\n  > 太慢了，顾客已经开始觉得被冷落。\n"
        "- [x] 3 秒以内\n- [ ] 等顾客先开口\n",
        "- [x] 3 秒以内\n",
        "options-too-few",
        "## greet-within-3-seconds",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "code", "line_text"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_question_is_reported_at_the_offending_line(course, old, new, code, line_text):
    course.edit(QUIZ, old, new)

    _, problems = course.load()
    found = [problem for problem in problems if problem.code == code]

    assert len(found) == 1, [(p.line, p.code) for p in problems]
    assert found[0].file == "courses/store-service/quiz.md"
    assert found[0].line == course.line_of(QUIZ, line_text)
    assert course.load()[0] is None


def test_multiple_without_right_answer_points_at_first_option(course):
    course.edit(QUIZ, "- [x] 您好，欢迎光临", "- [ ] 您好，欢迎光临")
    course.edit(QUIZ, "- [x] 您好，有什么可以帮您", "- [ ] 您好，有什么可以帮您")

    problem = course.problem("multiple-no-correct")

    assert problem.line == course.line_of(QUIZ, "- [ ] 您好，欢迎光临")


def test_single_with_two_answers_suggests_multiple(course):
    course.edit(QUIZ, "- [ ] 等顾客先开口", "- [x] 等顾客先开口")

    message = course.problem("single-correct-count").message("zh")

    assert "正好有一个 [x]" in message and "type: multiple" in message


def test_stray_line_after_answers_is_a_warning_not_an_error(course):
    course.edit(QUIZ, "- [ ] 等顾客先开口\n", "- [ ] 等顾客先开口\n说明：这是个难题\n")

    problem = course.problem("answer-line-unrecognised")
    loaded, _ = course.load()

    assert problem.severity == "warning"
    assert problem.line == course.line_of(QUIZ, "说明：这是个难题")
    assert loaded is not None


def test_unknown_question_setting_is_a_warning(course):
    course.edit(QUIZ, "type: ordering", "type: ordering\nshuffle: true")

    problem = course.problem("question-key-unknown")

    assert problem.severity == "warning"
    assert problem.line == course.line_of(QUIZ, "shuffle: true")


def test_more_questions_per_attempt_than_the_bank_holds(course):
    course.edit("course.md", "questions_per_attempt: 6", "questions_per_attempt: 11")

    problem = course.problem("questions-per-attempt-too-many")

    assert problem.file == "courses/store-service/course.md"
    assert problem.line == course.line_of("course.md", "questions_per_attempt: 11")
    assert problem.params == {"wanted": 11, "available": 10}


def test_tag_quota_larger_than_the_tagged_questions(course):
    course.edit("course.md", "tag_quotas: {迎宾: 1}", "tag_quotas:\n    投诉: 1\n    迎宾: 4")

    problem = course.problem("tag-quota-too-many")

    assert problem.line == course.line_of("course.md", "迎宾: 4")
    assert problem.params == {"tag": "迎宾", "wanted": 4, "available": 3}


def test_tag_quotas_adding_up_to_more_than_an_attempt(course):
    course.edit("course.md", "tag_quotas: {迎宾: 1}", "tag_quotas: {迎宾: 3, 试衣: 4}")

    problem = course.problem("tag-quota-sum")

    assert problem.params == {"total": 7, "wanted": 6}


def test_explanation_marker_in_english_is_accepted(course):
    course.edit(QUIZ, "解析：七步曲第一步", "Explanation: 七步曲第一步")

    loaded, problems = course.load()

    assert beyond_bank_warnings(problems) == []
    assert loaded.question("greet-within-3-seconds").explanation.startswith("七步曲第一步")


def test_headings_inside_code_samples_are_not_questions(course):
    course.edit(
        QUIZ,
        "看到顾客后，应在 ____ 秒内主动问候。",
        "看到顾客后，应在 ____ 秒内主动问候。\n\n```\n## not-a-question\n- [x] nope\n```",
    )

    loaded, problems = course.load()

    assert beyond_bank_warnings(problems) == []
    assert len(loaded.questions) == 10
