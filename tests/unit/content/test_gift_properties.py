"""Properties of the GIFT converter on generated input: it never raises, what it writes always
loads, and import → export → import gives the same questions."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from trainer.content.gift import export_gift, import_gift
from trainer.content.quiz import parse_quiz
from trainer.content.quiz_blocks import split_quiz

# Kept small so the content tests stay fast; each property also passed 3000 examples.
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def round_trip(text: str):
    """(first import, export of what it wrote, import of that export)."""
    first = import_gift(text)
    questions, problems = parse_quiz(first.quiz_md, "quiz.md") if first.imported else ([], [])
    assert problems == []
    assert [q.id for q in questions] == [q.id for q in first.questions]
    exported = export_gift(questions)
    return first, exported, import_gift(exported.text)


# --- arbitrary text: fragments of GIFT syntax mixed with anything -----------------------------

FRAGMENTS = [
    *("::q1::", "::名字::", "::", "{", "}", "{}", "{T}", "{FALSE#no#yes}", "=", "~", "#", "####"),
    *("->", "=a -> b", "~%50%", "=%50%", "%-100%", "{#", "#5:1", "#1..2", "..", ":", "\\"),
    *("\\~", "\\=", "\\#", "\\{", "\\}", "\\:", "\\n", "\\\\", "[html]", "[markdown]", "[plain]"),
    *("<p>", "</p>", "<b>", "<img src=x>", "<a href='https://x.org'>", "&amp;", "$CATEGORY: a/b"),
    *("// [tag:t] [id:x] [points:2]", "//", "", "", "\t", "  ", "\r\n", "\r", "\ufeff", "____"),
    *("## h", "- [x] a", "- = a", "解析：x", "```", "问题", "答案", "a", "b", "1", "-5", "x=y"),
]
documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=40).map(
    lambda parts: "".join(part if i % 3 else part + "\n" for i, part in enumerate(parts))
)


@settings(FAST, max_examples=120)
@given(documents)
@example("::q1::\n{T}____::q1::\n")  # the blank ran into the text's underscores
@example("{T}\n```\r\n\nSecond{F}\n")  # an open ``` fence swallowed the questions after it
@example("{T}\n```\n## h\n```\n")  # a closed one holds text, not a question
def test_any_text_is_converted_or_reported_and_never_raises(text):
    first, exported, again = round_trip(text)

    lines = max(1, len(re.split(r"\r\n|\r|\n", text)))
    assert all(0 <= entry.line <= lines for entry in first.not_converted)
    assert "gift-unexpected" not in {entry.reason_code for entry in first.not_converted}
    # One `## id` block per question: a `## ` line in a code sample is text, not a question.
    assert len(split_quiz(first.quiz_md, "quiz.md")[0]) == first.imported
    assert again.quiz_md == first.quiz_md
    assert first.summary() == (
        f"imported {first.imported} questions; {len(first.not_converted)} not converted"
    )


@pytest.mark.parametrize(
    "text",
    [
        "::q1::\n{T}____::q1::\n",  # found by the property above
        "____{T}::q1::",
        "a__{T}__b",
        "Name{=a}_ here",
        "[html]x&#95;{T}y",
    ],
)
def test_a_missing_word_blank_next_to_underscores_survives_the_round_trip(text):
    first, exported, again = round_trip(text)

    assert first.imported == 1
    assert again.quiz_md == first.quiz_md


# --- generated questions of every GIFT kind ---------------------------------------------------

SAFE = "abcxyz ABC 0123 迎宾顾客问候？，。!?'\"()*.-/"
SPECIAL = "~=#{}:\\"
words = st.text(alphabet=SAFE + SPECIAL, min_size=1, max_size=12).map(str.strip).filter(bool)
clean_words = st.text(alphabet=SAFE, min_size=1, max_size=12).map(str.strip).filter(bool)


def gift_escape(text: str) -> str:
    return re.sub(r"([~=#{}:\\])", r"\\\1", text).replace("\n", "\\n")


@st.composite
def gift_question(draw, text=words):
    def answer(marker: str, weight: str = "") -> str:
        feedback = draw(st.one_of(st.just(""), text.map(lambda t: "#" + gift_escape(t))))
        return f"{marker}{weight}{gift_escape(draw(text))}{feedback}"

    kind = draw(st.sampled_from(["single", "multi", "tf", "short", "match", "num", "range"]))

    def share() -> str:  # partial credit: our single choice, fill-in and numerical keep it
        return draw(st.sampled_from(["", "", "%0%", "%25%", "%50%", "%33.3%"]))

    def feedback() -> str:
        return draw(st.one_of(st.just(""), text.map(gift_escape)))

    if kind == "single":
        wrong = [answer("~", share()) for _ in range(draw(st.integers(1, 4)))]
        position = draw(st.integers(0, len(wrong)))
        answers = [*wrong[:position], answer("="), *wrong[position:]]
    elif kind == "multi":
        weights = draw(st.sampled_from([["100"], ["50", "50"], ["25", "25", "50"], ["20"] * 5]))
        negatives = draw(st.lists(st.sampled_from(["-100", "-50", "0"]), min_size=1, max_size=3))
        answers = [answer("~", f"%{weight}%") for weight in weights + negatives]
    elif kind == "tf":
        word = draw(st.sampled_from(["T", "TRUE", "F", "FALSE"]))
        wrong, right = feedback(), feedback()
        answers = [word + (f"#{wrong}#{right}" if right else f"#{wrong}" if wrong else "")]
    elif kind == "short":
        answers = [answer("="), *(answer("=", share()) for _ in range(draw(st.integers(0, 2))))]
    elif kind == "match":
        lefts = draw(st.lists(text, min_size=3, max_size=5, unique_by=str.casefold))
        answers = [f"={gift_escape(left)} -> {gift_escape(draw(text))}" for left in lefts]
    elif kind == "num" and draw(st.booleans()):
        answers = [f"#{draw(st.integers(-500, 500))}:{draw(st.integers(0, 9))}"]
    elif kind == "num":  # several answers, partial credit, feedback, any other number
        values = [f"{draw(st.integers(-500, 500))}:{draw(st.integers(0, 9))}" for _ in range(3)]
        weights = ["", *(share() for _ in values[1:])]
        answers = ["#"]
        for value, weight in zip(values, weights, strict=True):
            note = feedback()
            answers.append(f"={weight}{value}" + (f"#{note}" if note else ""))
        other = feedback()
        answers += [f"~#{other}"] if other else []
    else:
        low = draw(st.integers(-50, 50))
        answers = [f"#{low}..{low + draw(st.integers(0, 50))}"]
    general = draw(st.one_of(st.just(""), text.map(lambda t: "####" + gift_escape(t))))
    name = draw(st.one_of(st.just(""), text.map(lambda t: f"::{gift_escape(t)}::")))
    before = gift_escape(draw(text.filter(lambda t: not t.startswith("//"))))  # a comment
    after = draw(st.one_of(st.just(""), text.map(lambda t: " " + gift_escape(t))))
    section = "{\n\t" + "\n\t".join(answers) + (f"\n\t{general}" if general else "") + "\n}"
    return f"{name}{before} {section}{after}"


@st.composite
def gift_file(draw, text=words):
    questions = draw(st.lists(gift_question(text), min_size=1, max_size=6))
    category = draw(st.one_of(st.just(""), text.map(lambda t: f"$CATEGORY: top/{t}\n\n")))
    return category + "\n\n".join(questions), len(questions)


@FAST
@given(gift_file())
def test_import_export_import_gives_the_same_questions(generated):
    text, _ = generated
    first, exported, again = round_trip(text)

    assert exported.not_exported == []
    assert again.quiz_md == first.quiz_md
    assert again.not_converted == [] or again.imported == first.imported


@FAST
@given(gift_file(text=clean_words))
def test_well_formed_questions_are_all_imported(generated):
    text, count = generated
    first, exported, again = round_trip(text)

    assert first.imported == count, first.not_converted
    assert first.not_converted == []  # no partial credit or feedback is dropped
    assert again.quiz_md == first.quiz_md
    assert exported.exported == count
