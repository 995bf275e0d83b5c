"""The authoring guide's worked examples, checked against the real parser and graders.

The guide's sections "从零写一门课 / Write a course from nothing" and "评分规则与算例 / How
answers are scored" show these files and these figures, computed by hand. If a grader
changes, this test fails and the guide must be updated with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from trainer.assessments.scoring import score_task
from trainer.content import grade_response, load_course
from trainer.content.checklist import parse_checklist

# --- the walk-through course, exactly as the guide shows it --------------------------------

COURSE_MD = """\
---
title: 试衣间服务
summary: 顾客拿着衣服走向试衣间时，导购怎样引导、等候和跟进。
category: sop
estimated_minutes: 20
target_positions: [sales-associate]
quiz:
  questions_per_attempt: 1
  pass_mark: 80
  tag_quotas: {引导: 1}
practical_required: true
---

本课程面向门店导购。学完后你能按标准引导顾客试衣，并在顾客试衣后主动跟进。
"""

LESSON_MD = """\
# 引导顾客试衣

## 应该怎样做

顾客拿着衣服走向试衣间时，导购要主动上前，帮顾客拿好衣服，引导到空着的试衣间。

!!! do "应该这样做"
    - 主动帮顾客拿衣服，说“这边请，试衣间在这里”。
    - 提醒顾客保管好随身物品。

!!! dont "不要这样做"
    - 站在原地用手一指：“那边。”

!!! example "案例"
    顾客小王拿着三条裤子走向试衣间。导购小李迎上去：“您好，我帮您拿着，这边请。”
"""

WALKTHROUGH_QUIZ_MD = """\
## fitting-room-first-action
type: single
tags: 引导

顾客拿着衣服走向试衣间，导购首先应该怎么做？

- [x] 主动上前帮顾客拿衣服，引导到空着的试衣间
- [ ] 用手指一下试衣间的方向
  > 这样会让顾客觉得被怠慢。
- [ ] 先问顾客想试哪几件，再请顾客自己去试衣间排队

解析：引导试衣要主动上前、帮拿衣服、带到试衣间门口。

## fitting-room-words
type: fill
tags: 引导

引导顾客时可以说：“这边请，____ 在这里。”

- = 试衣间
- = 试衣室

解析：用“这边请”配合引导手势，告诉顾客试衣间的位置。

## fitting-room-order
type: ordering
tags: 引导

请把引导试衣的动作按顺序排列。

- [1] 主动上前问候
- [2] 帮顾客拿好衣服
- [3] 引导到空着的试衣间
- [4] 提醒保管好随身物品

解析：先问候，再帮拿衣服、引导，最后提醒顾客保管物品。
"""

WALKTHROUGH_PRACTICAL_MD = """\
---
title: 试衣间服务现场考核
pass_mark: 80
---

考核员在门店现场观察导购接待一位要试衣的顾客（可由同事扮演）。

## 第一步　引导试衣

### guide-to-room 主动引导到试衣间
critical: true
scale: 0=没有引导; 1=只指了方向; 2=主动带到试衣间门口

- 应该：主动上前，帮顾客拿衣服，带到空着的试衣间。
- 不应该：站在原地用手一指。

### remind-belongings 提醒保管随身物品

- 应该：提醒顾客把包和手机带进试衣间。
"""

# --- the scoring section's bank and checklist ----------------------------------------------

SCORING_QUIZ_MD = """\
## greet-within-3s
type: single
points: 1

顾客走进店铺后，导购最迟应在多长时间内主动问候？

- [ ] 10 秒以内
- [x] 3 秒以内
- [ ] 等顾客先开口

## fitting-steps
type: ordering
points: 2

请把引导试衣的动作按顺序排列。

- [1] 主动上前问候
- [2] 帮顾客拿好衣服
- [3] 引导到空着的试衣间
- [4] 提醒保管好随身物品

## place-and-action
type: matching
points: 2

请把地点和导购在那里该做的事连起来。

- 门口 => 三秒内微笑问候
- 试衣间 => 主动递送其他尺码
- 收银台 => 双手递还银行卡
- 店门外 => 提醒顾客带好随身物品

