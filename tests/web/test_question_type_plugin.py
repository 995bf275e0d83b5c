"""A question type is one module and one template: this test adds a whole new type
(`reflection`: the learner writes a few sentences, at least 10 characters earn the points)
without touching any other code, and takes it through everything a type does: quiz.md,
the exam page, saving and submitting the form, grading, the review, the trainer's preview
and a GIFT round trip (Moodle's essay, `{}`, which no built-in type takes)."""

import dataclasses
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from jinja2 import ChoiceLoader, DictLoader

from tests.course_helpers import FIXTURE_COURSES, ready_for_exam
from trainer.content.gift import export_gift, import_gift
from trainer.content.gift.quiz_md import content
from trainer.content.gift.syntax import GiftAnswers
from trainer.content.question_model import Question
from trainer.content.question_types import (
    QUESTION_TYPES,
    QuestionType,
    register,
    type_of,
    unregister,
)
from trainer.content.question_types.base import typed_text
from trainer.content.quiz import parse_quiz
from trainer.courses.sync import course_for_version, sync_content
from trainer.extensions import db
from trainer.models import QuizAttempt, QuizResult

# --- the new type: what its author writes ------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReflectionQuestion(Question):
    pass


class Reflection(QuestionType):
    name = "reflection"
    gift_order = 0  # before every built-in type: it takes GIFT's empty answer sections

    @classmethod
    def build(cls, block, common, text, answers, problems):
        return None if common is None else ReflectionQuestion(**common.fields(text))

    @classmethod
    def to_quiz_md(cls, question):
        return {}, []

    @classmethod
    def read_form(cls, question, entry, name, form):
        return typed_text(question, name, form)

    @classmethod
    def form_values(cls, question, entry, name, response):
        return {name: [response]}

    @classmethod
    def grade(cls, question, response):
        return 1.0 if isinstance(response, str) and len("".join(response.split())) >= 10 else 0.0

    @classmethod
    def describe(cls, question, response):
        return f"{len(response)} 字：{response}"

    @classmethod
    def gift_claims(cls, answers):
        return not answers.text

    @classmethod
    def from_gift(cls, question, report):
        return ReflectionQuestion(**question.fields(cls.name))

    @classmethod
    def to_gift(cls, question):
        return GiftAnswers(())


TEMPLATE = """
{% macro stem(q) %}<div class="prose stem">{{ q.text|markdown_block }}</div>{% endmacro %}
{% macro inputs(q, entry, name, values) -%}
<textarea class="reflection" name="{{ name }}">{{ values.get(name, [''])[0] }}</textarea>
{%- endmacro %}
{% macro answer_key(q) %}<p class="reflection-key">至少写 10 个字</p>{% endmacro %}
{% macro feedback(q, response) %}<p class="reflection-feedback">谢谢你的思考</p>{% endmacro %}
"""

QUIZ_MD = """\
## why-greet
type: reflection
points: 2
tags: 迎宾

为什么要在顾客进店三秒内问候？

解析：让顾客感到被重视。

## last-customer
type: reflection

说说你接待的上一位顾客。
"""

COURSE_MD = """\
---
title: 反思练习
summary: 写下你的想法。
category: standards
estimated_minutes: 10
target_positions: [all]
quiz:
  questions_per_attempt: 2
  pass_mark: 100
  review: always
---

想一想。
"""


@pytest.fixture
def reflection(app):
    """The type registered and its template installed, for this test only."""
    register(Reflection)
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({Reflection.template: TEMPLATE}), app.jinja_env.loader]
    )
    yield Reflection
    unregister(Reflection.name)


@pytest.fixture
def reflect_course(app, reflection):
    folder = Path(app.config["CONTENT_DIR"]) / "courses" / "reflect"
    shutil.copytree(FIXTURE_COURSES / "basics", folder)
    (folder / "course.md").write_text(COURSE_MD, encoding="utf-8")
    (folder / "quiz.md").write_text(QUIZ_MD, encoding="utf-8")
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert report.outcomes == {"reflect": "new"}, report.problems
    return folder


def test_the_new_type_is_registered_by_name_and_uses_its_own_template(reflection):
    assert QUESTION_TYPES["reflection"] is Reflection
    assert Reflection.template == "quizzes/types/reflection.html"
    with pytest.raises(ValueError, match="already"):
        register(type("Other", (Reflection,), {"name": "reflection"}))


