"""The exam's submit button in its ordinary case, answered in front of Flask.

Submitting is the busiest write of the app: a whole class presses it within a minute. Under
gunicorn, Flask's own request handling (request and app contexts, URL matching, the request
hooks, the response object) costs about as much again as a plain WSGI callable: measured on
2026-12-04 with the `make run` settings, a Flask hello-world took 0.36 ms of server CPU per
request and the same hello-world as a bare WSGI function 0.19 ms (bench/README.md).

This WSGI middleware answers `POST /quiz/attempt/<id>/submit` itself when everything about
the request is ordinary, with the same service call the view makes
(`service.submit_answers`) and the same 302 to the result. Everything else goes to Flask
untouched, with the body put back when it was read: other requests, and every submit this
handler is not sure about. Ordinary means all of:

- an urlencoded body with a Content-Length, within MAX_CONTENT_LENGTH; not debug mode;
- a session cookie that verifies (`RememberingSessionInterface.session_data`) and names a
  user, with nothing for Flask-Login to do on the way out (`_remember`);
- CSRF protection off, or this session's token: one this worker verified before
  (`page_cache.token_verified_before`, the rule the app's own CSRF hook applies first) or
  one whose signature checks out as Flask-WTF checks it (`verify_and_remember_token`), in
  the cases those take (no time limit on tokens, no referrer to check over HTTPS);
- the user exists, is active, has the session's epoch and no forced password change;
- the attempt is theirs, not graded yet, its deadline not passed, every answer well formed.

So sign-in failures, bad tokens, 404s, answers to correct (400), late submissions and
replays all get Flask's pages, from the view. What the view does after a checked submit
is done here the same way: a pass tells the completion listeners, and any that is to run
(one issuing a certificate) runs inside a request context as in the view; an error after
the checks gets Flask's error handling; a submit that lost a race to the deadline gets the
view's "time is up" message.

Skipping Flask's hooks is only right while they are the ones listed in `KNOWN_HOOKS`, all of
which this module either mirrors or knows to do nothing for this request. An app with any
other hook, blueprint hook or URL processor is not short-cut at all (and a test says so), so
adding a hook can never silently bypass it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from io import BytesIO

from flask import Flask, flash, g, redirect, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.utils import redirect as werkzeug_redirect

from trainer import SECURITY_HEADERS
from trainer.sessions import RememberingSessionInterface
from trainer.web_request import parse_urlencoded, plain_urlencoded_length

SUBMIT_ENDPOINT = "quizzes.submit"
SUBMIT_RULE = "/quiz/attempt/<int:attempt_id>/submit"
# Werkzeug's int converter would take "007" too: anything but the canonical form goes to
# Flask, which decides what it means.
_SUBMIT_PATH = re.compile(r"/quiz/attempt/([1-9][0-9]{0,17})/submit")
_LOCATION_MARK = b"/location-mark-9d41"  # where the redirect page names its target

_UNLESS_LEAN = "unless_lean"  # trainer._skip_limiter_on_lean_views
# The request hooks of the app (by qualified name) and why skipping them is right here.
KNOWN_HOOKS = {
    "before_request": (
        # Flask-WTF's own hook: does nothing while WTF_CSRF_CHECK_DEFAULT is False (set in
        # create_app; the shortcut checks it).
        "CSRFProtect.init_app.<locals>.csrf_protect",
        # The app's CSRF check: mirrored (a token verified before, else Flask-WTF's check
        # of its signature), and left to Flask whenever that is not enough.
        "register_extensions.<locals>.protect_from_csrf",
        # Flask-Limiter's, wrapped to skip lean views (the submit view is one).
        f"{_UNLESS_LEAN}(Limiter._check_request_limit)",
        # Sign-in: the lean principal, as principal_from_rows checks it; every other
        # outcome (no one, forced password change) is left to Flask.
        "register_request_hooks.<locals>.require_sign_in",
    ),
    "after_request": (
        f"{_UNLESS_LEAN}(Limiter.__inject_headers)",  # Flask-Limiter's, skipped likewise
        # Flask-Login's: does nothing without `_remember` in the session and without
        # REMEMBER_COOKIE_REFRESH_EACH_REQUEST (the shortcut checks both).
        "LoginManager._update_remember_cookie",
        "register_request_hooks.<locals>.security_headers",  # mirrored: SECURITY_HEADERS
    ),
    "teardown_request": (f"{_UNLESS_LEAN}(Limiter.__release_context)",),  # likewise
}


def hook_names(app: Flask) -> dict[str, tuple[str, ...] | None]:
    """The app's request hooks by qualified name; None for a kind that has blueprint-level
    hooks, which no shortcut may skip."""
    found = {}
    for kind, registry in (("before_request", app.before_request_funcs),
                           ("after_request", app.after_request_funcs),
                           ("teardown_request", app.teardown_request_funcs)):
        if any(scope is not None and hooks for scope, hooks in registry.items()):
            found[kind] = None
            continue
        found[kind] = tuple(_qualname(hook) for hook in registry.get(None, ()))
    return found


def _qualname(hook: Callable) -> str:
    """A hook's qualified name; "unless_lean(name)" for one that skips lean views."""
    if getattr(hook, "skips_lean_views", False):
        return f"unless_lean({_qualname(hook.__wrapped__)})"
    while hasattr(hook, "func"):  # functools.partial
        hook = hook.func
    return getattr(hook, "__qualname__", repr(hook))


