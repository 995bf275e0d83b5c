"""Forms of the skill-plan pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

PLAN_KIND_LABELS = {
    "annual": _l("Annual skill plan"),
    "onboarding": _l("Onboarding plan (clears new hires for duty)"),
}
DUE_KIND_LABELS = {
    "fixed": _l("On a fixed date"),
    "after_hire": _l("N days after hire"),
    "after_assignment": _l("N days after assignment"),
}
TARGET_KIND_LABELS = {
    "department": _l("A department (and its sub-departments)"),
    "position": _l("Everyone in a position"),
    "person": _l("One person"),
    "new_hires": _l("New hires of a position"),
}


class PlanForm(FlaskForm):
    name = StringField(
        _l("Plan name"),
        validators=[DataRequired(message=_l("Give the plan a name.")), Length(max=200)],
    )
    year = IntegerField(
        _l("Year"),
        validators=[
            InputRequired(message=_l("Enter the plan's year.")),
            NumberRange(min=2000, max=2100, message=_l("Enter a year such as 2026.")),
        ],
    )
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k, label) for k, label in PLAN_KIND_LABELS.items()],
        default="annual",
    )
    starts_on = DateField(
        _l("Starts on"),
        validators=[Optional()],
        description=_l(
            "People hired before this day are current staff: “N days after hire” counts from "
            "this day for them. Empty: January 1 of the plan's year."
        ),
    )
    description = TextAreaField(
        _l("Description"), validators=[Length(max=4000)], render_kw={"rows": 2}
    )


class ItemForm(FlaskForm):
    course = SelectField(
        _l("Course"), coerce=int, validators=[DataRequired(message=_l("Choose a course."))]
    )
    mandatory = BooleanField(_l("Mandatory"), default=True)
    due_kind = SelectField(
        _l("Due"),
        choices=[SelectChoice(k, label) for k, label in DUE_KIND_LABELS.items()],
        default="after_assignment",
    )
    due_date = DateField(_l("Due date (for a fixed date)"), validators=[Optional()])
    due_days = IntegerField(
        _l("Days (for N days after)"),
        validators=[Optional(), NumberRange(min=0, max=3650)],
        default=30,
    )
    staff_due_date = DateField(
        _l("Due date for current staff (optional, for N days after hire)"),
        validators=[Optional()],
        description=_l(
            "People hired before the plan starts get this date; empty: the plan's start plus "
            "the same number of days."
        ),
    )


class TargetForm(FlaskForm):
    kind = SelectField(
        _l("For whom"),
        choices=[SelectChoice(k, label) for k, label in TARGET_KIND_LABELS.items()],
        default="department",
    )
    department = SelectField(_l("Department"), coerce=int, validators=[Optional()])
    position = SelectField(_l("Position"), coerce=int, validators=[Optional()])
    person = StringField(_l("Employee number (for one person)"), validators=[Length(max=50)])
    hired_since = DateField(_l("Hired on or after (for new hires)"), validators=[Optional()])
