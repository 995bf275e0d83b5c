"""The shipped question banks certify (issue 25): big enough that three attempts do not
show the whole bank, every lesson examined, every answer explained, and the right option
of a single-choice question not given away by being the longest."""

from pathlib import Path

import pytest

from tests.course_helpers import SHIPPED_COURSES
from trainer.content.loader import load_course
from trainer.content.question_model import Question

COURSE_DIRS = sorted(p for p in SHIPPED_COURSES.iterdir() if (p / "course.md").is_file())


def _asked(question: Question) -> Question:
    # A scenario's answer lines belong to the question it asks.
    return getattr(question, "asked", question)


def _loaded(course_dir: Path):
    course, problems = load_course(course_dir)
    assert course is not None, [str(p) for p in problems]
    return course


@pytest.mark.parametrize("course_dir", COURSE_DIRS, ids=lambda p: p.name)
def test_bank_is_large_enough_and_examines_every_lesson(course_dir):
    course = _loaded(course_dir)
    quiz = course.meta.quiz
    quotas = quiz.tag_quotas or {}
    assert len(course.questions) >= 30
    assert len(course.questions) >= 3 * quiz.questions_per_attempt
    # One quota per lesson, and the quotas fit in one attempt, so every draw reaches
    # every lesson.
    assert len(quotas) == len(course.lessons)
    assert all(count >= 1 for count in quotas.values())
    assert sum(quotas.values()) <= quiz.questions_per_attempt
    tagged = {tag: sum(tag in q.tags for q in course.questions) for tag in quotas}
    assert all(tagged[tag] >= count for tag, count in quotas.items()), tagged
    unexplained = [q.id for q in course.questions if not q.explanation.strip()]
    assert unexplained == []


def _right_option_is_longest(question: Question) -> bool:
    right = [len(o.text) for o in question.options if o.correct]
    wrong = [len(o.text) for o in question.options if not o.correct]
    # A tie counts as longest: the learner cannot rule the right option out by length.
    return max(right) >= max(wrong)


def test_right_single_choice_option_is_the_longest_in_at_most_40_percent():
    singles = [
        _asked(q)
        for course_dir in COURSE_DIRS
        for q in _loaded(course_dir).questions
        if _asked(q).type == "single"
    ]
    assert len(singles) >= 100
    longest = sum(_right_option_is_longest(q) for q in singles)
    assert longest / len(singles) <= 0.40, f"{longest} of {len(singles)}"
