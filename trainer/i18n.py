"""Which language a request is answered in (Flask-Babel's locale selector)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, session
from flask_babel import format_date, format_datetime, get_locale
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
    register_date_filters(app)


# --- dates and moments: one format per language ----------------------------------------------
# Every page, message and e-mail shows a day and a moment in these patterns (CLDR syntax), so
# a language never mixes "2026-12-08", "12/8/26" and "2026年12月8日". Moments are stored in
# UTC and shown in the company's time zone (BABEL_DEFAULT_TIMEZONE).
DAY_PATTERNS = {"zh_Hans_CN": "y年M月d日", "en": "d MMM y"}
MOMENT_PATTERNS = {"zh_Hans_CN": "y年M月d日 HH:mm", "en": "d MMM y, HH:mm"}


def _pattern(patterns: dict[str, str]) -> str:
    locale = str(get_locale() or "")
    if locale in patterns:
        return patterns[locale]
    return patterns["en"] if locale.startswith("en") else patterns["zh_Hans_CN"]


def format_day(value: date | datetime | None) -> str:
    """A day as this language writes it ("2026年12月8日", "8 Dec 2026"); a stored UTC moment
    gives the company's day it fell on."""
    if value is None:
        return ""
    return format_date(value, _pattern(DAY_PATTERNS))


def format_moment(value: datetime | None) -> str:
    """A stored UTC moment in the company's time zone ("2026年12月8日 14:00",
    "8 Dec 2026, 14:00")."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return format_day(value)
    return format_datetime(value, _pattern(MOMENT_PATTERNS))


def format_moment_for_table(value: datetime | None) -> str:
    """A stored UTC moment in the company's time zone for a spreadsheet cell
    ("2026-12-08 14:00"): the same moment as format_moment, written so a spreadsheet sorts
    it, in every language."""
    if value is None:
        return ""
    return format_datetime(value, "yyyy-MM-dd HH:mm")


def register_date_filters(app: Flask) -> None:
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_moment, "moment")
