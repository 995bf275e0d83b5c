"""“Add a question” forms, one per question type, that write quiz.md syntax for the trainer.

    form = FORMS[type_name]()                      # Flask-WTF: CSRF on, reads request.form
    new_text = add_question(type_name, form, quiz_md_text)
    if new_text is None: show the form again (its errors say what to change)

`add_question` is validate → `build_question` → `append_question`. Every block written is
read back with the quiz loader (`reads_back`); text quiz.md would read differently (a line
starting with `## ` or `- [x]`, a ``` left open) gets an error on its field instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from trainer.content.gift.quiz_md import question_markdown, reads_back
from trainer.content.normalise import parse_decimal
from trainer.content.question_model import Question
from trainer.content.question_parsing import TAG_SEPARATOR, split_credit, stable_key
from trainer.content.question_types import QUESTION_TYPES
from trainer.content.question_types._choice import Option
from trainer.content.question_types.fill import BLANKS, FillAnswer, FillQuestion
from trainer.content.question_types.matching import MatchingPair, MatchingQuestion
from trainer.content.question_types.multiple import MultipleChoiceQuestion
from trainer.content.question_types.numerical import NumericalAnswer, NumericalQuestion
from trainer.content.question_types.ordering import OrderingItem, OrderingQuestion
from trainer.content.question_types.scenario import ScenarioQuestion
from trainer.content.question_types.single import SingleChoiceQuestion
from trainer.content.question_types.truefalse import TrueFalseQuestion
from trainer.content.quiz import QUESTION_ID, parse_quiz
from trainer.content.quiz_blocks import split_quiz

MAX_ID_LENGTH = 60
MAX_POINTS = 100
CHOICE_ROWS = 5  # empty rows a new form shows; empty rows are ignored
PAIR_ROWS = 5
MAX_ROWS = 30
NUMBERED_ID = re.compile(r"^(.*?)(\d+)$")
FALLBACK_PREFIX = "q-"

TYPE_LABELS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "truefalse": _l("True or false"),
    "fill": _l("Fill in the blank"),
    "numerical": _l("Number"),
    "matching": _l("Matching pairs"),
    "ordering": _l("Ordering"),
    "scenario": _l("Scenario: a case, then a question about it"),
}
DIFFICULTY_CHOICES = [
    SelectChoice("", _l("Not set")),
    SelectChoice("easy", _l("Easy")),
    SelectChoice("medium", _l("Medium")),
    SelectChoice("hard", _l("Hard")),
]


class QuestionNotAdded(ValueError):
    """append_question without a form to report to: (field name or None, message)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- fields ------------------------------------------------------------------------------