## while-trying-on
type: multiple
scoring: weighted
points: 2

顾客在试衣间试衣时，导购应该怎么做？（多选）

- [40%] 在试衣间附近等候
- [30%] 顾客出来时询问是否合身
- [30%] 主动递上其他尺码
- [-50%] 敲门催顾客快一点

## remind-belongings
type: fill
points: 1

顾客进试衣间前，要提醒顾客保管好 ____。

- = 随身物品

## hem-pickup-minutes
type: numerical
answer: 15
tolerance: 1
points: 2

本店规定改裤长后多少分钟可以取？（填数字）

## two-right-habits
type: multiple
points: 1

顾客试衣出来后，导购应该怎么做？（多选）

- [x] 请顾客到镜子前看效果
- [x] 真诚地说出自己的看法
- [ ] 不管合不合身都说“很好看”
"""

SCORING_PRACTICAL_MD = """\
---
title: 试衣间服务现场考核
pass_mark: 80
---

## 第一步　引导试衣

### guide-to-room 主动引导到试衣间
critical: true
scale: 0=没有引导; 1=只指了方向; 2=主动带到试衣间门口

- 应该：主动上前，帮顾客拿衣服，带到空着的试衣间。

### offer-sizes 主动递送其他尺码
weight: 2
scale: 0=未做到; 1=部分做到; 2=完全做到

- 应该：顾客试衣时在附近等候，需要时主动递上其他尺码。

## 第二步　修改与送客

### alteration-slip 填写修改单并告知取裤时间
weight: 3
scale: 0=未做到; 1=部分做到; 2=完全做到

- 应该：修改单写上顾客全名，告诉顾客取裤时间。

### farewell 送别顾客

