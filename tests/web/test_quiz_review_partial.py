"""The review shows the partial mark and the feedback of the very answer the learner gave."""

import random
import re
from pathlib import Path

import pytest

from tests.course_helpers import ready_for_exam
from trainer.courses.sync import course_for_version, sync_content
from trainer.extensions import db
from trainer.models import QuizAttempt
from trainer.quizzes.answers import form_values
from trainer.quizzes.rules import freeze_question

EXTRA_QUESTIONS = """

## wait-single
type: single

顾客排队时，最多让顾客等多久就要打招呼？

- [x] 1 分钟
  > 对，先让顾客知道你看到他了。
- [50%] 3 分钟
  > 可以，但顾客已经有点着急了。
- [ ] 10 分钟
  > 太久了。

## wait-fill
type: fill

看到顾客后，应在 ____ 秒内主动问候。

- = 3
- = 5（50%）
  > 5 秒有点慢，标准是 3 秒。

## wait-number
type: numerical

改裤长一般需要多少分钟？

- = 15
  > 对。
- = 20 ± 5（25%）
  > 太保守了：一般是 15 分钟。
- = *
  > 请看第三课。

## wait-promise
type: truefalse
answer: false

可以承诺裤子“马上就能改好”。

- 对
  > 不能承诺做不到的事。
- 错
  > 对，要告诉顾客具体的取裤时间。

## wait-order
type: ordering

请把下列步骤按正确顺序排列。

- [1] 主动迎宾
- [2] 了解需求
  > 先问清楚需要，再推荐。
- [3] 推荐商品
  > 推荐要在了解需求之后。

## wait-match
type: matching

把情况和合适的说法连起来。

- 顾客进店 => 您好，欢迎光临
  > 进店先问候。
- 顾客离店 => 谢谢光临，欢迎再来
  > 离店要道谢。
- 顾客等候 => 让您久等了
"""


