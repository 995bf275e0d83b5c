"""The importer on GIFT files of the kind Moodle users keep (tests/fixtures/gift/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.content.gift import export_gift, import_gift, import_gift_bytes
from trainer.content.quiz import parse_quiz

GIFT_FILES = Path(__file__).resolve().parents[2] / "fixtures" / "gift"
REAL_FILES = sorted(path.name for path in GIFT_FILES.glob("*.gift") if path.stem != "malformed")

# What each file converts to: (questions imported, [(line, reason code) not converted]).
EXPECTED = {
    "moodle-doc-examples.gift": (
        29,
        [
            (46, "gift-matching-too-few"),
            (121, "gift-essay"),
            (153, "gift-description"),
            (157, "gift-essay"),
        ],
    ),
    "store-service-windows.gift": (
        12,
        [
            (66, "gift-description"),
            (69, "gift-several-right-answers"),
        ],
    ),
    "front-desk-moodle-export.gift": (
        8,
        [
            (15, "gift-html-image"),
            (47, "gift-matching-distractor"),
            (51, "gift-essay"),
            (54, "gift-description"),
        ],
    ),
    "call-centre-bank.gift": (
        19,
        [
            (93, "gift-essay"),
            (96, "gift-description"),
            (98, "gift-numerical-invalid"),
        ],
    ),
}


def load(name: str):
    return import_gift_bytes((GIFT_FILES / name).read_bytes())


def test_every_real_file_has_expectations():
    assert set(REAL_FILES) == set(EXPECTED)


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_file_converts_as_expected_and_loads(name):
    result = load(name)
    questions, problems = parse_quiz(result.quiz_md, "quiz.md")

    assert problems == []
    assert len(questions) == result.imported
    assert (result.imported, [(e.line, e.reason_code) for e in result.not_converted]) == (
        EXPECTED[name]
    )
    assert all(entry.message_zh and entry.message_en for entry in result.not_converted)
    assert result.summary() == (
        f"imported {EXPECTED[name][0]} questions; {len(EXPECTED[name][1])} not converted"
    )


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_file_round_trips(name):
    first = load(name)
    questions, _ = parse_quiz(first.quiz_md, "quiz.md")
    exported = export_gift(questions)
    again = import_gift(exported.text)

    assert exported.not_exported == []
    assert again.quiz_md == first.quiz_md
    assert again.not_converted == []


def test_windows_file_really_has_a_bom_and_crlf():
    data = (GIFT_FILES / "store-service-windows.gift").read_bytes()

    assert data.startswith("\ufeff".encode()) and b"\r\n" in data


def test_chinese_bank_keeps_categories_feedback_and_explanations():
    questions, _ = parse_quiz(load("store-service-windows.gift").quiz_md, "quiz.md")
    by_text = {question.text.split("\n")[0]: question for question in questions}

    greet = by_text["顾客走进店铺后，导购最迟应在多长时间内主动问候？"]
    assert greet.id == "greet-01"
    assert greet.tags == ("门店服务", "迎宾", "礼貌用语")
    assert greet.options[0].feedback == "太慢了，顾客已经开始觉得被冷落。"
    fitting = next(q for q in questions if q.text.startswith("顾客要试穿时"))
    assert [option.weight for option in fitting.options] == [33.333, 33.333, 33.334, -100.0]
    assert by_text["改裤长一般需要多少分钟？"].explanation == "告诉顾客具体的取裤时间。"
    card = next(q for q in questions if q.text.startswith("会员卡号"))
    assert "格式是 {8 位数字}，满 500 = 减 50 的活动时间: 周末" in card.text


def test_malformed_file_reports_every_problem_at_its_line():
    result = load("malformed.gift")

    assert [q.id for q in result.questions] == ["ok-before", "ok-after", "ok-last"]
    assert [(e.line, e.reason_code) for e in result.not_converted] == [
        (6, "gift-brace-unclosed"),
        (12, "gift-answer-no-marker"),
        (14, "gift-name-unclosed"),
        (16, "gift-brace-unopened"),
        (18, "gift-brace-nested"),
        (21, "gift-several-answer-blocks"),
        (23, "gift-weights-sum"),
        (25, "gift-weight-invalid"),
        (27, "gift-empty-answer"),
        (29, "gift-too-few-answers"),
        (31, "gift-matching-pair"),
        (33, "gift-no-right-answer"),
        (35, "gift-numerical-range"),
        (37, "gift-numerical-range"),
        (39, "gift-no-text"),
        (41, "gift-brace-unopened"),
    ]
    assert result.summary() == "imported 3 questions; 16 not converted"
    unclosed = result.not_converted[0]
    assert "\\{" in unclosed.message_zh and "\\{" in unclosed.message_en
