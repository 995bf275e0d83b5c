from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class VerifyForm(FlaskForm):
    code = StringField(
        _l("Verification code"),
        validators=[
            DataRequired(message=_l("Type the code printed on the certificate.")),
            Length(max=60),
        ],
        render_kw={
            "autocapitalize": "characters",
            "autocomplete": "off",
            "placeholder": "XXXX-XXXX-XXXX-XXXX-XXXX",
        },
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[
            DataRequired(message=_l("Write why the certificate is revoked (e.g. the violation).")),
            Length(max=1000),
        ],
        render_kw={"rows": 2},
    )


class DepartmentZipForm(FlaskForm):
    department = IntegerField(_l("Department"), validators=[DataRequired()])


class PromotionDecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the decision"),
        validators=[
            DataRequired(
                message=_l("Write the reason for the decision (performance, ability, conduct).")
            ),
            Length(max=1000),
        ],
        render_kw={"rows": 2},
    )
    approve = SubmitField(_l("Approve the promotion"))
    decline = SubmitField(_l("Decline"))
