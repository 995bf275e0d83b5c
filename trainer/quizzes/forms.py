from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class GrantExtraAttemptForm(FlaskForm):
    employee_no = StringField(
        _l("Employee number"),
        validators=[
            DataRequired(message=_l("Enter the learner's employee number.")),
            Length(max=50),
        ],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Write why this learner gets an extra attempt.")),
            Length(max=1000),
        ],
        render_kw={"rows": 2},
    )