- 应该：送顾客到门口，提醒带好随身物品。
"""


def _write(folder: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def walkthrough(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "courses" / "fitting-room",
        {
            "course.md": COURSE_MD,
            "lessons/01-guide-to-fitting-room.md": LESSON_MD,
            "quiz.md": WALKTHROUGH_QUIZ_MD,
            "practical.md": WALKTHROUGH_PRACTICAL_MD,
        },
    )


@pytest.fixture
def scoring_course(walkthrough: Path):
    # The scoring examples' own bank, tagged by type rather than by lesson: no lesson quota.
    scoring_course_md = COURSE_MD.replace("  tag_quotas: {引导: 1}\n", "")
    _write(
        walkthrough,
        {
            "course.md": scoring_course_md,
            "quiz.md": SCORING_QUIZ_MD,
            "practical.md": SCORING_PRACTICAL_MD,
        },
    )
    course, problems = load_course(walkthrough)
    assert course is not None, problems
    return course


# --- 从零写一门课 -------------------------------------------------------------------------


def test_the_walkthrough_course_passes_the_check_with_nothing_to_report(walkthrough):
    course, problems = load_course(walkthrough)

    assert problems == []
    assert [question.type for question in course.questions] == ["single", "fill", "ordering"]
    assert [item.id for item in course.practical.items] == ["guide-to-room", "remind-belongings"]


def test_a_step_numbered_twice_gives_the_errors_the_guide_shows(walkthrough):
    quiz = walkthrough / "quiz.md"
    quiz.write_text(
        WALKTHROUGH_QUIZ_MD.replace("- [3] 引导到空着的试衣间", "- [2] 引导到空着的试衣间"),
        encoding="utf-8",
    )

    course, problems = load_course(walkthrough)

    assert course is None
    messages = [(p.file, p.line, p.is_error, p.message("zh")) for p in problems]
    assert messages == [
        (
            "courses/fitting-room/quiz.md",
            31,
            True,
            "排序题的编号是 1, 2, 2, 4，应该正好是 1 到 4 各一次：方括号里写这一步的正确位置",
        ),
        # A warning caused by the error: that question left the bank, 2 are left for 1 drawn.
        (
            "courses/fitting-room/course.md",
            8,
            False,
            "题库只有 2 道题，每次抽 1 道：考三次就几乎见过全部题目。"
            "题库至少要有抽题数的三倍（3 道）",
        ),
    ]


# --- 评分规则与算例: each question type ------------------------------------------------------


def _question(course, question_id):
    return course.question(question_id)


def _option_keys(question, *texts):
    return sorted(option.key for option in question.options if option.text in texts)


def _single(course, text):
    question = _question(course, "greet-within-3s")
    return question, _option_keys(question, text)[0]


def _order(course, *texts):
    question = _question(course, "fitting-steps")
    key_of = {item.text: item.key for item in question.items}
    return question, [key_of[text] for text in texts]


def _matching(course, chosen: dict[str, str]):
    question = _question(course, "place-and-action")
    right_of = {pair.right: pair.right_key for pair in question.pairs}
    left_of = {pair.left: pair.left_key for pair in question.pairs}
    return question, {left_of[left]: right_of[right] for left, right in chosen.items()}


STEPS = ("主动上前问候", "帮顾客拿好衣服", "引导到空着的试衣间", "提醒保管好随身物品")
RIGHT_PAIRS = {
    "门口": "三秒内微笑问候",
    "试衣间": "主动递送其他尺码",
    "收银台": "双手递还银行卡",
    "店门外": "提醒顾客带好随身物品",
}
TWO_SWAPPED = {**RIGHT_PAIRS, "收银台": "提醒顾客带好随身物品", "店门外": "双手递还银行卡"}


def test_ordering_is_all_or_nothing(scoring_course):
    assert grade_response(*_order(scoring_course, *STEPS)) == 1.0
    last_two_swapped = (STEPS[0], STEPS[1], STEPS[3], STEPS[2])
    assert grade_response(*_order(scoring_course, *last_two_swapped)) == 0.0


@pytest.mark.parametrize(
    ("chosen", "fraction"),
    [
        (RIGHT_PAIRS, 1.0),  # 4 of 4
        (TWO_SWAPPED, 0.5),  # 2 of 4
        ({"门口": "三秒内微笑问候"}, 0.25),  # 1 of 4, the others left empty
        ({"门口": "主动递送其他尺码", "试衣间": "三秒内微笑问候"}, 0.0),
    ],
)
def test_matching_earns_a_share_per_right_pair(scoring_course, chosen, fraction):
    assert grade_response(*_matching(scoring_course, chosen)) == fraction


@pytest.mark.parametrize(
    ("ticked", "fraction"),
    [
        (("在试衣间附近等候", "顾客出来时询问是否合身", "主动递上其他尺码"), 1.0),  # 40+30+30
        (("在试衣间附近等候", "主动递上其他尺码"), 0.7),  # 40+30
        (("在试衣间附近等候", "主动递上其他尺码", "敲门催顾客快一点"), 0.2),  # 40+30-50
        (
            ("在试衣间附近等候", "顾客出来时询问是否合身", "主动递上其他尺码", "敲门催顾客快一点"),
            0.5,
        ),  # 100-50
        (("敲门催顾客快一点",), 0.0),  # -50 counts as 0, never below
    ],
)
def test_weighted_multiple_adds_the_ticked_percentages(scoring_course, ticked, fraction):
    question = _question(scoring_course, "while-trying-on")

    assert grade_response(question, _option_keys(question, *ticked)) == pytest.approx(fraction)


@pytest.mark.parametrize(
    ("ticked", "fraction"),
    [
        (("请顾客到镜子前看效果", "真诚地说出自己的看法"), 1.0),
        (("请顾客到镜子前看效果",), 0.0),  # one right option missing
        (("请顾客到镜子前看效果", "真诚地说出自己的看法", "不管合不合身都说“很好看”"), 0.0),
    ],
)
def test_plain_multiple_is_all_or_nothing(scoring_course, ticked, fraction):
    question = _question(scoring_course, "two-right-habits")

    assert grade_response(question, _option_keys(question, *ticked)) == fraction


@pytest.mark.parametrize(
    ("typed", "fraction"),
    [
        ("随身物品", 1.0),
        (" 随身 物品 ", 1.0),  # spaces are ignored
        ("随身物品\u3000", 1.0),  # so is a full-width space
        ("随身物", 0.0),
        ("贵重物品", 0.0),  # not listed as an accepted answer
    ],
)
def test_fill_in_compares_without_spaces_width_or_case(scoring_course, typed, fraction):
    assert grade_response(_question(scoring_course, "remind-belongings"), typed) == fraction


@pytest.mark.parametrize(
    ("typed", "fraction"),
    [
        ("13.9", 0.0),
        ("14", 1.0),
        ("15", 1.0),
        ("16", 1.0),
        ("１６", 1.0),  # full-width digits
        ("16.1", 0.0),
    ],
)
def test_numerical_accepts_answer_plus_or_minus_tolerance_inclusive(
    scoring_course, typed, fraction
):
    assert grade_response(_question(scoring_course, "hem-pickup-minutes"), typed) == fraction


# --- 评分规则与算例: the worked example of one attempt ---------------------------------------


def _attempt(course, weighted_ticked, steps=STEPS):
    """小林's answers in the guide: every question of the bank but two-right-habits."""
    single, single_key = _single(course, "3 秒以内")
    ordering, order = _order(course, *steps)
    matching, pairs = _matching(course, TWO_SWAPPED)
    weighted = _question(course, "while-trying-on")
    answers = {
        single.id: single_key,
        ordering.id: order,
        matching.id: pairs,
        weighted.id: _option_keys(weighted, *weighted_ticked),
        "remind-belongings": "随身物品",
        "hem-pickup-minutes": "16",
    }
    draw = [{"id": question_id} for question_id in answers]
    # The exam's own grading: points per question, total, percent and the pass rule.
    from trainer.quizzes.service import _grade

    return _grade(0, draw, course, answers, "submitted", datetime(2026, 12, 1, tzinfo=UTC))


