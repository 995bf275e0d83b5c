"""Partial credit and per-answer feedback in quiz.md: every written form, the checker's
refusals at their line, grading at the boundaries, and the round trips through quiz.md and
GIFT."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.content import format_problem, grade_response
from trainer.content.gift import export_gift, import_gift
from trainer.content.gift.quiz_md import content, question_markdown
from trainer.content.quiz import parse_quiz


def parse(body: str, head: str = "type: single"):
    """One question `q` with settings `head` and `body` (text and answer lines)."""
    questions, problems = parse_quiz(f"## q\n{head}\n\n{body}\n", "quiz.md")
    return (questions[0] if questions else None), problems


def parsed(body: str, head: str = "type: single"):
    question, problems = parse(body, head)
    assert problems == [], [format_problem(p) for p in problems]
    return question


def errors(body: str, head: str = "type: single") -> list[tuple[int, str]]:
    question, problems = parse(body, head)
    assert question is None
    return [(problem.line, problem.code) for problem in problems if problem.is_error]


# --- single choice -----------------------------------------------------------------------

SINGLE = "多久问候？\n\n- [x] 3 秒\n{partial}\n- [ ] 10 秒\n  > 太慢了。"


@pytest.mark.parametrize(
    "partial",
    ["- [50%] 5 秒", "- ［50％］ 5 秒", "- 【50%】5 秒", "- [ 50 % ] 5 秒", "- [50%]5 秒"],
)
def test_single_option_with_a_percentage_in_half_or_full_width(partial):
    question = parsed(SINGLE.format(partial=partial))

    assert [(o.text, o.correct, o.credit) for o in question.options] == [
        ("3 秒", True, 100.0),
        ("5 秒", False, 50.0),
        ("10 秒", False, 0.0),
    ]
    assert question.options[2].feedback == "太慢了。"


def test_full_width_marks_and_feedback_signs_typed_by_a_chinese_input_method():
    question = parsed("Q\n\n- ［ｘ］ a\n  ＞ 对。\n- 【 】 b\n  》 不对。")

    assert [(o.text, o.correct, o.feedback) for o in question.options] == [
        ("a", True, "对。"),
        ("b", False, "不对。"),
    ]


def test_single_hundred_percent_is_the_right_option_and_zero_percent_a_wrong_one():
    written = parsed("Q\n\n- [100%] a\n- [0%] b\n- [50%] c")
    plain = parsed("Q\n\n- [x] a\n- [ ] b\n- [50%] c")

    assert content(written) == content(plain)


@pytest.mark.parametrize(
    ("response", "fraction"),
    [("o1", 1.0), ("o2", 0.5), ("o3", 0.0), ("o9", 0.0), (["o2"], 0.0), (None, 0.0)],
)
def test_single_grades_the_chosen_options_share(response, fraction):
    question = parsed(SINGLE.format(partial="- [50%] 5 秒"))

    assert grade_response(question, response) == fraction


@pytest.mark.parametrize("percent", ["0", "0.5", "99.9"])
def test_single_credit_at_the_edges_of_the_range_is_accepted(percent):
    question, problems = parse(f"Q\n\n- [x] a\n- [{percent}%] b")

    assert (question is not None, problems) == (True, [])


@pytest.mark.parametrize("percent", ["100.5", "150", "-1", "-50"])
def test_single_credit_outside_0_to_100_is_refused_at_its_line(percent):
    assert errors(f"Q\n\n- [x] a\n- [{percent}%] b") == [(7, "credit-out-of-range")]


def test_single_still_needs_exactly_one_full_mark_option():
    assert errors("Q\n\n- [50%] a\n- [50%] b") == [(6, "single-correct-count")]
    assert errors("Q\n\n- [100%] a\n- [x] b") == [(7, "single-correct-count")]


def test_credit_error_message_names_the_file_line_and_the_fix():
    _, problems = parse("Q\n\n- [x] a\n- [150%] b")

    assert format_problem(problems[0]) == (
        "quiz.md:7: 部分得分 150% 不正确：要写 0 到 100 之间的百分比，例如（50%）；"
        "答错不扣分，不能写负数"
    )
    assert format_problem(problems[0], "en").startswith(
        "quiz.md:7: The partial credit 150% is not valid"
    )


# --- fill-in -----------------------------------------------------------------------------

FILL = "看到顾客后，应在 ____ 秒内问候。\n\n- = 3\n- = 三\n{partial}\n  > 5 秒有点慢。"


@pytest.mark.parametrize(
    "partial",
    [
        "- = 5（50%）",
        "- = 5 (50%)",
        "- = 5 [50%]",
        "- = 5［50％］",
        "- = 5【50%】",
        "- ＝ 5 （50%）",
    ],
)
def test_fill_answer_with_a_percentage_suffix_in_half_or_full_width(partial):
    question = parsed(FILL.format(partial=partial), "type: fill")

    assert [(a.text, a.credit, a.feedback) for a in question.answers] == [
        ("3", 100.0, ""),
        ("三", 100.0, ""),
        ("5", 50.0, "5 秒有点慢。"),
    ]
    assert question.accepted == ("3", "三")


@pytest.mark.parametrize(
    ("typed", "fraction"),
    [("3", 1.0), ("三", 1.0), ("５", 0.5), (" 5 ", 0.5), ("4", 0.0), ("", 0.0), (5, 0.0)],
)
def test_fill_grades_the_matching_answers_share(typed, fraction):
    question = parsed(FILL.format(partial="- = 5（50%）"), "type: fill")

    assert grade_response(question, typed) == fraction


def test_fill_answer_written_twice_counts_its_best_share():
    question = parsed("Q ____\n\n- = abc（20%）\n- = ABC", "type: fill")

    assert grade_response(question, "abc") == 1.0


def test_fill_text_that_only_looks_like_a_percentage_is_an_answer():
    question = parsed("Q ____\n\n- = 打（五折）\n- = (50%)", "type: fill")

    assert [(a.text, a.credit) for a in question.answers] == [
        ("打（五折）", 100.0),
        ("(50%)", 100.0),
    ]


def test_fill_credit_outside_0_to_100_and_no_full_answer_are_refused():
    assert errors("Q ____\n\n- = a\n- = b（120%）", "type: fill") == [(7, "credit-out-of-range")]
    assert errors("Q ____\n\n- = a（50%）\n- = b（0%）", "type: fill") == [
        (6, "fill-no-full-answer")
    ]


# --- numerical ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("- = 15", (15.0, 0.0, None, None)),
        ("- = 15 ± 1", (15.0, 1.0, None, None)),
        ("- = 15+-1", (15.0, 1.0, None, None)),
        ("- = 15 +/- 1.5", (15.0, 1.5, None, None)),
        ("- = 10..20", (None, 0.0, 10.0, 20.0)),
        ("- = 10 ~ 20", (None, 0.0, 10.0, 20.0)),
        ("- = 10～20", (None, 0.0, 10.0, 20.0)),
        ("- = 10 到 20", (None, 0.0, 10.0, 20.0)),
        ("- = -20..-10", (None, 0.0, -20.0, -10.0)),
        ("- = １５", (15.0, 0.0, None, None)),
    ],
)
def test_numerical_answer_line_forms(line, fields):
    answer = parsed(f"Q\n\n{line}", "type: numerical").answers[0]

    assert (answer.answer, answer.tolerance, answer.minimum, answer.maximum) == fields
    assert answer.credit == 100.0


NUMERICAL = (
    "改裤长要多少分钟？\n\n- = 15\n  > 对。\n- = 20 ± 5（50%）\n  > 太保守了。\n"
    "- = *\n  > 看第三课。"
)


@pytest.mark.parametrize(
    ("typed", "fraction", "feedback"),
    [
        ("15", 1.0, "对。"),
        ("15.0", 1.0, "对。"),
        ("15.5", 0.5, "太保守了。"),  # in 15..25 but not exactly 15
        ("25", 0.5, "太保守了。"),
        ("14.99", 0.0, "看第三课。"),
        ("25.01", 0.0, "看第三课。"),
        ("很多", 0.0, ""),
    ],
)
def test_numerical_grades_the_best_matching_answer_and_shows_its_feedback(
    typed, fraction, feedback
):
    question = parsed(NUMERICAL, "type: numerical")

    assert grade_response(question, typed) == fraction
    assert question.feedback_for(typed) == feedback


def test_numerical_settings_answer_comes_first_and_lines_add_to_it():
    question = parsed("Q\n\n- = 10..30（25%）", "type: numerical\nanswer: 20\ntolerance: 2")

    assert [(a.answer, a.minimum, a.credit) for a in question.answers] == [
        (20.0, None, 100.0),
        (None, 10.0, 25.0),
    ]
    assert grade_response(question, "29") == 0.25


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Q\n\n- = 十五", [(6, "numerical-answer-line")]),
        ("Q\n\n- = 15\n- = 16（101%）", [(7, "credit-out-of-range")]),
        ("Q\n\n- = 15（50%）", [(6, "numerical-no-full-answer")]),
        ("Q\n\n- = 15\n- = *（10%）", [(7, "numerical-other-credit")]),
        ("Q\n\n- = 15\n- = *\n- = *", [(8, "numerical-other-twice")]),
        ("Q\n\n- = 20..10", [(6, "numerical-range")]),
        ("Q\n\n- = 15 ± -1", [(6, "numerical-range")]),
        ("Q\n\n- = *", [(1, "numerical-no-answer")]),
    ],
)
def test_numerical_answer_line_mistakes_are_refused_at_their_line(body, expected):
    assert errors(body, "type: numerical") == expected


# --- true/false --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("true_word", "false_word"), [("对", "错"), ("true", "False"), ("正确", "错误")]
)
def test_true_false_feedback_under_each_choice(true_word, false_word):
    question = parsed(
        f"可以承诺马上改好。\n\n- {true_word}\n  > 不能。\n- {false_word}\n  > 对。",
        "type: truefalse\nanswer: false",
    )

    assert (question.feedback_true, question.feedback_false) == ("不能。", "对。")
    assert question.feedback_for(True) == "不能。"
    assert question.feedback_for(False) == "对。"
    assert question.feedback_for("junk") == ""
    assert grade_response(question, False) == 1.0 and grade_response(question, True) == 0.0


def test_true_false_choice_written_twice_is_refused():
    assert errors("Q\n\n- 对\n  > a\n- true\n  > b", "type: truefalse\nanswer: true") == [
        (9, "truefalse-choice-twice")
    ]


def test_true_false_option_lines_are_still_warned_about():
    question, problems = parse("Q\n\n- [x] 对", "type: truefalse\nanswer: true")

    assert question is not None
    assert [p.code for p in problems] == ["options-not-used"]


# --- ordering and matching --------------------------------------------------------------


def test_ordering_feedback_is_shown_for_the_steps_placed_wrongly():
    question = parsed(
        "排序\n\n- [1] 迎宾\n- [2] 了解需求\n  > 先问需要。\n- [3] 推荐\n  > 最后推荐。",
        "type: ordering",
    )
    first, second, third = question.correct_order

    assert [item.feedback for item in question.items] == ["", "先问需要。", "最后推荐。"]
    assert question.misplaced([first, second, third]) == []
    assert [i.text for i in question.misplaced([first, third, second])] == ["了解需求", "推荐"]
    assert len(question.misplaced("junk")) == 3


def test_matching_feedback_is_shown_for_the_pairs_matched_wrongly():
    question = parsed(
        "连线\n\n- 进店 => 问候\n  > 先问候。\n- 离店 => 道谢\n- 等候 => 致歉\n  > 要致歉。",
        "type: matching",
    )
    right = {pair.left_key: pair.right_key for pair in question.pairs}

    assert [pair.feedback for pair in question.pairs] == ["先问候。", "", "要致歉。"]
    assert question.wrong_pairs(right) == []
    swapped = {**right, "l1": right["l3"], "l3": right["l1"]}
    assert [pair.left for pair in question.wrong_pairs(swapped)] == ["进店", "等候"]
    assert [pair.left for pair in question.wrong_pairs(None)] == ["进店", "离店", "等候"]


def test_matching_feedback_cannot_go_to_gift_and_is_reported():
    question = parsed(
        "连线\n\n- 进店 => 问候\n  > 先问候。\n- 离店 => 道谢\n- 等候 => 致歉", "type: matching"
    )

    exported = export_gift([question])

    assert exported.exported == 1
    assert [(e.line, e.reason_code) for e in exported.not_exported] == [
        (1, "gift-export-pair-feedback")
    ]
    assert "进店" in exported.not_exported[0].message_zh


# --- round trips -------------------------------------------------------------------------

BANK = """## single-partial
type: single

