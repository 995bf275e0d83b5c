"""Forms of browser authoring. The files themselves are plain fields (path, content,
revision) read by the views; these are the forms a trainer fills in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class NewCourseForm(FlaskForm):
    title = StringField(
        _l("Course title"),
        validators=[
            DataRequired(message=_l("Give the course a title.")),
            Length(max=200, message=_l("At most 200 characters.")),
        ],
        description=_l("As learners will see it, for example 前台接待礼仪."),
    )
    slug = StringField(
        _l("Folder name"),
        validators=[Optional(), Length(max=100, message=_l("At most 100 characters."))],
        description=_l(
            "Lower-case letters, digits and hyphens; left empty, it is made from the title."
        ),
    )


class MessageForm(FlaskForm):
    """Submit for review, comment, send back, roll back: a message and the CSRF token."""

    message = TextAreaField(
        _l("Message"),
        validators=[Length(max=2000, message=_l("At most 2,000 characters."))],
        render_kw={"rows": 3},
    )


class NewLessonForm(FlaskForm):
    title = StringField(
        _l("Lesson title"),
        validators=[
            DataRequired(message=_l("Give the lesson a title.")),
            Length(max=200, message=_l("At most 200 characters.")),
        ],
    )


class ZipUploadForm(FlaskForm):
    archive = FileField(
        _l("Course zip file"),
        validators=[FileRequired(message=_l("Choose a zip file of the course."))],
    )


class RollbackForm(MessageForm):
    version = HiddenField()
