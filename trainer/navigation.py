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
    NavItem("authoring.index", _l("Course authoring"), frozenset({"trainer", "admin"})),
    NavItem("people.index", _l("People"), frozenset({"hr", "admin"})),
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
    role: str
    title: object
    text: object
    endpoint: str
    link: object


HOME_SECTIONS = (
    HomeSection("learner", _l("Courses"),
                _l("Read the lessons of your courses, on your phone or a computer."),
                "courses.index", _l("Open courses")),
    HomeSection("trainer", _l("Course authoring"),
                _l("Check and load the Markdown courses, preview them with answers, read "
                   "learners' evaluations."),
                "authoring.index", _l("Open course authoring")),
    HomeSection("admin", _l("Course authoring"),
                _l("Check and load the Markdown courses, preview them with answers, read "
                   "learners' evaluations."),
                "authoring.index", _l("Open course authoring")),
    HomeSection("hr", _l("Staff accounts"),
                _l("Find staff, reset a forgotten password, deactivate leavers."),
                "people.index", _l("Open people")),
    HomeSection("admin", _l("Staff accounts"),
                _l("Find staff, reset a forgotten password, deactivate leavers."),
                "people.index", _l("Open people")),
)


def home_sections_for(user) -> list[HomeSection]:
    """One card per capability the user has; a capability shared by two roles shows once."""
    seen: set[str] = set()
    sections = []
    for section in HOME_SECTIONS:
        if user.has_role(section.role) and section.endpoint not in seen:
            seen.add(section.endpoint)
            sections.append(section)
    return sections
