"""Error pages that tell people what happened and what to do, in their language."""

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

ERROR_TEXT = {
    400: (
        _l("The request could not be understood"),
        _l("Something in what was sent is not right. Go back, check the form and try again."),
    ),
    403: (
        _l("You do not have access to this page"),
        _l(
            "Your account does not have the role this page needs. If you think it should, "
            "ask HR or an administrator."
        ),
    ),
    404: (
        _l("Page not found"),
        _l("There is nothing at this address. Check the link, or go back to your home page."),
    ),
    405: (
        _l("That action is not allowed here"),
        _l("This page cannot be used that way. Go back and use the buttons on the page."),
    ),
    413: (
        _l("What you sent is too large"),
        _l(
            "Forms take at most 1 MB and uploaded files at most 30 MB. Split a large file "
            "into smaller ones and try again."
        ),
    ),
    429: (
        _l("Too many attempts"),
        _l("You have tried too often in a short time. Wait a few minutes, then try again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "The error has been logged. Try again in a moment; if it keeps happening, tell "
            "an administrator what you were doing."
        ),
    ),
}


def render_error(status: int, detail: object | None = None):
    title, text = ERROR_TEXT.get(status, ERROR_TEXT[500])
    return render_template(
        "errors/error.html", status=status, title=title, text=detail or text
    ), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400,
            _l(
                "The form had expired or was sent from another page. "
                "Reload the page and submit it again."
            ),
        )

    @app.errorhandler(429)
    def too_many(_error):
        if request.endpoint == "auth.login":
            from trainer.auth.forms import LoginForm

            return render_template(
                "auth/login.html",
                form=LoginForm(),
                rate_limited=_l(
                    "Too many failed sign-in attempts for this account or from "
                    "this device. Wait 15 minutes, then try again, or ask HR to "
                    "reset your password."
                ),
            ), 429
        return render_error(429)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in ERROR_TEXT:
            return render_error(error.code)
        return error

    @app.errorhandler(500)
    def server_error(_error):
        from trainer.extensions import db

        db.session.rollback()  # the failed request may have left the session unusable
        g.server_error = True  # the page asks the database nothing more (the bell's count)
        return render_error(500)
