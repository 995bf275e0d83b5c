"""The access table: who may use each endpoint, written out here, checked against the app.

The table is the specification. It is deliberately not read from the views' decorators: a
decorator changed by mistake (trainers allowed to revoke certificates) must make this test
fail, and an endpoint added later fails it until somebody writes down who may use it.

"Allowed" means the request got past the access check: any answer but the refusal. The
refusals are a redirect to the sign-in page (carrying `next=`) for an anonymous visitor and
a 403 with the "no permission" page for a signed-in person. A sample id that does not exist
gives a 404 to whoever is allowed, which still counts as allowed: access was granted, and
ownership checks inside the views (someone else's attempt or certificate) are tested with
their features.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from werkzeug.routing import FloatConverter, IntegerConverter

ANONYMOUS, LEARNER, TRAINER, ASSESSOR, HR, ADMIN = (
    "anonymous",
    "learner",
    "trainer",
    "assessor",
    "hr",
    "admin",
)
ROLES = (ANONYMOUS, LEARNER, TRAINER, ASSESSOR, HR, ADMIN)

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
HR_ONLY = frozenset({HR, ADMIN})
AUTHORS = frozenset({TRAINER, ADMIN})
ASSESSORS = frozenset({ASSESSOR, ADMIN})
APPEAL_DECIDERS = frozenset({ASSESSOR, HR, ADMIN})
QUIZ_OVERSEERS = frozenset({TRAINER, HR, ADMIN})

# endpoint -> the roles that may use it (every HTTP method of the route alike). The account of
# each role is the one in tests/conftest.py ROLE_USERS: everyone but "learner" also holds the
# learner role, as real staff do.
ACCESS: dict[str, frozenset[str]] = {
    # Public: reachable without signing in. Each entry here is a deliberate decision.
    "static": EVERYONE,
    "auth.login": EVERYONE,
    "auth.logout": EVERYONE,  # an expired session can still press the button
    "main.set_language": EVERYONE,
    "certificates.verify_form": EVERYONE,  # a customer checks a certificate's code
    "certificates.verify": EVERYONE,
    "auth.reset_with_link": EVERYONE,  # a one-time link from a reset e-mail
    "auth.reset_with_code": EVERYONE,  # a one-time code HR handed to a learner
    "auth.accept_invitation": EVERYONE,  # a new hire's first sign-in (e-mail or printed QR)
    "ops.healthz": EVERYONE,  # load balancers: the process answers
    "ops.readyz": EVERYONE,  # load balancers: database, Redis, queue, migrations answer
    # Prometheus: not signed in, but a bearer token (TRAINER_METRICS_TOKEN) or, without one,
    # only a direct request from this machine; the test client's address is 127.0.0.1.
    # Refusals are tested in tests/web/test_observability.py.
    "ops.metrics": EVERYONE,
    # Every signed-in person: their own training, exams, certificates and notifications.
    "main.home": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "courses.index": SIGNED_IN,
    "courses.course": SIGNED_IN,
    "courses.lesson": SIGNED_IN,
    "courses.mark_read": SIGNED_IN,
    "courses.media": SIGNED_IN,
    "courses.evaluate": SIGNED_IN,
    "quizzes.start": SIGNED_IN,
    "quizzes.attempt": SIGNED_IN,
    "quizzes.save": SIGNED_IN,
    "quizzes.submit": SIGNED_IN,
    "quizzes.confirm_submit": SIGNED_IN,  # the count of unanswered questions before 交卷
    "quizzes.result": SIGNED_IN,
    "assessments.mine": SIGNED_IN,
    "assessments.detail": SIGNED_IN,  # the learner's own, or an assessor's (checked inside)
    "assessments.appeal": SIGNED_IN,
    "certificates.mine": SIGNED_IN,
    "certificates.download": SIGNED_IN,  # own certificates only (checked inside)
    "certificates.career_map": SIGNED_IN,
    "notifications.index": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "notifications.open_one": SIGNED_IN,  # own notifications only (checked inside)
    "training.mine": SIGNED_IN,
    "training.team": SIGNED_IN,  # a manager's team; empty for others
    "training.person": SIGNED_IN,  # people one may see (checked inside)
    # Trainers: courseware.
    "authoring.index": AUTHORS,
    "authoring.detail": AUTHORS,
    "authoring.preview": AUTHORS,
    "authoring.sync": AUTHORS,
    "authoring.new_course": AUTHORS,
    "authoring.slug_suggestion": AUTHORS,
    "authoring.start_draft": AUTHORS,
    "authoring.duplicate": AUTHORS,
    "authoring.edit": AUTHORS,
    "authoring.save_file": AUTHORS,
    "authoring.check_file": AUTHORS,
    "authoring.upload_image": AUTHORS,
    "authoring.new_lesson": AUTHORS,
    "authoring.delete_file": AUTHORS,
    "authoring.draft_media": AUTHORS,
    "authoring.questions": AUTHORS,
    "authoring.new_question": AUTHORS,
    "authoring.review": AUTHORS,
    "authoring.submit": AUTHORS,
    "authoring.comment": AUTHORS,
    "authoring.send_back": AUTHORS,
    "authoring.publish": AUTHORS,
    "authoring.continue_on_live": AUTHORS,
    "authoring.discard": AUTHORS,
    "authoring.history": AUTHORS,
    "authoring.compare": AUTHORS,
    "authoring.rollback": AUTHORS,
    "authoring.take_folder_version": AUTHORS,
    "authoring.keep_browser_version": AUTHORS,
    "authoring.export_course": AUTHORS,
    "authoring.export_draft": AUTHORS,
    "authoring.import_zip": AUTHORS,
    "quizzes.attempts": QUIZ_OVERSEERS,  # attempt lists, extra attempts
    "quizzes.item_analysis": QUIZ_OVERSEERS,
    # Assessors: practical and attitude assessments.
    "assessments.index": ASSESSORS,
    "assessments.start": ASSESSORS,
    "assessments.score": ASSESSORS,
    "assessments.autosave": ASSESSORS,
    "assessments.appeal_list": APPEAL_DECIDERS,
    "assessments.decide": APPEAL_DECIDERS,
    # HR: people, organisation, plans, reports, certificates of others.
    "assessments.assessors": HR_ONLY,
    "assessments.remove_assignment": HR_ONLY,
    "assessments.audit_log": HR_ONLY,  # now a redirect to audit.index
    # The audit log: administrators see every event, HR the events about people HR manages.
    "audit.index": HR_ONLY,
    "audit.export": HR_ONLY,
    "certificates.manage": HR_ONLY,
    "certificates.revoke": HR_ONLY,
    "certificates.department_zip": HR_ONLY,
    "certificates.department_zip_status": HR_ONLY,
    "certificates.department_zip_file": HR_ONLY,
    "certificates.readiness": HR_ONLY,
    "certificates.promotions": HR_ONLY,
    "certificates.decide_promotion": HR_ONLY,
    "people.index": HR_ONLY,
    "people.reset_password": HR_ONLY,
    "people.set_active": HR_ONLY,
    "people.change_roles": HR_ONLY,
    "people.create": HR_ONLY,
    "people.edit": HR_ONLY,
    "people.bulk": HR_ONLY,
    "invitations.invite_group": HR_ONLY,
    "invitations.invite_import": HR_ONLY,
    "invitations.show": HR_ONLY,
    "invitations.sheets": HR_ONLY,
    "plans.index": HR_ONLY,
    "plans.detail": HR_ONLY,
    "plans.edit": HR_ONLY,
    "plans.add_item": HR_ONLY,
    "plans.remove_item": HR_ONLY,
    "plans.add_target": HR_ONLY,
    "plans.remove_target": HR_ONLY,
    "plans.sync": HR_ONLY,
    "plans.sync_all": HR_ONLY,
    "plans.preview": HR_ONLY,
    "plans.archive": HR_ONLY,
    "plans.restore": HR_ONLY,
    "reports.index": HR_ONLY,
    "reports.courses": HR_ONLY,
    "reports.course": HR_ONLY,  # one course's results, leading to its exam's staff pages
    "reports.matrix": HR_ONLY,
    "reports.overdue": HR_ONLY,
    "reports.expiring": HR_ONLY,
    "reports.onboarding": HR_ONLY,
    "reports.export": HR_ONLY,
    "reports.export_status": HR_ONLY,
    "reports.export_file": HR_ONLY,
    "staff.import_upload": HR_ONLY,
    "staff.import_template": HR_ONLY,  # the empty staff file with its headers
    "staff.import_preview": HR_ONLY,
    "staff.import_apply": HR_ONLY,
    "staff.organisation_page": HR_ONLY,
    "staff.add_department": HR_ONLY,
    "staff.rename_department": HR_ONLY,
    "staff.move_department": HR_ONLY,
    "staff.add_position": HR_ONLY,
    "staff.rename_position": HR_ONLY,
    "staff.archive_department": HR_ONLY,
    "staff.restore_department": HR_ONLY,
    "staff.archive_position": HR_ONLY,
    "staff.set_position_manages": HR_ONLY,
    "reminders.index": HR_ONLY,
    "reminders.send_now": HR_ONLY,
    "staff.restore_position": HR_ONLY,
}

NO_PERMISSION = "你没有权限访问此页面"


def _sample_url(rule) -> str:
    """The rule's URL with arguments naming nothing that exists (a 404 for whoever is allowed)."""
    values = {}
    for name in rule.arguments:
        numeric = isinstance(rule._converters[name], IntegerConverter | FloatConverter)
        values[name] = 987654 if numeric else "x"
    return rule.build(values, append_unknown=False)[1]


