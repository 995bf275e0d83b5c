"""The checklists we ship: the onboarding attitude rule on punctuality, and 0/1/2 described."""

import pytest

from tests.course_helpers import SHIPPED_COURSES
from trainer.assessments.scoring import score_task
from trainer.content import load_course

BARE_LABELS = {"未做到", "部分做到", "完全做到", "差", "一般", "好", "未通过", "通过", "做到"}


def shipped_checklists():
    for folder in sorted(SHIPPED_COURSES.iterdir()):
        course, problems = load_course(folder)
        assert course is not None, (folder.name, problems)
        for kind, checklist in (("practical", course.practical), ("attitude", course.attitude)):
            if checklist is not None:
                yield f"{folder.name}/{kind}", checklist


def onboarding_attitude():
    course, problems = load_course(SHIPPED_COURSES / "onboarding")
    assert course is not None, problems
    return course.attitude


def best_scores_except(checklist, **overrides):
    scores = {item.id: item.max_score for item in checklist.items}
    scores.update(overrides)
    return scores


def test_zero_on_punctuality_fails_the_attitude_evaluation_despite_a_high_total():
    attitude = onboarding_attitude()

    task = score_task(attitude, best_scores_except(attitude, punctuality=0))

    # Eight items of weight 1 scored 0–2: 14 of 16 points is 87.5 %, above the pass mark of 70.
    assert (task.points, task.max_points, task.pass_mark) == (14, 16, 70)
    assert task.reaches_pass_mark
    assert task.critical_failures == ("punctuality",)
    assert not task.passed


def test_one_on_punctuality_is_not_a_critical_failure():
    attitude = onboarding_attitude()

    task = score_task(attitude, best_scores_except(attitude, punctuality=1))

    assert (task.points, task.max_points) == (15, 16)
    assert task.critical_failures == ()
    assert task.passed


def test_zero_on_an_ordinary_attitude_item_does_not_fail_a_high_total():
    attitude = onboarding_attitude()

    task = score_task(attitude, best_scores_except(attitude, teamwork=0))

    assert task.critical_failures == ()
    assert task.passed


@pytest.mark.parametrize(
    ("name", "checklist"), [pytest.param(*pair, id=pair[0]) for pair in shipped_checklists()]
)
def test_every_shipped_checklist_item_says_what_0_1_and_2_look_like(name, checklist):
    for item in checklist.items:
        assert [score for score, _label in item.scale] == [0, 1, 2], (name, item.id)
        bare = [label for _score, label in item.scale if label in BARE_LABELS]
        assert bare == [], (name, item.id, bare)
