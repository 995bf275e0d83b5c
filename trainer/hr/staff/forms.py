"""Forms of the staff import and organisation pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

DEPARTMENT_KIND_LABELS = {
    "company": _l("Company"),
    "region": _l("Region"),
    "store": _l("Store"),
    "team": _l("Team"),
}


class UploadForm(FlaskForm):
    file = FileField(
        _l("Staff file (CSV or XLSX)"),
        validators=[FileRequired(message=_l("Choose the file to import."))],
        render_kw={"accept": ".csv,.xlsx,.txt"},
    )


class AddDepartmentForm(FlaskForm):
    name = StringField(
        _l("Department name"),
        validators=[DataRequired(message=_l("Write the department's name.")), Length(max=100)],
    )
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(k, label) for k, label in DEPARTMENT_KIND_LABELS.items()],
        default="store",
    )
    parent = SelectField(_l("Under"), coerce=int)


class RenameForm(FlaskForm):
    name = StringField(
        _l("New name"),
        validators=[DataRequired(message=_l("Write the new name.")), Length(max=100)],
    )


class MoveDepartmentForm(FlaskForm):
    parent = SelectField(_l("Move under"), coerce=int)


class AddPositionForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(message=_l("Write a short code, e.g. sales-associate.")),
            Length(max=50),
        ],
    )
    name = StringField(
        _l("Position name"),
        validators=[
            DataRequired(message=_l("Write the position's name, e.g. 导购.")),
            Length(max=100),
        ],
    )
