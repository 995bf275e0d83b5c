"""Forms of the people pages: one person (create/edit), the list's filters, bulk actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Form,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import Length, Optional


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes (roles) instead of a multi-select box."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PersonForm(FlaskForm):
    # Lengths and duplicates are the service's rules (trainer.hr.people.service); the form
    # only carries the values, so the messages come from one place.
    employee_no = StringField(_l("Employee number"), render_kw={"maxlength": 50})
    display_name = StringField(_l("Name"), render_kw={"maxlength": 100})
    email = StringField(
        _l("E-mail (optional)"), validators=[Length(max=254)], render_kw={"type": "email"}
    )
    department = SelectField(_l("Department"), coerce=int, default=0)
    position = SelectField(_l("Position"), coerce=int, default=0)
    hire_date = DateField(
        _l("Hire date (optional)"), validators=[Optional()], render_kw={"max": "9999-12-31"}
    )
    roles = CheckboxesField(_l("Roles"))


class PeopleFilterForm(Form):
    """The list's filters: a GET form, so no CSRF token (it changes nothing)."""

    # Own ids: the invitation form on the same page also has a "department" field.
    q = StringField(_l("Name or employee number"), id="filter-q")
    # Includes the sub-departments (people_query); the label stays short so that it is not
    # confused with the invitation form's "Department (with its sub-departments)".
    department = SelectField(_l("Department"), coerce=int, default=0, id="filter-department")
    position = SelectField(_l("Position"), coerce=int, default=0, id="filter-position")
    role = SelectField(_l("Role"), default="", id="filter-role")
    status = SelectField(_l("Status"), default="", id="filter-status")


class BulkForm(FlaskForm):
    action = SelectField(
        _l("With the people ticked"),
        choices=[
            SelectChoice("invite", _l("Invite (one-time sign-in link)")),
            SelectChoice("deactivate", _l("Deactivate")),
            SelectChoice("assign", _l("Assign a plan")),
        ],
    )
    plan = SelectField(_l("Plan (for “Assign a plan”)"), coerce=int, default=0)