多久问候？

- [x] 3 秒
  > 对。
- [33.5%] 5 秒
  > 慢了一点。
- [ ] 10 秒

## fill-partial
type: fill

看到顾客后，应在 ____ 秒内问候。

- = 3
  > 对。
- = 5（50%）
  > 慢了。
- = 十秒（0%）
  > 太慢了。
- = 打折（100%）（100%）

## numerical-partial
type: numerical

改裤长要多少分钟？

- = 15
  > 对。
- = 10..20（50%）
- = 15 ± 10（10%）
  > 差得远。
- = *
  > 看第三课。

## numerical-plain
type: numerical
answer: 15
tolerance: 1

改裤长要多少分钟？

## numerical-other-only
type: numerical
min: 10
max: 20

改裤长要多少分钟？

- = *
  > 看第三课。

## truefalse-feedback
type: truefalse
answer: true

要主动问候。

- 对
  > 没错。
- 错
  > 要主动。

## ordering-feedback
type: ordering

排序。

- [2] 推荐
  > 最后推荐。
- [1] 迎宾

## truefalse-one-feedback
type: truefalse
answer: false

可以承诺马上改好。

- 对
  > 不能承诺。
"""


def bank():
    questions, problems = parse_quiz(BANK, "quiz.md")
    assert problems == [], [format_problem(p) for p in problems]
    return questions


def test_the_bank_reads_back_from_the_quiz_md_it_writes():
    questions = bank()

    again, problems = parse_quiz("\n".join(map(question_markdown, questions)), "quiz.md")

    assert problems == []
    assert [content(q) for q in again] == [content(q) for q in questions]
    assert questions[2].answers[1].credit == 50.0  # a real check, not an empty bank
    assert questions[1].answers[3].text == "打折（100%）"


def test_gift_round_trip_keeps_credits_and_feedback():
    questions = [q for q in bank() if q.type != "ordering"]  # GIFT has no ordering

    exported = export_gift(questions)
    imported = import_gift(exported.text)
    again = import_gift(export_gift(imported.questions).text)

    assert exported.not_exported == [] and imported.not_converted == []
    assert [q.id for q in imported.questions] == [q.id for q in questions]
    assert [content(q) for q in imported.questions] == [content(q) for q in questions]
    assert again.quiz_md == imported.quiz_md


def test_gift_export_writes_moodles_forms():
    text = export_gift([q for q in bank() if q.type != "ordering"]).text

    assert "~%33.5%5 秒#慢了一点。" in text
    assert "=%50%5#慢了。" in text and "=%0%十秒#太慢了。" in text
    assert "\t#\n\t=15#对。\n\t=%50%10..20\n\t=%10%15:10#差得远。\n\t~#看第三课。" in text
    assert "\t#15:1\n" in text
    assert "\tT#要主动。#没错。\n" in text
    assert "\tF#不能承诺。\n" in text


# --- the documentation's example ---------------------------------------------------------

AUTHORING = Path(__file__).resolve().parents[3] / "docs" / "authoring.md"


def test_the_authoring_guides_examples_load_in_both_languages():
    blocks = re.findall(
        r"```markdown\n(## greet-delay\n.*?)```", AUTHORING.read_text("utf-8"), re.S
    )

    assert len(blocks) == 2  # the English half and the Chinese half
    for block in blocks:
        questions, problems = parse_quiz(block, "quiz.md")
        assert problems == []
        single, fill, numerical, truefalse = questions
        assert grade_response(single, "o2") == 0.5
        assert grade_response(fill, "5") == 0.5
        assert grade_response(numerical, "12") == 0.5
        assert numerical.feedback_for("99") == "请复习第三课“试衣与修改”。"
        assert truefalse.feedback_for(True) == "不能承诺做不到的事。"


def test_numerical_without_any_answer_is_reported_beside_other_mistakes():
    question, problems = parse("Q", "type: numerical\npoints: two")

    assert question is None
    assert [(p.line, p.code) for p in problems] == [
        (3, "question-points"),
        (1, "numerical-no-answer"),
    ]
