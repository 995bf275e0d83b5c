"""HR's "send now" form: everyone HR may manage, or one person by employee number."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional


class SendNowForm(FlaskForm):
    employee_no = StringField(
        _l("Only this employee number (leave empty for everyone)"),
        validators=[Optional(), Length(max=50)],
    )
