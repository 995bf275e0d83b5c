from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

RATING_CHOICES = [SelectChoice(value, str(value)) for value in (5, 4, 3, 2, 1)]


class EvaluationForm(FlaskForm):
    rating = RadioField(
        _l("How useful was this course? (5 = very useful)"),
        coerce=int,
        choices=RATING_CHOICES,
        validators=[InputRequired(message=_l("Choose a rating from 1 to 5."))],
    )
    learned = TextAreaField(
        _l("What did you learn? Write at least three points, one per line."),
        validators=[DataRequired(message=_l("Write what you learned.")), Length(max=2000)],
        render_kw={"rows": 5},
    )
    apply_at_work = TextAreaField(
        _l("How will you use it at work?"),
        validators=[
            DataRequired(message=_l("Write how you will use it at work.")),
            Length(max=2000),
        ],
        render_kw={"rows": 3},
    )
    improve = TextAreaField(
        _l("What could the course do better? (optional)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 3},
    )
