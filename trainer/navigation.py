"""What the top navigation shows each role: only pages that person may open."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: frozenset[str] | None  # None: every signed-in user


NAV_ITEMS = (
    NavItem("main.home", _l("Home"), None),
    NavItem("courses.index", _l("Courses"), None),
    NavItem("certificates.mine", _l("My certificates"), None),
    NavItem("certificates.manage", _l("Certificates"), frozenset({"hr", "admin"})),
    NavItem("authoring.index", _l("Course authoring"), frozenset({"trainer", "admin"})),
    NavItem("people.index", _l("People"), frozenset({"hr", "admin"})),
    NavItem("assessments.index", _l("Assessments"), frozenset({"assessor", "admin"})),
    NavItem("assessments.appeal_list", _l("Appeals"), frozenset({"assessor", "hr", "admin"})),
    NavItem("audit.index", _l("Audit log"), frozenset({"hr", "admin"})),
    NavItem("training.mine", _l("My training"), None),
    NavItem("certificates.career_map", _l("My learning map"), None),
    NavItem("assessments.mine", _l("My assessment results"), None),
    NavItem("notifications.index", _l("Notifications"), None),
    NavItem("plans.index", _l("Skill plans"), frozenset({"hr", "admin"})),
    NavItem("reports.index", _l("Reports"), frozenset({"hr", "admin"})),
    NavItem("reminders.index", _l("Reminders"), frozenset({"hr", "admin"})),
)


def navigation_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in NAV_ITEMS if item.roles is None or user.has_role(*item.roles)]


ROLE_LABELS = {
    "learner": _l("Learner"),
    "trainer": _l("Trainer"),
    "assessor": _l("Assessor"),
    "hr": _l("HR"),
    "admin": _l("Administrator"),
}


@dataclass(frozen=True)
class HomeSection:
    roles: frozenset[str]  # shown to anyone holding one of these roles
    title: object
    text: object
    endpoint: str
    link: object

    @property
    def key(self) -> str:  # for tests and styling: the page it leads to
        return self.endpoint.replace(".", "-")


LEARNERS = frozenset({"learner"})
HR_ADMIN = frozenset({"hr", "admin"})

HOME_SECTIONS = (
    HomeSection(
        LEARNERS,
        _l("Courses"),
        _l("Read the lessons of your courses, on your phone or a computer."),
        "courses.index",
        _l("Open courses"),
    ),
    HomeSection(
        LEARNERS,
        _l("My training"),
        _l("The courses assigned to you, what is due first, and your onboarding checklist."),
        "training.mine",
        _l("Open my training"),
    ),
    HomeSection(
        LEARNERS,
        _l("Practical assessments"),
        _l(
            "See your practical and attitude results item by item, and appeal a result "
            "you think is unfair."
        ),
        "assessments.mine",
        _l("Open my results"),
    ),
    HomeSection(
        frozenset({"trainer", "admin"}),
        _l("Course authoring"),
        _l(
            "Check and load the Markdown courses, preview them with answers, read "
            "learners' evaluations."
        ),
        "authoring.index",
        _l("Open course authoring"),
    ),
    HomeSection(
        frozenset({"assessor", "admin"}),
        _l("Assess staff"),
        _l("Score practical tasks and attitude on your phone, for the staff of your departments."),
        "assessments.index",
        _l("Open assessments"),
    ),
    HomeSection(
        HR_ADMIN,
        _l("Staff accounts"),
        _l("Find staff, reset a forgotten password, deactivate leavers."),
        "people.index",
        _l("Open people"),
    ),
    HomeSection(
        frozenset({"hr"}),
        _l("Appeals and assessors"),
        _l(
            "Decide appeals against assessment results, assign assessors to "
            "departments, read the audit log."
        ),
        "assessments.appeal_list",
        _l("Open appeals"),
    ),
    HomeSection(
        HR_ADMIN,
        _l("Staff import"),
        _l("Import staff from Excel (CSV or XLSX), manage departments and positions."),
        "staff.import_upload",
        _l("Import staff"),
    ),
    HomeSection(
        HR_ADMIN,
        _l("Skill plans and reports"),
        _l("Assign the annual skill plans, see who is done and who is late, export to Excel."),
        "reports.index",
        _l("Open reports"),
    ),
)


def home_sections_for(user) -> list[HomeSection]:
    """One card per capability the user has. HR's and administrators' own work is on their
    dashboard (trainer/hr/reports/dashboard.py), which links each figure to its list, so the
    cards that only HR and administrators see give way to it."""
    has_dashboard = user.has_role(*HR_ADMIN)
    return [
        section
        for section in HOME_SECTIONS
        if user.has_role(*section.roles) and not (has_dashboard and section.roles <= HR_ADMIN)
    ]


def layout_context() -> dict:
    """What base.html needs on every page: the site's name, the menu for this person, the
    languages to switch between, the count on the notification bell."""
    from flask import current_app, g
    from flask_babel import get_locale
    from flask_login import current_user

    from trainer.config import SUPPORTED_LOCALES
    from trainer.notifications import unread_count

    # No count on the page of a server error: the database may be what failed.
    count_unread = getattr(current_user, "is_authenticated", False) and not g.get("server_error")
    return {
        "unread_notifications": unread_count(current_user) if count_unread else 0,
        "site_name": current_app.config["SITE_NAME"],
        "navigation": navigation_for(current_user),
        "role_labels": ROLE_LABELS,
        "current_locale": str(get_locale()),
        "supported_locales": SUPPORTED_LOCALES,
    }