class WholeNumberField(IntegerField):
    """An IntegerField whose “not a number” message says what to type."""

    def __init__(self, *args, not_a_number=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_a_number = not_a_number

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as exc:
            self.data = None
            raise ValueError(str(self.not_a_number)) from exc


class NotAfterProcessError:
    """Stops the validators when the value could not be read (its message is already there)."""

    def __call__(self, form, field):
        if field.process_errors:
            raise StopValidation()


class ChoiceRow(Form):
    text = StringField(_l("Choice"), validators=[Length(max=500)])
    correct = BooleanField(_l("Right choice"))
    feedback = StringField(_l("Feedback when chosen (optional)"), validators=[Length(max=500)])


class PairRow(Form):
    left = StringField(_l("Left side"), validators=[Length(max=300)])
    right = StringField(_l("Right side"), validators=[Length(max=300)])


class QuestionForm(FlaskForm):
    """The fields every question type has."""

    type_name: str = ""

    question_id = StringField(
        _l("Question id (optional)"),
        validators=[Optional(), Length(max=MAX_ID_LENGTH)],
        description=_l(
            "Lower-case letters, digits and -, e.g. greet-within-3-seconds. Leave it empty "
            "and the next free number is used. Never change it once learners have seen it."
        ),
    )
    text = TextAreaField(
        _l("Question text"),
        validators=[DataRequired(message=_l("Write the question text."))],
        description=_l("Markdown: **bold**, lists and links work."),
        render_kw={"rows": 4},
    )
    points = WholeNumberField(
        _l("Points"),
        default=1,
        not_a_number=_l("Enter the points as a whole number, such as 1 or 2."),
        validators=[
            InputRequired(message=_l("Enter the points as a whole number, such as 1 or 2.")),
            NotAfterProcessError(),
            NumberRange(
                min=1,
                max=MAX_POINTS,
                message=_l("Points must be a whole number from %(min)s to %(max)s."),
            ),
        ],
    )
    tags = StringField(
        _l("Tags (optional)"),
        validators=[Length(max=300)],
        description=_l("Topics, separated by commas, e.g. 迎宾, 试衣."),
    )
    difficulty = SelectField(_l("Difficulty"), choices=DIFFICULTY_CHOICES, default="")
    explanation = TextAreaField(
        _l("Explanation (optional)"),
        description=_l("Shown to learners when they review the quiz (解析)."),
        render_kw={"rows": 3},
    )

    # The type's own fields, in the order the form shows them.
    answer_fields: tuple[str, ...] = ()

    def validate_question_id(self, field):
        value = (field.data or "").strip()
        if value and not QUESTION_ID.match(value):
            raise ValidationError(
                _l(
                    "Use lower-case letters, digits and - only, e.g. greet-within-3-seconds; "
                    "or leave the id empty."
                )
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return _CHECKS[self.asked_type](self, self.question_text_field) and valid

    @property
    def asked_type(self) -> str:
        """The type whose answers this form holds (a scenario's: the type it asks)."""
        return self.type_name

    @property
    def question_text_field(self):
        """The field holding the text the answers belong to (a fill-in's blank is there)."""
        return self.text


class ChoiceFields:
    choices = FieldList(
        FormField(ChoiceRow), min_entries=CHOICE_ROWS, max_entries=MAX_ROWS, label=_l("Choices")
    )


class TrueFalseFields:
    answer = RadioField(
        _l("The statement is"),
        choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
        validate_choice=False,
    )


class FillFields:
    answers = TextAreaField(
        _l("Accepted answers"),
        description=_l(
            "One answer per line; any of them is right. Letter case, spaces and full- or "
            "half-width forms do not matter. Mark the blank in the question text with ____."
        ),
        render_kw={"rows": 3},
    )


class NumericalFields:
    value = StringField(_l("Right answer (a number)"))
    tolerance = StringField(
        _l("Allowed difference (optional)"),
        description=_l("E.g. 1: with answer 15, anything from 14 to 16 is right."),
    )


class MatchingFields:
    pairs = FieldList(
        FormField(PairRow), min_entries=PAIR_ROWS, max_entries=MAX_ROWS, label=_l("Pairs")
    )


class OrderingFields:
    items = TextAreaField(
        _l("Steps in the right order"),
        description=_l("One step per line, first step first. Learners see them shuffled."),
        render_kw={"rows": 5},
    )


class SingleForm(QuestionForm, ChoiceFields):
    type_name = "single"
    answer_fields = ("choices",)


class MultipleForm(QuestionForm, ChoiceFields):
    type_name = "multiple"
    answer_fields = ("choices",)


class TrueFalseForm(QuestionForm, TrueFalseFields):
    type_name = "truefalse"
    answer_fields = ("answer",)
    text = TextAreaField(
        _l("Statement"),
        validators=[DataRequired(message=_l("Write the statement learners judge."))],
        description=_l("A statement learners mark as true or false. Markdown works."),
        render_kw={"rows": 3},
    )


class FillForm(QuestionForm, FillFields):
    type_name = "fill"
    answer_fields = ("answers",)
    text = TextAreaField(
        _l("Question text"),
        validators=[DataRequired(message=_l("Write the question text."))],
        description=_l("Put four underscores ____ where the blank is."),
        render_kw={"rows": 4},
    )


class NumericalForm(QuestionForm, NumericalFields):
    type_name = "numerical"
    answer_fields = ("value", "tolerance")


class MatchingForm(QuestionForm, MatchingFields):
    type_name = "matching"
    answer_fields = ("pairs",)


class OrderingForm(QuestionForm, OrderingFields):
    type_name = "ordering"
    answer_fields = ("items",)


ASKABLE = ("single", "multiple", "truefalse", "fill", "numerical", "matching", "ordering")


class ScenarioForm(
    QuestionForm,
    ChoiceFields,
    TrueFalseFields,
    FillFields,
    NumericalFields,
    MatchingFields,
    OrderingFields,
):
    """The case, then a question of another type (`asks`) with that type's fields. A new
    form takes `asks` from the page's query string (?type=scenario&asks=fill)."""

    type_name = "scenario"
    text = TextAreaField(
        _l("Case"),
        validators=[DataRequired(message=_l("Describe the case the question is about."))],
        description=_l("What happened, as learners read it first. Markdown works."),
        render_kw={"rows": 5},
    )
    asks = SelectField(
        _l("The question about the case is"),
        choices=[SelectChoice(name, TYPE_LABELS[name]) for name in ASKABLE],
        default="single",
    )
    asked_text = TextAreaField(
        _l("Question about the case"),
        validators=[DataRequired(message=_l("Write the question about the case."))],
        render_kw={"rows": 3},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted() and request.args.get("asks") in ASKABLE:
            self.asks.data = request.args["asks"]

    @property
    def asked_type(self) -> str:
        return self.asks.data if self.asks.data in ASKABLE else "single"

    @property
    def question_text_field(self):
        return self.asked_text

    @property
    def answer_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        return FORMS[self.asked_type].answer_fields


FORMS: dict[str, type[QuestionForm]] = {
    "single": SingleForm,
    "multiple": MultipleForm,
    "truefalse": TrueFalseForm,
    "fill": FillForm,
    "numerical": NumericalForm,
    "matching": MatchingForm,
    "ordering": OrderingForm,
    "scenario": ScenarioForm,
}


def question_type_choices() -> list[tuple[str, str]]:
    """(type name, label) of every type a form exists for, in the order pages list them."""
    return [(name, str(TYPE_LABELS[name])) for name in FORMS if name in QUESTION_TYPES]


# --- what each type checks ---------------------------------------------------------------


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _error(field, message) -> bool:
    field.errors = [*field.errors, message]
    return False


def _choice_rows(form) -> list[tuple[str, bool, str]] | None:
    """(text, correct, feedback) of the filled rows; None after an error."""
    rows = []
    for number, entry in enumerate(form.choices.entries, start=1):
        row = entry.form
        text, feedback = (row.text.data or "").strip(), (row.feedback.data or "").strip()
        if not text:
            if row.correct.data or feedback:
                _error(
                    form.choices,
                    _l("Write the text of choice %(number)s, or clear that row.", number=number),
                )
                return None
            continue
        rows.append((text, bool(row.correct.data), feedback))
    if len(rows) < 2:
        _error(form.choices, _l("Write at least two choices."))
        return None
    texts = [text for text, _, _ in rows]
    twice = next((text for text in texts if texts.count(text) > 1), None)
    if twice is not None:
        _error(
            form.choices,
            _l("Each choice must be different: “%(text)s” is there twice.", text=twice),
        )
        return None
    return rows


def _check_single(form, text_field) -> bool:
    rows = _choice_rows(form)
    if rows is None:
        return False
    if sum(1 for _, correct, _ in rows if correct) != 1:
        return _error(form.choices, _l("Mark exactly one choice as correct."))
    return True


def _check_multiple(form, text_field) -> bool:
    rows = _choice_rows(form)
    if rows is None:
        return False
    if not any(correct for _, correct, _ in rows):
        return _error(form.choices, _l("Mark at least one choice as correct."))
    return True


def _check_truefalse(form, text_field) -> bool:
    if form.answer.data not in ("true", "false"):
        return _error(form.answer, _l("Choose whether the statement is true or false."))
    return True


def _check_fill(form, text_field) -> bool:
    valid = True
    blanks = len(BLANKS.findall(text_field.data or ""))
    if text_field.data and blanks == 0:
        valid = _error(text_field, _l("Mark the blank in the text with four underscores: ____"))
    elif blanks > 1:
        valid = _error(
            text_field,
            _l("Leave only one blank ____ in the text; it has %(found)s.", found=blanks),
        )
    answers = [split_credit(line) for line in _lines(form.answers.data)]
    if not answers:
        return _error(form.answers, _l("Write at least one accepted answer."))
    for written, percent in answers:
        if percent is not None and not 0 <= percent <= 100:
            return _error(
                form.answers,
                _l(
                    "“%(text)s”: part of the marks is written as a percentage from 0 to 100, "
                    "e.g. 答案（50%%）.",
                    text=written,
                ),
            )
    if not any(percent in (None, 100) for _, percent in answers):
        return _error(form.answers, _l("At least one answer must be worth full marks."))
    return valid


def _number(field, message) -> Decimal | None:
    value = parse_decimal(field.data or "")
    if value is None:
        _error(field, message)
    return value


def _check_numerical(form, text_field) -> bool:
    value = _number(form.value, _l("Enter the right answer as a number, such as 15 or 2.5."))
    tolerance = Decimal(0)
    if (form.tolerance.data or "").strip():
        tolerance = _number(
            form.tolerance,
            _l("Enter the allowed difference as a number, such as 1, or leave it empty."),
        )
        if tolerance is not None and tolerance < 0:
            return _error(form.tolerance, _l("The allowed difference cannot be negative."))
    return value is not None and tolerance is not None


def _check_matching(form, text_field) -> bool:
    pairs = []
    for number, entry in enumerate(form.pairs.entries, start=1):
        left, right = (entry.form.left.data or "").strip(), (entry.form.right.data or "").strip()
        if bool(left) != bool(right):
            return _error(
                form.pairs, _l("Write both sides of pair %(number)s, or clear it.", number=number)
            )
        if left:
            pairs.append(left)
    if len(pairs) < 3:
        return _error(form.pairs, _l("Write at least three pairs."))
    twice = next((left for left in pairs if pairs.count(left) > 1), None)
    if twice is not None:
        return _error(
            form.pairs,
            _l("Each left side must be different: “%(text)s” is there twice.", text=twice),
        )
    return True


def _check_ordering(form, text_field) -> bool:
    items = _lines(form.items.data)
    if len(items) < 2:
        return _error(form.items, _l("Write at least two steps, one per line."))
    twice = next((item for item in items if items.count(item) > 1), None)
    if twice is not None:
        return _error(
            form.items, _l("Each step must be different: “%(text)s” is there twice.", text=twice)
        )
    return True


_CHECKS: dict[str, Callable] = {
    "single": _check_single,
    "multiple": _check_multiple,
    "truefalse": _check_truefalse,
    "fill": _check_fill,
    "numerical": _check_numerical,
    "matching": _check_matching,
    "ordering": _check_ordering,
}


# --- form → question ---------------------------------------------------------------------


def _markdown(text: str | None) -> str:
    """Text as quiz.md keeps it: Unix line ends, nothing blank around it (a line's own
    trailing spaces stay: two of them are a Markdown line break)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _answers(type_name: str, form, question_id: str, text: str) -> dict:
    """The type's own dataclass fields from the form (already validated)."""
    if type_name in ("single", "multiple"):
        options = []
        for entry in form.choices.entries:
            row_text = (entry.form.text.data or "").strip()
            if row_text:
                options.append(
                    Option(
                        key=f"o{len(options) + 1}",
                        text=row_text,
                        correct=bool(entry.form.correct.data),
                        weight=None,
                        feedback=(entry.form.feedback.data or "").strip(),
                        line=0,
                    )
                )
        fields = {"options": tuple(options)}
        return fields | ({"weighted": False} if type_name == "multiple" else {})
    if type_name == "truefalse":
        return {"answer": form.answer.data == "true"}
    if type_name == "fill":
        answers = []
        for line in _lines(form.answers.data):
            written, percent = split_credit(line)
            answers.append(FillAnswer(written, 100.0 if percent is None else percent, "", 0))
        return {"answers": tuple(answers)}
    if type_name == "numerical":
        value = parse_decimal(form.value.data)
        tolerance = parse_decimal(form.tolerance.data or "") or Decimal(0)
        return {"answers": (NumericalAnswer(float(value), float(tolerance), None, None),)}
    if type_name == "matching":
        pairs = []
        for entry in form.pairs.entries:
            left, right = (
                (entry.form.left.data or "").strip(),
                (entry.form.right.data or "").strip(),
            )
            if left:
                pairs.append(
                    MatchingPair(
                        f"l{len(pairs) + 1}", left, stable_key("r", question_id, right), right, 0
                    )
                )
        return {"pairs": tuple(pairs)}
    if type_name == "ordering":
        return {
            "items": tuple(
                OrderingItem(stable_key("i", question_id, item), item, position, 0)
                for position, item in enumerate(_lines(form.items.data), start=1)
            )
        }
    raise KeyError(type_name)


QUESTION_CLASSES = {
    "single": SingleChoiceQuestion,
    "multiple": MultipleChoiceQuestion,
    "truefalse": TrueFalseQuestion,
    "fill": FillQuestion,
    "numerical": NumericalQuestion,
    "matching": MatchingQuestion,
    "ordering": OrderingQuestion,
}


def build_question(
    type_name: str, form: QuestionForm, existing_ids: Iterable[str]
) -> Question | None:
    """The question a validated form describes, or None after putting an error on the form:
    an id already used in `existing_ids`, or text quiz.md would read differently."""
    existing = set(existing_ids)
    question_id = (form.question_id.data or "").strip() or next_question_id(existing)
    if question_id in existing:
        _error(form.question_id, _duplicate_message(question_id))
        return None
    common = {
        "id": question_id,
        "points": form.points.data or 1,
        "tags": tuple(t.strip() for t in TAG_SEPARATOR.split(form.tags.data or "") if t.strip()),
        "difficulty": form.difficulty.data or None,
        "explanation": _markdown(form.explanation.data),
        "line": 0,
    }
    text = _markdown(form.text.data)
    if type_name == "scenario":
        asks = form.asked_type
        asked_text = _markdown(form.asked_text.data)
        asked = QUESTION_CLASSES[asks](
            **common, type=asks, text=asked_text, **_answers(asks, form, question_id, asked_text)
        )
        question = ScenarioQuestion(**common, type="scenario", text=text, asked=asked)
    else:
        question = QUESTION_CLASSES[type_name](
            **common, type=type_name, text=text, **_answers(type_name, form, question_id, text)
        )
    if not _written_right(question, form):
        return None
    return question


def _written_right(question: Question, form: QuestionForm) -> bool:
    """Does the question's quiz.md block read back as the question? If not, put the error
    on the field whose text is to blame (tried by blanking one field at a time)."""
    if reads_back(question_markdown(question), question):
        return True
    field, message = _blame(question, form)
    _error(field, message)
    return False


def _blame(question: Question, form: QuestionForm):
    is_scenario = question.type == "scenario"
    asked = question.asked if is_scenario else question
    safe_text = "____" if asked.type == "fill" else "?"

    def with_asked(**changes):
        if is_scenario:
            return replace(question, asked=replace(question.asked, **changes))
        return replace(question, **changes)

    def fine(candidate):
        return reads_back(question_markdown(candidate), candidate)

    if question.explanation and fine(
        replace(with_asked(explanation=""), explanation="")
        if is_scenario
        else replace(question, explanation="")
    ):
        return form.explanation, _reads_differently(_l("this explanation"))
    if question.tags and fine(
        replace(with_asked(tags=()), tags=()) if is_scenario else replace(question, tags=())
    ):
        return form.tags, _l(
            "A tag may not contain # or line breaks: write tags as plain words separated by commas."
        )
    if is_scenario and fine(replace(question, text="?")):
        return form.text, _reads_differently(_l("this text"))
    if fine(with_asked(text=safe_text)):
        return form.question_text_field, _reads_differently(_l("this text"))
    fields = FORMS[asked.type].answer_fields
    return getattr(form, fields[0]), _reads_differently(_l("one of these answers"))


def _reads_differently(what) -> str:
    return str(
        _l(
            "quiz.md would read %(what)s differently: no line may start with “## ”, “- [x]”, "
            "“- = ”, “---” or “解析：”, a ``` code block must be closed, and words such as "
            "“答案：” belong in their own fields. Reword or indent that line.",
            what=what,
        )
    )


def _duplicate_message(question_id: str) -> str:
    return str(
        _l(
            "The id “%(id)s” is already used in this quiz: choose another, or leave the id "
            "empty to number it automatically.",
            id=question_id,
        )
    )


# --- ids ---------------------------------------------------------------------------------


def question_ids(quiz_md_text: str) -> list[str]:
    """Every `## id` of a quiz.md, valid or not, in file order."""
    blocks, _ = split_quiz(quiz_md_text, "quiz.md")
    return [block.id for block in blocks]


def next_question_id(existing_ids: Iterable[str]) -> str:
    """The next free id in the bank's own numbering: `q-013` after q-001..q-012 (the prefix
    most ids share with a number after it, at least two of them; its digits padded as the
    widest one), else the next free `q-001`."""
    existing = list(existing_ids)
    taken = set(existing)
    numbered: dict[str, list[str]] = {}
    last: dict[str, int] = {}  # where each prefix is last used in the file
    for index, question_id in enumerate(existing):
        match = NUMBERED_ID.match(question_id)
        if match:
            numbered.setdefault(match.group(1), []).append(match.group(2))
            last[match.group(1)] = index
    prefix, digits = FALLBACK_PREFIX, ["000"]
    shared = {p: n for p, n in numbered.items() if len(n) >= 2}
    if shared:
        # The most used prefix; on a tie, the one used last in the file.
        prefix = max(shared, key=lambda p: (len(shared[p]), last[p]))
        digits = shared[prefix]
    elif FALLBACK_PREFIX in numbered:
        digits = numbered[FALLBACK_PREFIX]
    width = max(len(d) for d in digits)
    number = max(int(d) for d in digits) + 1
    while f"{prefix}{number:0{width}d}" in taken:
        number += 1
    return f"{prefix}{number:0{width}d}"


# --- writing -----------------------------------------------------------------------------


def append_question(quiz_md_text: str, question: Question, form: QuestionForm | None = None) -> str:
    """quiz_md_text with the question's block added at the end, a blank line before it.

    Refused (the text comes back unchanged, the reason on `form`: the id field for an id
    already used, the text field for text quiz.md would read differently, the form's own
    errors when the file ends inside an open ``` block) when the result would not hold the
    question as given. Without a form, a refusal raises QuestionNotAdded."""
    if question.id in question_ids(quiz_md_text):
        return _refuse(form, "question_id", _duplicate_message(question.id), quiz_md_text)
    block = question_markdown(question)
    if not reads_back(block, question):
        if form is not None:
            _written_right(question, form)
            return quiz_md_text
        raise QuestionNotAdded("text", _reads_differently(_l("this text")))
    newline = "\r\n" if "\r\n" in quiz_md_text else "\n"
    head = quiz_md_text.rstrip()
    combined = f"{head}\n\n{block}" if head else block
    combined = combined.replace("\n", newline) if newline != "\n" else combined
    if not _holds(combined, question):
        message = str(
            _l(
                "The quiz ends inside a ``` code block that is never closed: close it "
                "before adding questions."
            )
        )
        return _refuse(form, None, message, quiz_md_text)
    return combined


def _holds(quiz_md_text: str, question: Question) -> bool:
    from trainer.content.gift.quiz_md import content

    parsed, _ = parse_quiz(quiz_md_text, "quiz.md")
    found = [q for q in parsed if q.id == question.id]
    return len(found) == 1 and content(found[0]) == content(question)


def _refuse(form: QuestionForm | None, field: str | None, message: str, text: str) -> str:
    if form is None:
        raise QuestionNotAdded(field, message)
    if field is None:
        form.form_errors.append(message)
    else:
        _error(getattr(form, field), message)
    return text


def add_question(type_name: str, form: QuestionForm, quiz_md_text: str) -> str | None:
    """The whole rule for a submitted form: the new quiz.md text, or None with the reasons
    on the form (nothing written)."""
    if not form.validate_on_submit():
        return None
    question = build_question(type_name, form, question_ids(quiz_md_text))
    if question is None:
        return None
    new_text = append_question(quiz_md_text, question, form)
    return None if form.errors else new_text
