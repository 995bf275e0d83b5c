"""Forms of the assessment pages. The scoring form is built from the checklist being scored."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from trainer.assessments.service import (
    MAX_COMMENT_LENGTH,
    MAX_OVERALL_COMMENT_LENGTH,
    MAX_PLACE_LENGTH,
)
from trainer.content.model import Checklist

KIND_LABELS = {
    "practical": _l("Practical assessment"),
    "attitude": _l("Attitude evaluation"),
}
MODE_LABELS = {
    "observed": _l("Observed on the job"),
    "role_play": _l("Role-play"),
    "mystery_shopper": _l("Mystery shopper"),
}


class StartForm(FlaskForm):
    checklist = SelectField(
        _l("Checklist"), validators=[DataRequired(message=_l("Choose the checklist to score."))]
    )
    mode = RadioField(
        _l("How was it observed?"),
        choices=[SelectChoice(value, label) for value, label in MODE_LABELS.items()],
        default="observed",
        validators=[InputRequired(message=_l("Choose how it was observed."))],
    )
    place = StringField(
        _l("Place"),
        validators=[
            DataRequired(message=_l("Write where it was observed, e.g. the store and the area.")),
            Length(max=MAX_PLACE_LENGTH),
        ],
    )
    observed_on = DateField(
        _l("Date observed"),
        validators=[InputRequired(message=_l("Enter the date it was observed."))],
    )


def score_field(item_id: str) -> str:
    return f"score-{item_id}"


def comment_field(item_id: str) -> str:
    return f"comment-{item_id}"


class ScoringFormBase(FlaskForm):
    overall_comment = TextAreaField(
        _l("Overall comment"),
        validators=[Length(max=MAX_OVERALL_COMMENT_LENGTH)],
        render_kw={"rows": 3},
    )

    def scores(self, checklist: Checklist) -> dict[str, int | None]:
        return {item.id: self[score_field(item.id)].data for item in checklist.items}

    def comments(self, checklist: Checklist) -> dict[str, str]:
        return {item.id: self[comment_field(item.id)].data or "" for item in checklist.items}


def scoring_form(checklist: Checklist, **kwargs) -> ScoringFormBase:
    """A form with a score (radio buttons on the item's scale) and a comment per item.

    Scores are optional here so that a draft can be saved half-way; the service refuses a
    submission with an item unscored and names the items.
    """
    fields = {}
    for item in checklist.items:
        fields[score_field(item.id)] = RadioField(
            item.title,
            coerce=int,
            choices=[SelectChoice(score, label) for score, label in item.scale],
            validators=[Optional()],
        )
        fields[comment_field(item.id)] = TextAreaField(
            _l("Comment"), validators=[Length(max=MAX_COMMENT_LENGTH)], render_kw={"rows": 1}
        )
    form_class = type("ScoringForm", (ScoringFormBase,), fields)
    return form_class(**kwargs)


class AppealForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you think the result is wrong?"),
        validators=[DataRequired(message=_l("Write why you appeal.")), Length(max=2000)],
        render_kw={"rows": 4},
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("upheld", _l("Uphold: the result stands")),
            SelectChoice("overturned", _l("Overturn: the result is corrected")),
        ],
        validators=[InputRequired(message=_l("Choose uphold or overturn."))],
    )
    reason = TextAreaField(
        _l("Reasons for the decision"),
        validators=[
            DataRequired(message=_l("Write the reasons for the decision.")),
            Length(max=2000),
        ],
        render_kw={"rows": 4},
    )


class AssignmentForm(FlaskForm):
    assessor = SelectField(
        _l("Assessor"), coerce=int, validators=[InputRequired(message=_l("Choose an assessor."))]
    )
    department = SelectField(
        _l("Department (and everything below it)"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a department."))],
    )