def why_not_installable(app: Flask) -> str | None:
    """None when the shortcut may stand in front of this app; else the reason."""
    if not isinstance(app.session_interface, RememberingSessionInterface):
        return "the app's sessions are not RememberingSessionInterface's"
    rules = [rule.rule for rule in app.url_map.iter_rules(SUBMIT_ENDPOINT)]
    if rules != [SUBMIT_RULE]:
        return f"the submit view is routed as {rules}, not {SUBMIT_RULE}"
    if app.url_value_preprocessors or app.url_default_functions:
        return "the app has URL processors"
    found = hook_names(app)
    for kind, known in KNOWN_HOOKS.items():
        if found[kind] != known:
            return f"its {kind} hooks are {found[kind]}, not the known {known}"
    return None


class SubmitShortcut:
    """WSGI middleware: `app.wsgi_app = SubmitShortcut(app, app.wsgi_app)`."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.taken = 0  # submits answered here, for the tests
        # Hooks can still be added until the app's first request (Flask refuses them after
        # it): they are looked at again on the first submit.
        self.off_because: str | None = None
        self._hooks_checked = False
        # URLs as url_for builds them in a request at the root of the site (SCRIPT_NAME
        # empty: the only case taken here).
        self._urls = app.url_map.bind("localhost", script_name="/")
        # Werkzeug's redirect page, made once; each submit puts its location at the mark.
        probe = werkzeug_redirect(_LOCATION_MARK.decode())
        self._redirect_status = probe.status
        self._redirect_type = probe.headers["Content-Type"]
        self._redirect_body = probe.get_data()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        match = _SUBMIT_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if not self._hooks_checked:
            self.off_because = why_not_installable(self.app)
            self._hooks_checked = True
            if self.off_because is not None:
                self.app.logger.warning("the submit shortcut is off: %s", self.off_because)
        if match is None or self.off_because is not None or not self._applies(environ):
            return self.wsgi_app(environ, start_response)
        return self._submit(environ, start_response, int(match[1]))

    def _applies(self, environ: dict) -> bool:
        config = self.app.config
        return bool(config.get("SUBMIT_SHORTCUT", True) and not environ.get("SCRIPT_NAME")
                    and not self.app.debug and not config["WTF_CSRF_CHECK_DEFAULT"]
                    and not config.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST")
                    and environ.get("HTTP_COOKIE"))

    def _submit(self, environ: dict, start_response: Callable,
                attempt_id: int) -> Iterable[bytes]:
        from trainer.hotpath import parse_session_id

        app, config = self.app, self.app.config
        length = plain_urlencoded_length(environ)
        limit = config["MAX_CONTENT_LENGTH"]
        if length is None or (limit is not None and length > limit):
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = BytesIO(body)  # for Flask, should it take over
        session = app.session_interface.session_data(app, environ["HTTP_COOKIE"])
        parsed = parse_session_id(session.get("_user_id"))
        if len(body) < length or parsed is None or "_remember" in session:
            return self.wsgi_app(environ, start_response)
        try:
            form = MultiDict(parse_urlencoded(body))
        except ValueError:  # not UTF-8
            return self.wsgi_app(environ, start_response)
        if config["WTF_CSRF_ENABLED"] and not self._csrf_token_valid(environ, form, session):
            return self.wsgi_app(environ, start_response)
        try:
            graded = self._grade(environ, attempt_id, *parsed, form)
        except Exception as error:  # after the checks, as an error in the view would be
            return self._through_flask(environ, start_response, error=error)
        if graded is None:
            return self.wsgi_app(environ, start_response)
        if graded.closed_by != "learner":  # the deadline won a race: the view's message
            return self._through_flask(environ, start_response, attempt_id=attempt_id)
        self.taken += 1
        return self._redirect_to_result(start_response, attempt_id)

    def _csrf_token_valid(self, environ: dict, form: MultiDict, session: dict) -> bool:
        """True when the posted token is this session's, as Flask-WTF would find; False
        (Flask-WTF decides) in every other case."""
        from trainer.page_cache import (
            submitted_csrf_token,
            token_verified_before,
            verify_and_remember_token,
        )

        config = self.app.config
        token = submitted_csrf_token(config, form, lambda name: environ.get(
            "HTTP_" + name.upper().replace("-", "_")))
        is_secure = environ.get("wsgi.url_scheme") in ("https", "wss")  # request.is_secure
        raw = session.get(config["WTF_CSRF_FIELD_NAME"])
        return (token_verified_before(config, is_secure, token, raw)
                or verify_and_remember_token(config, is_secure, token, raw))

    def _grade(self, environ: dict, attempt_id: int, user_id: int, epoch: int,
               form: MultiDict):
        """The stored grading, or None (nothing written) when Flask must answer."""
        from trainer.hotpath import companion_row, principal_from_rows
        from trainer.models import utcnow
        from trainer.quizzes import service
        from trainer.quizzes.views import responses_from

        with self.app.app_context():
            rows = service.ATTEMPT_FACTS_WITH_PRINCIPAL.query.rows(user_id=user_id,
                                                                   attempt_id=attempt_id)
            principal = principal_from_rows(rows, user_id, epoch)
            if principal is None or principal.must_change_password:
                return None
            attempt = service.attempt_facts_from_row(companion_row(rows), user_id)
            now = utcnow()
            if attempt is None or attempt.graded or service.is_past_deadline(attempt, now):
                return None
            responses, errors = responses_from(service.drawn_questions(attempt), form)
            if errors:
                return None

            @contextmanager
            def as_in_the_view():
                with self.app.request_context(environ):
                    g.principal = principal
                    yield

            def notify_in_request(user_id: int, course_id: int) -> None:
                # A listener that runs (e.g. one issuing a certificate) runs in a request,
                # as in the view; most passes need none (completion.listen's `relevant`).
                from trainer.completion import notify

                notify(user_id, course_id, within=as_in_the_view)

            try:
                return service.submit_answers(user_id, attempt, responses, now,
                                              on_pass=notify_in_request)
            except service.QuizError:  # raised before anything is written
                return None

    def _through_flask(self, environ: dict, start_response: Callable, *,
                       error: Exception | None = None,
                       attempt_id: int | None = None) -> Iterable[bytes]:
        """A response made the way the view and Flask make it: an error handled by Flask's
        error handlers, or the view's "time is up" redirect."""
        from trainer.quizzes.views import QUIZ_MESSAGES

        app = self.app
        with app.request_context(environ):
            try:
                if error is not None:
                    # Raised again here: Flask's handlers re-raise what they do not handle
                    # with a bare `raise`, which needs the exception being handled.
                    raise error
                flash(QUIZ_MESSAGES["time-up"], "info")
                response = app.finalize_request(
                    redirect(url_for("quizzes.result", attempt_id=attempt_id)))
            except Exception as raised:
                try:
                    response = app.finalize_request(app.handle_user_exception(raised))
                except Exception as unhandled:
                    response = app.handle_exception(unhandled)
            return response(environ, start_response)

    def _redirect_to_result(self, start_response: Callable,
                            attempt_id: int) -> Iterable[bytes]:
        # The view's redirect(url_for("quizzes.result", ...)), its "Vary: Cookie" (the
        # session was read) and the security headers, as Flask sends them.
        location = self._urls.build("quizzes.result", {"attempt_id": attempt_id})
        body = self._redirect_body.replace(_LOCATION_MARK, location.encode())
        start_response(self._redirect_status, [
            ("Content-Type", self._redirect_type), ("Content-Length", str(len(body))),
            ("Location", location), *SECURITY_HEADERS, ("Vary", "Cookie")])
        return [body]


def install(app: Flask) -> None:
    """Put the shortcut in front of the app, when its hooks allow (see the module's doc)."""
    reason = why_not_installable(app)
    if reason is not None:
        app.logger.info("the submit shortcut is off: %s", reason)
        return
    app.wsgi_app = SubmitShortcut(app, app.wsgi_app)
