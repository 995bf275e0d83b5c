"""Which language a request is answered in (Flask-Babel's locale selector)."""

from __future__ import annotations

from flask import Flask, current_app, session
from flask_login import current_user

from trainer.config import SUPPORTED_LOCALES
from trainer.extensions import babel


def select_locale() -> str:
    """The signed-in person's chosen language, else the one chosen in this browser's
    session, else the site's default."""
    if current_user and current_user.is_authenticated and current_user.locale in SUPPORTED_LOCALES:
        return current_user.locale
    if session.get("locale") in SUPPORTED_LOCALES:
        return session["locale"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