def test_worked_example_scores_74_percent_and_fails_at_pass_mark_80(scoring_course):
    result = _attempt(scoring_course, ("在试衣间附近等候", "主动递上其他尺码", "敲门催顾客快一点"))

    earned = {entry["id"]: entry["points"] for entry in result["per_question"]}
    assert earned == {
        "greet-within-3s": 1.0,
        "fitting-steps": 2.0,
        "place-and-action": 1.0,
        "while-trying-on": 0.4,
        "remind-belongings": 1.0,
        "hem-pickup-minutes": 2.0,
    }
    assert result["points"] == pytest.approx(7.4)
    assert result["max_points"] == 10
    assert result["percent"] == 74.0
    assert result["passed"] is False


def test_worked_example_without_the_wrong_option_scores_84_percent_and_passes(scoring_course):
    result = _attempt(scoring_course, ("在试衣间附近等候", "主动递上其他尺码"))

    assert result["points"] == pytest.approx(8.4)
    assert result["percent"] == 84.0
    assert result["passed"] is True


# --- 评分规则与算例: the practical -----------------------------------------------------------


@pytest.fixture
def checklist():
    parsed, problems = parse_checklist(SCORING_PRACTICAL_MD, "practical.md")
    assert parsed is not None, problems
    return parsed


def test_practical_maximum_is_the_sum_of_weight_times_top_score(checklist):
    # 1×2 + 2×2 + 3×2 + 1×1 (farewell has the default scale 0=未通过; 1=通过)
    assert checklist.max_weighted_score == 13


@pytest.mark.parametrize(
    ("scores", "points", "percent", "passed"),
    [
        # 小李: 1×2 + 2×1 + 3×2 + 1×1 = 11 → 84.6 %, passes
        ((2, 1, 2, 1), 11, 84.6, True),
        # critical item at 0: 0 + 2×2 + 3×2 + 1 = 11 → 84.6 %, but fails
        ((0, 2, 2, 1), 11, 84.6, False),
        # critical item at 1 is not its lowest level: 1 + 4 + 6 + 1 = 12 → 92.3 %, passes
        ((1, 2, 2, 1), 12, 92.3, True),
        # 2 + 4 + 3×1 + 1 = 10 → 76.9 %, under 80 %: fails
        ((2, 2, 1, 1), 10, 76.9, False),
    ],
)
def test_practical_scores_as_the_guide_computes_them(checklist, scores, points, percent, passed):
    ids = ("guide-to-room", "offer-sizes", "alteration-slip", "farewell")

    score = score_task(checklist, dict(zip(ids, scores, strict=True)))

    assert (score.points, score.max_points) == (points, 13)
    assert score.percent == percent
    assert score.passed is passed


