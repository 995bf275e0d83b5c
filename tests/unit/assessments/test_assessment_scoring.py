"""Scoring a checklist: weights, pass mark, critical items — plain functions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.assessments.scoring import ScoringError, missing_items, score_task
from trainer.content.model import Checklist, ChecklistItem, ChecklistStep

LEVELS = ((0, "未做到"), (1, "部分做到"), (2, "完全做到"))
PASS_FAIL = ((0, "未通过"), (1, "通过"))


def item(item_id, *, critical=False, weight=1, scale=LEVELS):
    return ChecklistItem(
        id=item_id,
        title=f"项目 {item_id}",
        critical=critical,
        weight=weight,
        scale=scale,
        should=("应该",),
        should_not=(),
        line=1,
    )


def checklist(*items, pass_mark=80):
    return Checklist(
        title="考核", pass_mark=pass_mark, intro="", steps=(ChecklistStep("第一步", tuple(items)),)
    )


SALES_LIKE = checklist(
    item("greet", critical=True, weight=3),
    item("ask", weight=2),
    item("promise", critical=True, weight=2, scale=PASS_FAIL),
    item("farewell"),
)


def test_score_is_weighted_percent_of_the_maximum():
    task = score_task(SALES_LIKE, {"greet": 2, "ask": 1, "promise": 1, "farewell": 2})
    # 3×2 + 2×1 + 2×1 + 1×2 = 12 of 3×2 + 2×2 + 2×1 + 1×2 = 14
    assert (task.points, task.max_points) == (12, 14)
    assert task.percent == 85.7
    assert task.passed


def test_a_critical_item_at_zero_fails_the_task_whatever_the_total():
    task = score_task(SALES_LIKE, {"greet": 2, "ask": 2, "promise": 0, "farewell": 2})
    assert task.percent == 85.7 and task.reaches_pass_mark
    assert task.critical_failures == ("promise",)
    assert not task.passed


def test_a_non_critical_item_at_zero_only_costs_points():
    task = score_task(SALES_LIKE, {"greet": 2, "ask": 2, "promise": 1, "farewell": 0})
    assert task.critical_failures == () and task.passed  # 12/14


def test_partly_done_critical_item_is_not_a_critical_failure():
    task = score_task(SALES_LIKE, {"greet": 1, "ask": 2, "promise": 1, "farewell": 2})
    assert task.critical_failures == ()
    assert task.points == 11 and not task.passed  # 78.6 % is under the pass mark


def test_pass_mark_is_compared_exactly_not_in_floating_point():
    # 5 items of weight 1 on 0/1: 4 of 5 is exactly 80 %.
    five = checklist(*(item(str(n), scale=PASS_FAIL) for n in range(5)), pass_mark=80)
    four = {str(n): 1 for n in range(4)} | {"4": 0}
    assert score_task(five, four).passed
    three = {str(n): 1 for n in range(3)} | {"3": 0, "4": 0}
    assert not score_task(five, three).passed


def test_missing_and_off_scale_scores_are_named():
    with pytest.raises(ScoringError) as caught:
        score_task(SALES_LIKE, {"greet": 2, "ask": 5, "promise": None})
    assert [i.id for i in caught.value.missing] == ["promise", "farewell"]
    assert [i.id for i in caught.value.invalid] == ["ask"]
    assert [i.id for i in missing_items(SALES_LIKE, {})] == ["greet", "ask", "promise", "farewell"]


items_strategy = st.lists(
    st.builds(
        lambda critical, weight, levels: (critical, weight, levels),
        st.booleans(),
        st.integers(1, 5),
        st.integers(2, 5),
    ),
    min_size=1,
    max_size=8,
)


def build(spec, pass_mark):
    return checklist(
        *(
            item(
                f"i{n}",
                critical=critical,
                weight=weight,
                scale=tuple((s, f"L{s}") for s in range(levels)),
            )
            for n, (critical, weight, levels) in enumerate(spec)
        ),
        pass_mark=pass_mark,
    )


@given(items_strategy, st.integers(1, 100), st.data())
def test_properties_of_any_complete_scoring(spec, pass_mark, data):
    sheet = build(spec, pass_mark)
    scores = {i.id: data.draw(st.integers(0, i.max_score)) for i in sheet.items}
    task = score_task(sheet, scores)
    assert 0 <= task.percent <= 100
    if any(i.critical and scores[i.id] == 0 for i in sheet.items):
        assert not task.passed
    # Raising any one score never turns a pass into a fail.
    raised = dict(scores)
    target = data.draw(st.sampled_from(sheet.items))
    raised[target.id] = min(target.max_score, raised[target.id] + 1)
    if task.passed:
        assert score_task(sheet, raised).passed


@given(items_strategy, st.integers(1, 100))
def test_full_marks_always_pass(spec, pass_mark):
    sheet = build(spec, pass_mark)
    task = score_task(sheet, {i.id: i.max_score for i in sheet.items})
    assert task.percent == 100 and task.passed