@pytest.fixture
def exam(app, client, users, signed_in, courses_dir):
    course_dir = Path(courses_dir) / "store-service"
    quiz = course_dir / "quiz.md"
    quiz.write_text(quiz.read_text(encoding="utf-8") + EXTRA_QUESTIONS, encoding="utf-8")
    settings = course_dir / "course.md"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("review: after_pass", "review: always"),
        encoding="utf-8",
    )
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert set(report.outcomes.values()) == {"new"}, report.problems
    ready_for_exam(users["learner"], "store-service")  # lessons read, basics passed
    signed_in("learner")
    response = client.post("/quiz/store-service/start")
    attempt = db.session.get(QuizAttempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    by_id = course_for_version(attempt.version).questions_by_id
    rng = random.Random(7)
    attempt.draw = [
        freeze_question(by_id[question_id], rng)
        for question_id in (
            "wait-single",
            "wait-fill",
            "wait-number",
            "wait-promise",
            "wait-order",
            "wait-match",
        )
    ]
    db.session.commit()
    return attempt, by_id


def _items(client, attempt, answers: dict[str, object]) -> list[str]:
    attempt_row, by_id = attempt
    form: dict[str, list[str]] = {}
    for index, entry in enumerate(attempt_row.draw, start=1):
        question = by_id[entry["id"]]
        form.update(form_values(question, entry, index, answers[question.id]))
    response = client.post(f"/quiz/attempt/{attempt_row.id}/submit", data=form)
    assert response.status_code == 302
    page = client.get(f"/quiz/attempt/{attempt_row.id}/result").get_data(as_text=True)
    items = re.findall(r'<article class="card review-item.*?</article>', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def right_order_and_pairs(exam) -> dict:
    by_id = exam[1]
    order, match = by_id["wait-order"], by_id["wait-match"]
    return {
        "wait-order": list(order.correct_order),
        "wait-match": {pair.left_key: pair.right_key for pair in match.pairs},
    }


def test_partial_answers_show_their_points_and_their_own_feedback(client, exam):
    single = next(o.key for o in exam[1]["wait-single"].options if o.text == "3 分钟")
    items = _items(
        client,
        exam,
        {
            "wait-single": single,
            "wait-fill": "５",
            "wait-number": "24",
            "wait-promise": True,
            **right_order_and_pairs(exam),
        },
    )

    single_item, fill_item, number_item, promise_item, _, _ = items
    assert "0.5 / 1" in single_item and "◐ 部分正确" in single_item
    assert "可以，但顾客已经有点着急了。" in single_item.split("正确答案")[0]
    assert "太久了" not in single_item.split("正确答案")[0]
    assert "0.5 / 1" in fill_item and "◐ 部分正确" in fill_item
    assert "5 秒有点慢，标准是 3 秒。" in fill_item.split("正确答案")[0]
    assert "0.25 / 1" in number_item and "◐ 部分正确" in number_item
    assert "太保守了：一般是 15 分钟。" in number_item.split("正确答案")[0]
    assert "请看第三课" not in number_item.split("正确答案")[0]
    assert "0 / 1" in promise_item and "✗ 答错了" in promise_item
    assert "不能承诺做不到的事。" in promise_item.split("正确答案")[0]
    assert "要告诉顾客具体的取裤时间" not in promise_item.split("正确答案")[0]


def test_full_marks_show_the_right_answers_feedback(client, exam):
    single = next(o.key for o in exam[1]["wait-single"].options if o.correct)
    items = _items(
        client,
        exam,
        {
            "wait-single": single,
            "wait-fill": "3",
            "wait-number": "15",
            "wait-promise": False,
            **right_order_and_pairs(exam),
        },
    )

    assert all("✓ 答对了" in item for item in items)
    assert "1 / 1" in items[0] and "对，先让顾客知道你看到他了。" in items[0].split("正确答案")[0]
    assert "5 秒有点慢" not in items[1].split("正确答案")[0]
    assert "对。" in items[2].split("正确答案")[0]
    assert "对，要告诉顾客具体的取裤时间。" in items[3].split("正确答案")[0]
    assert "先问清楚需要" not in items[4].split("正确答案")[0]
    assert "进店先问候" not in items[5].split("正确答案")[0]


def test_a_number_no_answer_accepts_shows_the_feedback_for_any_other_number(client, exam):
    single = next(o.key for o in exam[1]["wait-single"].options if o.text == "10 分钟")
    items = _items(
        client,
        exam,
        {
            "wait-single": single,
            "wait-fill": "十分钟",
            "wait-number": "60",
            "wait-promise": True,
            **right_order_and_pairs(exam),
        },
    )

    assert "0 / 1" in items[2] and "✗ 答错了" in items[2]
    assert "请看第三课。" in items[2].split("正确答案")[0]
    assert "太久了。" in items[0].split("正确答案")[0]
    assert "反馈" not in items[1].split("正确答案")[0]


def test_steps_and_pairs_placed_wrongly_show_their_own_feedback(client, exam):
    by_id = exam[1]
    order, match = by_id["wait-order"], by_id["wait-match"]
    first, second, third = order.correct_order
    pairs = {pair.left_key: pair.right_key for pair in match.pairs}
    pairs["l1"], pairs["l3"] = pairs["l3"], pairs["l1"]  # 进店 and 等候 swapped
    single = next(o.key for o in by_id["wait-single"].options if o.correct)
    items = _items(
        client,
        exam,
        {
            "wait-single": single,
            "wait-fill": "3",
            "wait-number": "15",
            "wait-promise": False,
            "wait-order": [first, third, second],
            "wait-match": pairs,
        },
    )

    order_item, match_item = (item.split("正确答案")[0] for item in items[4:])
    assert "了解需求: 先问清楚需要，再推荐。" in order_item
    assert "推荐商品: 推荐要在了解需求之后。" in order_item
    assert "◐ 部分正确" in match_item and "0.3333 / 1" in match_item
    assert "顾客进店: 进店先问候。" in match_item
    assert "离店要道谢" not in match_item


def test_the_exam_page_gives_away_no_share_and_no_feedback(client, exam):
    page = client.get(f"/quiz/attempt/{exam[0].id}").get_data(as_text=True)

    assert "3 分钟" in page and "让您久等了" in page  # the questions are there
    for secret in (
        "50%",
        "25%",
        "可以，但顾客已经有点着急了",
        "5 秒有点慢",
        "请看第三课",
        "不能承诺做不到的事",
    ):
        assert secret not in page
    for secret in ("先问清楚需要", "进店先问候"):
        assert secret not in page