def test_worked_example_with_the_last_two_steps_swapped_scores_54_percent(scoring_course):
    swapped = (STEPS[0], STEPS[1], STEPS[3], STEPS[2])
    ticked = ("在试衣间附近等候", "主动递上其他尺码", "敲门催顾客快一点")

    result = _attempt(scoring_course, ticked, steps=swapped)

    assert result["points"] == pytest.approx(5.4)
    assert result["percent"] == 54.0
    assert result["passed"] is False


# --- 输入法提示: what the guide's box says a Chinese input method may type --------------------


def test_forms_a_chinese_input_method_types_that_the_box_says_are_accepted():
    from trainer.content.quiz import parse_quiz

    bank = (
        "## habits\n"
        "type：multiple\n"  # full-width colon after a setting name
        "tags: 迎宾，试衣、引导；收银\n"  # ， 、 ； between tags
        "\n"
        "顾客试衣时导购应该怎么做？\n"
        "\n"
        "- [√] 在附近等候\n"  # √ and ✓ mark a right option like x
        "-\u3000[✓] 主动递尺码\n"  # a full-width space after the dash
        "- [ ] 敲门催促\n"
        "\n"
        "解析: 半角冒号也可以。\n"
        "\n"
        "## weights\n"
        "type: multiple\n"
        "scoring: weighted\n"
        "\n"
        "题干\n"
        "\n"
        "- [40％] 甲\n"  # full-width percent sign
        "- [60%] 乙\n"
        "\n"
        "## yes-no\n"
        "type: truefalse\n"
        "answer：对\n"
        "\n"
        "题干\n"
        "\n"
        "解析：全角冒号。\n"
    )

    questions, problems = parse_quiz(bank, "quiz.md")

    assert problems == []
    habits, weights, yes_no = questions
    assert habits.tags == ("迎宾", "试衣", "引导", "收银")
    assert [option.correct for option in habits.options] == [True, True, False]
    assert habits.explanation == "半角冒号也可以。"
    assert [option.weight for option in weights.options] == [40.0, 60.0]
    assert yes_no.answer is True and yes_no.explanation == "全角冒号。"


@pytest.mark.parametrize(
    ("word", "answer"),
    [("对", True), ("正确", True), ("是", True), ("错", False), ("错误", False), ("否", False)],
)
def test_truefalse_answer_in_chinese_words(word, answer):
    from trainer.content.quiz import parse_quiz

    questions, problems = parse_quiz(f"## a\ntype: truefalse\nanswer: {word}\n\n题干\n", "q")

    assert problems == [] and questions[0].answer is answer


def test_checklist_lines_typed_in_chinese_mode_are_accepted():
    text = (
        "---\ntitle: 考核\npass_mark: 80\n---\n\n## 第一步\n\n"
        "### greet\u3000三秒内问候\n"  # full-width space between id and title
        "critical：true\n"
        "weight：2\n"
        "scale: 0＝未做到；1＝部分做到；2＝完全做到\n"  # ＝ and ；
        "\n- 应该：微笑问候\n- 不应该:不理顾客\n"
    )

    checklist, problems = parse_checklist(text, "practical.md")

    assert problems == []
    (item,) = checklist.items
    assert (item.id, item.title, item.critical, item.weight) == ("greet", "三秒内问候", True, 2)
    assert item.scale == ((0, "未做到"), (1, "部分做到"), (2, "完全做到"))
    assert (item.should, item.should_not) == (("微笑问候",), ("不理顾客",))
