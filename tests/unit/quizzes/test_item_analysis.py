"""Item analysis checked against figures worked out by hand.

The course has four questions, all drawn in every attempt: `a` (single choice, 8 points;
options R right, W1 and W2 wrong), `b`, `c` and `d` (true/false, 4, 2 and 1 points; T is
right). Ten learners each submit one attempt ("-" is left unanswered):

    learner   a    b   c   d    points /15   percent
    L02       R    T   F   T        13        86.67   upper group
    L01       R    T   F   F        12        80.00   upper group
    L04       R    F   T   F        10        66.67   upper group
    L03       R    F   F   F         8        53.33
    L05       W1   T   T   F         6        40.00
    L07       W2   T   T   F         6        40.00
    L06       W1   T   -   F         4        26.67
    L08       W1   F   T   F         2        13.33   lower group
    L09       -    F   T   F         2        13.33   lower group
    L10       W1   F   T   -         2        13.33   lower group

Groups: round(10 x 27 %) = 3 attempts each, the best three and the worst three (no tie
crosses a group's edge). An eleventh learner has an attempt still open: it does not count.

    question  answered  right  share        upper right  lower right  discrimination
    a         9 (L09-)  4      4/9 = 0.444  3/3 = 1      0/2 = 0      1 - 0     = +1.00
    b         10        5      5/10 = 0.5   2/3          0/3          2/3 - 0   = +0.67
    c         9 (L06-)  6      6/9 = 0.667  1/3          3/3          1/3 - 1   = -0.67
    d         9 (L10-)  1      1/9 = 0.111  1/3          0/2          1/3 - 0   = +0.33

Most common wrong answer: a: W1 (4 times, W2 once); b, c, d: false, shown as "错".
Flags (at least 5 answers): c "negative-discrimination" (below 0); d "nearly-all-wrong"
(share below 0.2); a and b none.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.conftest import make_user
from tests.course_helpers import ready_for_exam
from trainer.courses.service import live_course
from trainer.courses.sync import course_for_version, sync_content
from trainer.quizzes import analysis, service

QUIZ = """## a
type: single
points: 8

顾客进店时应该：

- [x] 先问候
- [ ] 先推销
- [ ] 不理睬

## b
type: truefalse
points: 4
answer: true

题目 b。

## c
type: truefalse
points: 2
answer: true

题目 c。

## d
type: truefalse
points: 1
answer: true

题目 d。
"""

# learner -> answers to a, b, c, d ("R", "W1", "W2" for a; True/False; None unanswered)
ANSWERS = {
    "L02": ("R", True, False, True),
    "L01": ("R", True, False, False),
    "L04": ("R", False, True, False),
    "L03": ("R", False, False, False),
    "L05": ("W1", True, True, False),
    "L07": ("W2", True, True, False),
    "L06": ("W1", True, None, False),
    "L08": ("W1", False, True, False),
    "L09": (None, False, True, False),
    "L10": ("W1", False, True, None),
}
PERCENT = {
    "L02": 86.67,
    "L01": 80.0,
    "L04": 66.67,
    "L03": 53.33,
    "L05": 40.0,
    "L07": 40.0,
    "L06": 26.67,
    "L08": 13.33,
    "L09": 13.33,
    "L10": 13.33,
}

# question -> (answered, share right, discrimination, most common wrong answer, flags)
EXPECTED = {
    "a": (9, 4 / 9, 1.0, "先推销", ()),
    "b": (10, 0.5, 2 / 3, "错", ()),
    "c": (9, 6 / 9, 1 / 3 - 1, "错", ("negative-discrimination",)),
    "d": (9, 1 / 9, 1 / 3, "错", ("nearly-all-wrong",)),
}


@pytest.fixture
def analysed(app):
    folder = Path(app.config["CONTENT_DIR"]) / "courses" / "analysed"
    (folder / "lessons").mkdir(parents=True)
    (folder / "course.md").write_text(
        "---\ntitle: 题目分析\nsummary: 测试。\ncategory: standards\nlanguage: zh-CN\n"
        "estimated_minutes: 5\ntarget_positions: [all]\nprerequisites: []\n"
        "quiz:\n  questions_per_attempt: 4\n  pass_mark: 60\n---\n\n说明。\n",
        encoding="utf-8",
    )
    (folder / "lessons" / "01-intro.md").write_text("# 介绍\n\n内容。\n", encoding="utf-8")
    (folder / "quiz.md").write_text(QUIZ, encoding="utf-8")
    sync_content(Path(app.config["CONTENT_DIR"]))
    record, version = live_course("analysed")
    option_keys = [
        option.key for option in course_for_version(version).questions_by_id["a"].options
    ]
    choice = dict(zip(("R", "W1", "W2"), option_keys, strict=True))
    for number, (employee_no, answers) in enumerate(ANSWERS.items()):
        learner = make_user(employee_no, f"学员{employee_no}", {"learner"})
        ready_for_exam(learner, "analysed")
        attempt = service.start_attempt(learner, record, version, rng=random.Random(number))
        a, b, c, d = answers
        given = {"a": choice.get(a), "b": b, "c": c, "d": d}
        result = service.submit_attempt(
            learner,
            attempt,
            {question: value for question, value in given.items() if value is not None},
        )
        assert result.percent == PERCENT[employee_no], employee_no
    still_open = make_user("L11", "学员L11", {"learner"})
    ready_for_exam(still_open, "analysed")
    service.start_attempt(still_open, record, version, rng=random.Random(99))
    return record


def test_item_analysis_matches_the_hand_computed_figures(app, analysed):
    with app.test_request_context():  # the trainers' page reads it in their language
        items = {item.question_id: item for item in analysis.item_analysis(analysed)}
    assert list(items) == ["a", "b", "c", "d"]
    for question, (answered, share, discrimination, common_wrong, flags) in EXPECTED.items():
        item = items[question]
        assert item.answered == answered, question
        assert item.share_correct == pytest.approx(share), question
        assert item.discrimination == pytest.approx(discrimination), question
        assert item.common_wrong == common_wrong, question
        assert item.flags == flags, question


def test_the_analysis_page_shows_the_figures(client, signed_in, analysed):
    signed_in("trainer")
    page = client.get("/quiz/analysed/analysis").get_data(as_text=True)
    rows = {
        question: page.split(f'<tr data-question="{question}">', 1)[1].split("</tr>", 1)[0]
        for question in EXPECTED
    }
    # Share right as a whole percent, rounded: 4/9 = 44 %, 6/9 = 67 %, 1/9 = 11 %.
    for question, share, discrimination in [
        ("a", "44%", "+1.00"),
        ("b", "50%", "+0.67"),
        ("c", "67%", "-0.67"),
        ("d", "11%", "+0.33"),
    ]:
        assert f"<td>{share}</td>" in rows[question], question
        assert f"<td>{discrimination}</td>" in rows[question], question
    assert "先推销" in rows["a"]
    assert "badge" not in rows["a"] and "badge" not in rows["b"]
    assert "好学员反而答错" in rows["c"] and "几乎都答错" not in rows["c"]
    assert "几乎都答错" in rows["d"] and "好学员反而答错" not in rows["d"]
