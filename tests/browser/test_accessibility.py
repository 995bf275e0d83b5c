"""Every page without URL arguments, opened on a 360 px phone by a person who may see it,
passes axe-core (run in the same Chromium) with no serious or critical violation: phone
users include people who enlarge text or use a screen reader. Pages with arguments (a course,
a lesson, the exam, a result, a certificate) are checked along the journeys that reach them."""

import pytest

from tests.browser.conftest import accessibility_problems, sign_in

pytestmark = pytest.mark.browser

# Who opens which pages: each page by one person allowed to see it (tests/web/test_access.py
# holds who may open what).
PAGES = {
    None: ["/auth/login", "/verify"],
    "demo-learner": [
        "/",
        "/courses/",
        "/training/",
        "/certificates/",
        "/career",
        "/assessments/mine",
        "/notifications/",
        "/auth/password",
    ],
    "demo-assessor": ["/assessments/"],
    "demo-trainer": ["/authoring/"],
    # HR's home page is their dashboard.
    "demo-hr": ["/", "/hr/people/", "/hr/plans/", "/hr/reports/", "/hr/staff/import"],
    "demo-admin": [
        "/assessments/assessors",
        "/audit/",
        "/assessments/appeals",
        "/certificates/manage",
        "/hr/organisation",
        "/hr/reports/courses",
        "/hr/reports/expiring",
        "/hr/reports/matrix",
        "/hr/reports/onboarding",
        "/hr/reports/overdue",
        "/training/team",
        "/career/readiness",
    ],
}


def test_every_page_without_arguments_passes_axe_on_a_phone(app, synced, demo, live_server, phone):
    problems = []
    for person, paths in PAGES.items():
        phone.context.clear_cookies()
        if person is not None:
            sign_in(phone, live_server, person, demo)
        for path in paths:
            response = phone.goto(live_server + path)
            assert response.status == 200, f"{person} {path}: HTTP {response.status}"
            problems += accessibility_problems(phone)
    assert not problems, "\n".join(problems)


def test_the_header_of_each_section_passes_axe_on_a_wide_screen(
    app, synced, demo, live_server, desktop
):
    """On a wide screen the menu sits in the header, white on teal, and the page one is on
    is marked: each menu destination of HR (and the administrator's audit log) is opened
    there, so the marked entry is checked too."""
    problems = []
    menu = {
        "demo-hr": ["/", "/hr/people/", "/hr/plans/", "/hr/reports/"],
        "demo-admin": ["/audit/"],
    }
    for person, paths in menu.items():
        desktop.context.clear_cookies()
        sign_in(desktop, live_server, person, demo)
        for path in paths:
            response = desktop.goto(live_server + path)
            assert response.status == 200, f"{person} {path}: HTTP {response.status}"
            assert desktop.locator('.nav a[aria-current="page"]').count() == 1, path
            problems += accessibility_problems(desktop)
    assert not problems, "\n".join(problems)


def test_a_wide_table_can_be_scrolled_from_the_keyboard(app, synced, demo, live_server, phone):
    """On a phone the report tables scroll sideways: without a tab stop, a keyboard or
    switch user could not reach their right-hand columns (axe: scrollable-region-focusable)."""
    sign_in(phone, live_server, "demo-admin", demo)
    phone.goto(f"{live_server}/hr/reports/matrix")
    wrap = phone.locator(".table-wrap").first
    assert wrap.get_attribute("tabindex") == "0"
    assert accessibility_problems(phone) == []
