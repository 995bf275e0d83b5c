"""The access matrix: walks the whole URL map, so routes added later are covered too."""

import pytest
from werkzeug.routing import FloatConverter, IntegerConverter

from trainer.auth.access import PUBLIC, SIGNED_IN, view_access

# Changing this set is a deliberate decision: each entry is reachable without signing in.
EXPECTED_PUBLIC = {"static", "auth.login", "auth.logout", "main.set_language",
                   "certificates.verify_form", "certificates.verify",
                   "auth.reset_with_link", "auth.reset_with_code"}


def _sample_url(rule) -> str:
    values = {}
    for name in rule.arguments:
        numeric = isinstance(rule._converters[name], IntegerConverter | FloatConverter)
        values[name] = 1 if numeric else "x"
    return rule.build(values, append_unknown=False)[1]


def _routes(app):
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        yield rule, methods


def test_every_view_declares_who_may_use_it(app):
    undeclared = [
        rule.endpoint for rule, _ in _routes(app)
        if rule.endpoint != "static" and view_access(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == [], "add @public, @login_required or @role_required to these views"


def test_only_the_expected_routes_are_public(app):
    public = {rule.endpoint for rule, _ in _routes(app)
              if rule.endpoint == "static"
              or view_access(app.view_functions[rule.endpoint]) == PUBLIC}
    assert public == EXPECTED_PUBLIC


def test_anonymous_visitor_is_refused_everywhere_else(app, client):
    checked = 0
    for rule, methods in _routes(app):
        if rule.endpoint in EXPECTED_PUBLIC:
            continue
        url = _sample_url(rule)
        for method in methods:
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/auth/login"), (method, url)
            checked += 1
    assert checked >= 4


@pytest.mark.parametrize("role", ["learner", "trainer", "assessor", "hr", "admin"])
def test_role_pages_refuse_other_roles_with_a_clear_403(app, client, users, signed_in, role):
    signed_in(role)
    user = users[role]
    for rule, methods in _routes(app):
        access = view_access(app.view_functions.get(rule.endpoint))
        if not isinstance(access, frozenset) or user.has_role(*access):
            continue
        for method in methods:
            response = client.open(_sample_url(rule), method=method)
            assert response.status_code == 403, (role, method, rule.rule)
            assert "你没有权限访问此页面" in response.get_data(as_text=True)


def test_signed_in_pages_open_for_every_role(app, client, users, signed_in):
    signed_in("learner")
    for rule, methods in _routes(app):
        if view_access(app.view_functions.get(rule.endpoint)) == SIGNED_IN and "GET" in methods:
            # 404 is fine for a sample id that does not exist: access itself was granted.
            expected = 200 if not rule.arguments else 404
            assert client.get(_sample_url(rule)).status_code == expected, rule.rule