def test_quiz_md_parses_grades_and_describes_the_new_type(reflection):
    questions, problems = parse_quiz(QUIZ_MD, "quiz.md")
    assert problems == []
    why = questions[0]
    assert isinstance(why, ReflectionQuestion)
    assert (why.id, why.points, why.tags, why.text) == (
        "why-greet",
        2,
        ("迎宾",),
        "为什么要在顾客进店三秒内问候？",
    )
    assert why.explanation == "让顾客感到被重视。"
    kind = type_of(why)
    assert kind.grade(why, "因为顾客会觉得被重视，更愿意留下") == 1.0
    assert kind.grade(why, "不知道") == 0.0
    assert kind.describe(why, "不知道") == "3 字：不知道"


def test_without_the_type_quiz_md_names_it_unknown():
    _, problems = parse_quiz(QUIZ_MD, "quiz.md")
    assert {problem.code for problem in problems} == {"question-type-unknown"}


def test_gift_round_trip_of_the_new_type(reflection):
    questions, _ = parse_quiz(QUIZ_MD, "quiz.md")
    exported = export_gift(questions)
    assert exported.not_exported == []
    with_explanation = (
        "::why-greet::[markdown]为什么要在顾客进店三秒内问候？{\n\t####让顾客感到被重视。\n}"
    )
    assert with_explanation in exported.text
    assert "::last-customer::[markdown]说说你接待的上一位顾客。{}" in exported.text
    back = import_gift(exported.text)
    assert back.not_converted == []
    assert [type(q) for q in back.questions] == [ReflectionQuestion, ReflectionQuestion]
    assert content(list(back.questions)) == content(questions)
    reread, problems = parse_quiz(back.quiz_md, "quiz.md")
    assert problems == [] and content(reread) == content(questions)


def test_learner_takes_an_exam_of_the_new_type(client, users, signed_in, reflect_course):
    signed_in("learner")
    ready_for_exam(users["learner"], "reflect")
    response = client.post("/quiz/reflect/start")
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    attempt = db.session.get(QuizAttempt, attempt_id)
    order = [entry["id"] for entry in attempt.draw]
    field = {question_id: f"q{index}" for index, question_id in enumerate(order, start=1)}

    page = client.get(f"/quiz/attempt/{attempt_id}").get_data(as_text=True)
    assert page.count('<textarea class="reflection"') == 2
    assert "为什么要在顾客进店三秒内问候？" in page
    assert "让顾客感到被重视" not in page  # no explanation before the review

    saved = client.post(f"/quiz/attempt/{attempt_id}/save", data={field["why-greet"]: "草稿"})
    assert saved.status_code == 302
    page = client.get(f"/quiz/attempt/{attempt_id}").get_data(as_text=True)
    assert f'name="{field["why-greet"]}">草稿</textarea>' in page

    answers = {
        field["why-greet"]: "顾客会感到被重视，也更愿意多看看。",
        field["last-customer"]: "忘了",
    }
    response = client.post(f"/quiz/attempt/{attempt_id}/submit", data=answers)
    assert response.headers["Location"] == f"/quiz/attempt/{attempt_id}/result"
    result = db.session.scalar(sa.select(QuizResult).where(QuizResult.attempt_id == attempt_id))
    fractions = {row["id"]: row["fraction"] for row in result.per_question}
    assert fractions == {"why-greet": 1.0, "last-customer": 0.0}
    assert (result.points, result.max_points, result.percent) == (2, 3, 66.67)

    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "17 字：顾客会感到被重视，也更愿意多看看。" in review
    assert "2 字：忘了" in review
    assert review.count('class="reflection-key"') == 2
    assert review.count('class="reflection-feedback"') == 2
    assert "让顾客感到被重视。" in review


def test_trainer_preview_shows_the_new_type_with_its_answer_key(
    client, users, signed_in, reflect_course
):
    signed_in("trainer")
    page = client.get("/authoring/reflect/preview").get_data(as_text=True)
    assert 'data-question="why-greet"' in page and "· reflection ·" in page
    assert page.count('class="reflection-key"') == 2


def test_the_parsed_bank_of_a_synced_course_holds_the_new_type(app, reflect_course):
    from trainer.models import CourseRecord

    record = db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == "reflect"))
    course = course_for_version(record.current_version)
    assert [type(q).__name__ for q in course.questions] == ["ReflectionQuestion"] * 2
