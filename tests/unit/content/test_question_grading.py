"""Grading each question type the way a trainer expects, and never raising on odd input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.content import grade_response
from trainer.content.normalise import normalise_fill_answer, parse_decimal
from trainer.content.question_types.fill import FillAnswer, FillQuestion
from trainer.content.question_types.numerical import NumericalAnswer, NumericalQuestion


@pytest.fixture
def bank(course):
    loaded, _ = course.load()
    return {question.id: question for question in loaded.questions}


def test_single_choice(bank):
    question = bank["greet-within-3-seconds"]

    assert grade_response(question, "o2") == 1.0
    assert grade_response(question, "o1") == 0.0
    assert grade_response(question, ["o2"]) == 0.0


def test_multiple_choice_is_all_or_nothing(bank):
    question = bank["welcome-phrases"]

    assert grade_response(question, ["o1", "o2"]) == 1.0
    assert grade_response(question, {"o2", "o1"}) == 1.0
    assert grade_response(question, ["o1"]) == 0.0
    assert grade_response(question, ["o1", "o2", "o3"]) == 0.0
    assert grade_response(question, []) == 0.0


def test_weighted_multiple_choice_adds_percentages_and_never_goes_below_zero(bank):
    question = bank["fitting-room-actions"]

    assert grade_response(question, ["o1", "o2"]) == 1.0
    assert grade_response(question, ["o1"]) == 0.5
    assert grade_response(question, ["o1", "o2", "o4"]) == 1.0
    assert grade_response(question, ["o1", "o3"]) == 0.0
    assert grade_response(question, ["o3"]) == 0.0, "negative marks are clamped at zero"
    assert grade_response(question, ["o1", "o1"]) == 0.5, "choosing twice counts once"


def test_true_false(bank):
    question = bank["alteration-promise"]

    assert grade_response(question, False) == 1.0
    assert grade_response(question, "false") == 1.0
    assert grade_response(question, True) == 0.0
    assert grade_response(question, None) == 0.0


@pytest.mark.parametrize("typed", ["3", "３", " 3 ", "三", "三 "])
def test_fill_ignores_width_spaces_and_case(bank, typed):
    assert grade_response(bank["greeting-time"], typed) == 1.0


def test_fill_wrong_or_empty_answer(bank):
    assert grade_response(bank["greeting-time"], "5") == 0.0
    assert grade_response(bank["greeting-time"], "") == 0.0


def test_ordering_is_all_or_nothing(bank):
    question = bank["seven-steps-order"]
    first, second, third = question.correct_order

    assert grade_response(question, [first, second, third]) == 1.0
    assert grade_response(question, [second, first, third]) == 0.0
    assert grade_response(question, [first, second]) == 0.0


def test_matching_scores_each_correct_pair(bank):
    question = bank["phrase-matching"]
    right = {pair.left_key: pair.right_key for pair in question.pairs}
    swapped = dict(right, l1=right["l2"], l2=right["l1"])

    assert grade_response(question, right) == 1.0
    assert grade_response(question, swapped) == pytest.approx(1 / 3)
    assert grade_response(question, {}) == 0.0


@pytest.mark.parametrize(
    ("typed", "score"),
    [("15", 1.0), ("10", 1.0), ("20", 1.0), ("20.5", 0.0), ("9.99", 0.0), ("１５", 1.0)],
)
def test_numerical_with_tolerance(bank, typed, score):
    assert grade_response(bank["alteration-minutes"], typed) == score


@pytest.mark.parametrize("typed", ["十五", "15分钟", "", "nan", "inf", "1e999999", "--3", None])
def test_numerical_non_numeric_input_scores_zero(bank, typed):
    assert grade_response(bank["alteration-minutes"], typed) == 0.0


def test_numerical_range(bank):
    question = bank["fitting-room-count"]

    assert [grade_response(question, typed) for typed in ("1", "2", "3.5", "4", "5")] == [
        0.0,
        1.0,
        1.0,
        1.0,
        0.0,
    ]


def test_scenario_grades_the_question_it_asks(bank):
    question = bank["complaint-case-aisle"]

    assert grade_response(question, ["o1", "o2"]) == 1.0
    assert grade_response(question, ["o3"]) == 0.0


@pytest.mark.parametrize(
    "response", [None, 42, 3.5, "o1", ["o1"], {"l1": "x"}, [["unhashable"]], object()]
)
def test_no_type_raises_on_garbage(bank, response):
    for question in bank.values():
        assert 0.0 <= grade_response(question, response) <= 1.0


# --- properties -----------------------------------------------------------------------

FULL_WIDTH = {chr(code): chr(code + 0xFEE0) for code in range(0x21, 0x7F)}


def _fill(accepted: str) -> FillQuestion:
    return FillQuestion(
        id="q",
        type="fill",
        points=1,
        tags=(),
        difficulty=None,
        text="____",
        explanation="",
        line=1,
        answers=(FillAnswer(accepted, 100.0, "", 1),),
    )


answers = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1)


@given(answers)
def test_fill_normaliser_is_idempotent(text):
    once = normalise_fill_answer(text)

    assert normalise_fill_answer(once) == once


@given(st.text(alphabet="abcXYZ019 -，。迎宾", min_size=1), st.data())
def test_fill_accepts_case_width_and_space_variants(answer, data):
    if not normalise_fill_answer(answer):
        return
    variant = answer.upper() if data.draw(st.booleans()) else answer.lower()
    variant = "".join(
        FULL_WIDTH.get(char, char) if data.draw(st.booleans()) else char for char in variant
    )
    variant = data.draw(st.sampled_from(["", " ", "\u3000"])) + variant.replace(" ", "  ") + " "

    assert grade_response(_fill(answer), variant) == 1.0


def _numerical(answer: Decimal, tolerance: Decimal) -> NumericalQuestion:
    return NumericalQuestion(
        id="n",
        type="numerical",
        points=1,
        tags=(),
        difficulty=None,
        text="?",
        explanation="",
        line=1,
        answers=(NumericalAnswer(float(answer), float(tolerance), None, None),),
    )


decimals = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False)
tolerances = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)


@given(decimals, tolerances, st.decimals(min_value=-1, max_value=1, places=2))
def test_numerical_within_tolerance_is_right(answer, tolerance, fraction):
    typed = answer + tolerance * fraction

    assert grade_response(_numerical(answer, tolerance), str(typed)) == 1.0


@given(decimals, tolerances, st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2))
def test_numerical_outside_tolerance_is_wrong(answer, tolerance, beyond):
    question = _numerical(answer, tolerance)

    assert grade_response(question, str(answer + tolerance + beyond)) == 0.0
    assert grade_response(question, str(answer - tolerance - beyond)) == 0.0


@settings(max_examples=300)
@given(st.text())
def test_numerical_any_text_scores_zero_or_one_without_raising(text):
    score = grade_response(_numerical(Decimal(15), Decimal(1)), text)

    assert score in (0.0, 1.0)
    assert score == (
        1.0 if (value := parse_decimal(text)) is not None and 14 <= value <= 16 else 0.0
    )


def test_decimal_tolerance_is_exact():
    question = _numerical(Decimal("1.2"), Decimal("0.1"))

    assert grade_response(question, "1.3") == 1.0
    assert grade_response(question, "1.1") == 1.0
    assert grade_response(question, "1.31") == 0.0
