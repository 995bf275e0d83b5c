"""Between what the page shows (opaque tokens, form fields) and what the bank grades (keys).

Form field names for the question at position i of an attempt:
    single, truefalse, fill, numerical:  q{i}
    multiple:                             q{i} (several values)
    ordering:                             q{i}-{item token} = chosen position (1..n)
    matching:                             q{i}-{left key} = right-side token
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from trainer.content import Question
from trainer.content.normalise import parse_decimal

MAX_TEXT_ANSWER = 200


class AnswerError(ValueError):
    """An answer the page could not have produced, or a number that is not a number."""

    def __init__(self, code: str, question_id: str):
        super().__init__(code)
        self.code = code
        self.question_id = question_id


def asked_question(question: Question) -> Question:
    return getattr(question, "asked", None) or question


def _token_map(entry: dict, field: str) -> dict[str, str]:
    return {token: key for token, key in entry.get(field, [])}


def response_from_form(question: Question, entry: dict, index: int, form) -> object | None:
    """The response in bank keys, None when the question was left unanswered."""
    asked = asked_question(question)
    name = f"q{index}"
    kind = asked.type

    def fail(code: str) -> AnswerError:
        return AnswerError(code, question.id)

    if kind in ("single", "multiple"):
        options = _token_map(entry, "options")
        tokens = form.getlist(name)
        if any(token not in options for token in tokens):
            raise fail("unknown-option")
        if not tokens:
            return None
        if kind == "single":
            if len(tokens) > 1:
                raise fail("one-option-only")
            return options[tokens[0]]
        return sorted({options[token] for token in tokens})
    if kind == "truefalse":
        value = form.get(name, "")
        if value == "":
            return None
        if value not in ("true", "false"):
            raise fail("unknown-option")
        return value == "true"
    if kind in ("fill", "numerical"):
        text = (form.get(name) or "").strip()
        if not text:
            return None
        if len(text) > MAX_TEXT_ANSWER:
            raise fail("too-long")
        if kind == "numerical" and parse_decimal(text) is None:
            raise fail("not-a-number")
        return text
    if kind == "ordering":
        items = _token_map(entry, "items")
        chosen = {token: form.get(f"{name}-{token}", "") for token in items}
        if all(value == "" for value in chosen.values()):
            return None
        positions = {}
        for token, value in chosen.items():
            if not value.isdigit() or not 1 <= int(value) <= len(items):
                raise fail("incomplete-order")
            positions[token] = int(value)
        if len(set(positions.values())) != len(positions):
            raise fail("position-twice")
        return [items[token] for token in sorted(positions, key=positions.get)]
    if kind == "matching":
        rights = _token_map(entry, "rights")
        response = {}
        for pair in asked.pairs:
            token = form.get(f"{name}-{pair.left_key}", "")
            if token == "":
                continue
            if token not in rights:
                raise fail("unknown-option")
            response[pair.left_key] = rights[token]
        return response or None
    raise fail("unknown-type")


def form_values(question: Question, entry: dict, index: int, response: object) -> dict:
    """The saved response as form values, so a reloaded page shows what was answered."""
    if response is None:
        return {}
    asked = asked_question(question)
    name = f"q{index}"
    kind = asked.type
    if kind in ("single", "multiple"):
        keys = {response} if kind == "single" else set(response)
        return {name: [token for token, key in entry.get("options", []) if key in keys]}
    if kind == "truefalse":
        return {name: ["true" if response else "false"]}
    if kind in ("fill", "numerical"):
        return {name: [str(response)]}
    if kind == "ordering":
        position_of = {key: position for position, key in enumerate(response, start=1)}
        return {f"{name}-{token}": [str(position_of.get(key, ""))]
                for token, key in entry.get("items", [])}
    if kind == "matching" and isinstance(response, Mapping):
        token_of = {key: token for token, key in entry.get("rights", [])}
        return {f"{name}-{left}": [token_of.get(right, "")] for left, right in response.items()}
    return {}


def describe_response(question: Question, response: object) -> str:
    """The learner's answer in words, for the review page and the trainers' attempt list."""
    if response is None:
        return ""
    asked = asked_question(question)
    if asked.type in ("single", "multiple"):
        keys = {response} if isinstance(response, str) else set(response)
        return "；".join(o.text for o in asked.options if o.key in keys)
    if asked.type == "ordering":
        text_of = {item.key: item.text for item in asked.items}
        return " → ".join(text_of.get(key, "?") for key in response)
    if asked.type == "matching":
        left_of = {pair.left_key: pair.left for pair in asked.pairs}
        right_of = {pair.right_key: pair.right for pair in asked.pairs}
        return "；".join(f"{left_of.get(k, '?')} → {right_of.get(v, '?')}"
                        for k, v in response.items())
    if isinstance(response, bool):
        return "✓" if response else "✗"
    if isinstance(response, Decimal):
        return str(response)
    return str(response)
