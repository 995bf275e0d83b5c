"""`matching`: pair each left side with its right side (shown shuffled); each pair right
earns its share of the points. Feedback under a pair is shown at review to a learner who
matched its left side wrongly.

    - 试衣间 => 主动递送尺码
      > 顾客不用穿着试穿的衣服出来找。
    - 收银台 => 双手递还银行卡
    - 门口 => 三秒问候
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from trainer.content.gift.question import formatted, one_line, shorten
from trainer.content.gift.syntax import GiftAnswers, GiftLoss, escape
from trainer.content.model import Problem
from trainer.content.question_model import Question
from trainer.content.question_parsing import feedback_lines, stable_key
from trainer.content.question_types import register
from trainer.content.question_types.base import (
    AnswerError,
    QuestionType,
    shuffled_tokens,
    token_map,
)

MATCHING_LINE = re.compile(r"^[-*+]\s+(.+?)\s*=>\s*(.+?)\s*$")


@dataclass(frozen=True)
class MatchingPair:
    left_key: str  # "l1".."ln": left sides are shown in the written order
    left: str
    right_key: str  # derived from the text: right sides are shown shuffled
    right: str
    line: int
    feedback: str = ""


@dataclass(frozen=True, kw_only=True)
class MatchingQuestion(Question):
    pairs: tuple[MatchingPair, ...]

    def wrong_pairs(self, response: object) -> list[MatchingPair]:
        """The pairs whose left side the learner matched wrongly or left unmatched."""
        given = response if isinstance(response, Mapping) else {}
        return [pair for pair in self.pairs if given.get(pair.left_key) != pair.right_key]


@register
class Matching(QuestionType):
    """Form fields: `{name}-{left key}` = the token of the chosen right side."""

    name = "matching"
    answer_line = MATCHING_LINE
    has_feedback = True
    gift_order = 30

    @classmethod
    def build(cls, block, common, text, answers, problems):
        pairs = tuple(
            MatchingPair(
                left_key=f"l{number}",
                left=answer.groups[0],
                right_key=stable_key("r", block.id, answer.groups[1]),
                right=answer.groups[1],
                line=answer.line,
                feedback=answer.feedback,
            )
            for number, answer in enumerate(answers, start=1)
        )
        if len(pairs) < 3:
            problems.append(
                Problem.error(block.file, block.line, "matching-too-few", found=len(pairs))
            )
        seen: set[str] = set()
        for pair in pairs:
            if pair.left in seen:
                problems.append(
                    Problem.error(block.file, pair.line, "matching-duplicate-left", left=pair.left)
                )
            seen.add(pair.left)
        if common is None:
            return None
        return MatchingQuestion(**common.fields(text), pairs=pairs)

    @classmethod
    def to_quiz_md(cls, question):
        lines = []
        for pair in question.pairs:
            lines += [f"- {pair.left} => {pair.right}", *feedback_lines(pair.feedback)]
        return {}, lines

    @classmethod
    def freeze(cls, question, rng):
        return {"rights": shuffled_tokens(sorted({p.right_key for p in question.pairs}), rng)}

    @classmethod
    def read_form(cls, question, entry, name, form):
        rights = token_map(entry, "rights")
        response = {}
        for pair in question.pairs:
            token = form.get(f"{name}-{pair.left_key}", "")
            if token == "":
                continue
            if token not in rights:
                raise AnswerError("unknown-option", question.id)
            response[pair.left_key] = rights[token]
        return response or None

    @classmethod
    def form_values(cls, question, entry, name, response):
        if not isinstance(response, Mapping):
            return {}
        token_of = {key: token for token, key in entry.get("rights", [])}
        return {f"{name}-{left}": [token_of.get(right, "")] for left, right in response.items()}

    @classmethod
    def grade(cls, question, response):
        if not isinstance(response, Mapping) or not question.pairs:
            return 0.0
        right = sum(1 for pair in question.pairs if response.get(pair.left_key) == pair.right_key)
        return right / len(question.pairs)

    @classmethod
    def describe(cls, question, response):
        left_of = {pair.left_key: pair.left for pair in question.pairs}
        right_of = {pair.right_key: pair.right for pair in question.pairs}
        return "；".join(
            f"{left_of.get(k, '?')} → {right_of.get(v, '?')}" for k, v in response.items()
        )

    @classmethod
    def gift_claims(cls, answers):
        return answers.find("=") >= 0 and answers.find("->") >= 0

    @classmethod
    def from_gift(cls, question, report):
        head, parts = question.answers.split_before("=")
        if head.strip().text:
            report.error(head.strip().line, "gift-answer-no-marker", text=shorten(head.text))
            return None
        pairs = []
        for part in parts:
            body = part[1:].strip()
            arrow = body.find("->")
            if arrow < 0:
                report.error(part.line, "gift-matching-pair")
                return None
            left, _ = formatted(body[:arrow].text, question.html, part.line, report)
            left, right = one_line(left), one_line(body[arrow + 2 :].text)
            if not right:
                report.error(part.line, "gift-empty-answer")
                return None
            if not left:  # Moodle: a right side with no left is an extra wrong choice
                report.error(part.line, "gift-matching-distractor", text=shorten(right))
                continue
            pairs.append(MatchingPair(f"l{len(pairs) + 1}", left, "r", right, part.line))
        if len(pairs) < 3:
            report.error(question.line, "gift-matching-too-few", found=len(pairs))
            return None
        return MatchingQuestion(**question.fields(cls.name), pairs=tuple(pairs))

    @classmethod
    def to_gift(cls, question):
        # GIFT splits a pair at its first `->`, which cannot be escaped.
        arrow = next((pair.left for pair in question.pairs if "->" in pair.left), None)
        if arrow is not None:
            return GiftAnswers.unsupported(code="gift-export-arrow", text=arrow)
        # GIFT's matching pairs have no feedback of their own.
        losses = tuple(
            GiftLoss.of(code="gift-export-pair-feedback", text=shorten(pair.left))
            for pair in question.pairs
            if pair.feedback
        )
        return GiftAnswers(
            tuple(
                f"={escape(pair.left)} -> {escape(pair.right, formatted=False)}"
                for pair in question.pairs
            ),
            losses=losses,
        )