def _requests(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every route; signing out comes last, so it cannot sign the
    client out before the other requests are made."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, _sample_url(rule)))
    return sorted(found, key=lambda request: (request[0] == "auth.logout", request))


def _outcome(response) -> str:
    """ "refused" or "allowed", as the person making the request sees it."""
    if response.status_code == 302:
        location = urlsplit(response.headers["Location"])
        if location.path == "/auth/login" and "next=" in location.query:
            return "refused"
    if response.status_code == 403:
        assert NO_PERMISSION in response.get_data(as_text=True)
        return "refused"
    return "allowed"


def test_the_table_names_every_endpoint_and_nothing_else(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - ACCESS.keys()) == [], "write down who may use these endpoints"
    assert sorted(ACCESS.keys() - endpoints) == [], "these endpoints no longer exist"


def test_every_role_in_the_table_is_one_of_the_six(app):
    assert {role for roles in ACCESS.values() for role in roles} <= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_table_allows(app, client, signed_in, role):
    if role != ANONYMOUS:
        signed_in(role)
    differences = []
    for endpoint, method, url in _requests(app):
        expected = "allowed" if role in ACCESS.get(endpoint, ()) else "refused"
        response = client.open(url, method=method)
        got = _outcome(response)
        if got != expected:
            differences.append(
                f"{method} {url} ({endpoint}): {response.status_code}, expected {expected}"
            )
    assert differences == [], f"as {role}:\n" + "\n".join(differences)


@pytest.mark.parametrize("role", sorted(SIGNED_IN))
def test_the_menu_offers_only_pages_the_table_allows(client, signed_in, role):
    """Each menu entry a person sees leads to a page this table lets them open; a new hire's
    menu reaches their learning map and their own assessment results."""
    import re

    signed_in(role)
    home = client.get("/").get_data(as_text=True)
    shown = set(re.findall(r'data-nav="([\w.]+)"', home))
    assert {endpoint for endpoint in shown if role not in ACCESS[endpoint]} == set()
    if role == LEARNER:
        assert {"certificates.career_map", "assessments.mine", "training.mine"} <= shown
        assert 'data-nav="people.index"' not in home
