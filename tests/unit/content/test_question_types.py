"""Every registered question type is whole: its module implements the whole contract of
QuestionType and its template has the four macros the pages call."""

import re
from pathlib import Path

import pytest

from trainer.content.question_types import QUESTION_TYPES, QuestionType

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
MACROS = ("stem", "inputs", "answer_key", "feedback")
ALWAYS = ("read_form", "form_values", "grade", "to_gift", "to_quiz_md")


def _overrides(kind: type[QuestionType], method: str) -> bool:
    return getattr(kind, method).__func__ is not getattr(QuestionType, method).__func__


def test_the_built_in_types():
    assert set(QUESTION_TYPES) == {
        "single",
        "multiple",
        "truefalse",
        "fill",
        "ordering",
        "matching",
        "numerical",
        "scenario",
    }


@pytest.mark.parametrize("name", sorted(QUESTION_TYPES))
def test_each_type_implements_every_method(name):
    kind = QUESTION_TYPES[name]
    assert kind.name == name
    missing = [method for method in ALWAYS if not _overrides(kind, method)]
    if not (_overrides(kind, "build") or _overrides(kind, "parse")):
        missing.append("build")
    if kind.gift_order is not None:  # imported from GIFT: says which sections, and how
        missing += [m for m in ("gift_claims", "from_gift") if not _overrides(kind, m)]
    assert missing == []


@pytest.mark.parametrize("name", sorted(QUESTION_TYPES))
def test_each_type_has_its_template_with_the_four_macros(name):
    template = QUESTION_TYPES[name].template
    assert template == f"quizzes/types/{name}.html"
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    defined = set(re.findall(r"{%-?\s*macro\s+(\w+)\(", source))
    # your_answer(q, response, described) is optional: the learner's answer in the page's
    # own words on the review (true/false: 对/错), where the plain description would not do.
    assert set(MACROS) <= defined <= set(MACROS) | {"your_answer"}


def test_gift_import_order_follows_moodle():
    """Moodle: numerical (#…) before multiple choice (~) before matching (= and ->) before
    true/false before short answer (anything else)."""
    order = sorted(
        (kind.gift_order, kind.name) for kind in QUESTION_TYPES.values() if kind.gift_order
    )
    assert [name for _, name in order] == [
        "numerical",
        "multiple",
        "single",
        "matching",
        "truefalse",
        "fill",
    ]
