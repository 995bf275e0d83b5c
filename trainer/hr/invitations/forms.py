"""HR's form to invite a group: a department (with its sub-departments), people hired since
a date, or both."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional


class InviteGroupForm(FlaskForm):
    department = SelectField(_l("Department (with its sub-departments)"), coerce=int, default=0)
    hired_since = DateField(
        _l("Hired on or after"),
        validators=[Optional()],
        # A date the browser cannot read comes back empty: say so instead of ignoring it.
        render_kw={"max": "9999-12-31"},
    )
