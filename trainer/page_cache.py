"""Whole rendered pages kept in memory, for pages that are the same for many people.

A lesson page depends on the course version, the lesson, the reader's language, roles (the
navigation) and whether they have read it; nothing else but the CSRF token, which differs
per session. Such a page is rendered once per key with a placeholder where the token goes,
and served afterwards by putting this session's token in: no template, no translation
lookups, no ORM (bench/README.md has the figures).

Each worker process keeps its own bounded cache; keys must hold everything the page shows,
so an entry never needs invalidating (a new course version is a new key).

The CSRF token work of the hot requests is here too: signing the session's token for a page
(reused for a minute), and checking a posted token (a string verified once is remembered).
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, g, render_template, request, session
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadData, URLSafeTimedSerializer
from markupsafe import escape

CSRF_PLACEHOLDER = "csrf-token-placeholder-5f0c2b"


_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()


class PageCache:
    """Pages kept as UTF-8 bytes: the token goes into the bytes, so a page served from the
    cache is never encoded again (encoding a lesson page cost as much as the token)."""

    def __init__(self, max_entries: int = 512) -> None:
        self.max_entries = max_entries
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, key: Hashable, render: Callable[[], str]) -> bytes:
        """The page for `key` with this session's CSRF token, as UTF-8; `render` makes it
        on a miss (it must render through `render_cacheable`)."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
        if page is None:
            page = render().encode()
            with self._lock:
                self._pages[key] = page
                while len(self._pages) > self.max_entries:
                    self._pages.popitem(last=False)
        token = str(escape(signed_csrf_token())).encode()
        return page.replace(_PLACEHOLDER_BYTES, token)

    def __len__(self) -> int:
        return len(self._pages)


# Signing the session's CSRF token costs about as much as the rest of a cached page, and a
# signed token stays valid for WTF_CSRF_TIME_LIMIT (config.py: no limit; Flask-WTF's
# default is an hour): one signed less than a minute ago is handed out again.
TOKEN_REUSE_SECONDS = 60
_signed_tokens: OrderedDict[tuple[str, str], tuple[str, float]] = OrderedDict()
_signed_tokens_lock = threading.Lock()


def signed_csrf_token() -> str:
    """What Flask-WTF's generate_csrf() returns, signed at most a minute ago."""
    raw = session.get("csrf_token")
    now = time.monotonic()
    if isinstance(raw, str) and "csrf_token" not in g:
        key = (current_app.secret_key, raw)
        with _signed_tokens_lock:
            found = _signed_tokens.get(key)
        if found is not None and now - found[1] < TOKEN_REUSE_SECONDS:
            g.csrf_token = found[0]  # later generate_csrf() calls in this request agree
            return found[0]
    token = generate_csrf()
    with _signed_tokens_lock:
        _signed_tokens[(current_app.secret_key, session["csrf_token"])] = (token, now)
        while len(_signed_tokens) > 10_000:
            _signed_tokens.popitem(last=False)
    return token


# Checking a submitted token means verifying its signature (HMAC) on every form post.
# A token string verified once stays good while WTF_CSRF_TIME_LIMIT is None (config.py) and
# the secret key is the same: a later post only has to carry the same string and belong to
# a session holding the same raw token, which is what Flask-WTF compares after the signature.
_verified_tokens: OrderedDict[tuple[str, str], str] = OrderedDict()


def _submitted_csrf_token() -> str | None:
    return submitted_csrf_token(current_app.config, request.form, request.headers.get)


def submitted_csrf_token(config, form, header: Callable[[str], str | None]) -> str | None:
    """The token a post carries where Flask-WTF looks: the form field, else the headers
    it is told to look in (`header(name)` reads one)."""
    token = form.get(config["WTF_CSRF_FIELD_NAME"])
    if not token:
        token = next(filter(None, map(header, config["WTF_CSRF_HEADERS"])), None)
    return token if isinstance(token, str) else None


def csrf_token_verified_before() -> bool:
    """True when this post carries a token Flask-WTF verified before, for this session's
    raw token; False means: let Flask-WTF check it (and then call remember_verified_token)."""
    config = current_app.config
    return token_verified_before(
        config, request.is_secure, _submitted_csrf_token(),
        session.get(config["WTF_CSRF_FIELD_NAME"]))


def token_verified_before(config, is_secure: bool, token: object, raw: object) -> bool:
    """The rule of csrf_token_verified_before without a request: `token` as posted, `raw`
    the session's raw token, `config` the app's."""
    if not _checkable_here(config, is_secure, token, raw):
        return False
    with _signed_tokens_lock:
        verified_raw = _verified_tokens.get((config["SECRET_KEY"], token))
    return verified_raw is not None and hmac.compare_digest(verified_raw, raw)


def _checkable_here(config, is_secure: bool, token: object, raw: object) -> bool:
    """Whether a posted token can be judged without Flask-WTF: no time limit on tokens and
    no referrer to check (HTTPS with SSL-strict), and both tokens are strings."""
    if config.get("WTF_CSRF_TIME_LIMIT") is not None or (
            is_secure and config.get("WTF_CSRF_SSL_STRICT", True)):
        return False  # the token's age or the referrer must be checked each time
    return bool(token) and isinstance(token, str) and isinstance(raw, str)


# Flask-WTF signs its tokens with this salt (flask_wtf.csrf.generate_csrf, validate_csrf).
_WTF_CSRF_SALT = "wtf-csrf-token"


def verify_and_remember_token(config, is_secure: bool, token: object, raw: object) -> bool:
    """Flask-WTF's check of a posted token (validate_csrf: its signature by the app's key
    over the session's raw token) without a request, for the cases token_verified_before
    takes (no time limit, no referrer to check); remembered when it passes. False sends the
    post to Flask-WTF, so a difference from its check can only cost a slower request."""
    if not _checkable_here(config, is_secure, token, raw):
        return False
    secret_key = config.get("WTF_CSRF_SECRET_KEY") or config["SECRET_KEY"]
    try:
        signed_raw = URLSafeTimedSerializer(secret_key, salt=_WTF_CSRF_SALT).loads(token)
    except BadData:
        return False
    if not isinstance(signed_raw, str) or not hmac.compare_digest(signed_raw, raw):
        return False
    _remember(config["SECRET_KEY"], token, raw)
    return True


def _remember(secret_key: str, token: str, raw: str) -> None:
    with _signed_tokens_lock:
        _verified_tokens[(secret_key, token)] = raw
        while len(_verified_tokens) > 10_000:
            _verified_tokens.popitem(last=False)


def remember_verified_token() -> None:
    """After Flask-WTF accepted this post's token (g.csrf_valid), remember it."""
    config = current_app.config
    token, raw = _submitted_csrf_token(), session.get(config["WTF_CSRF_FIELD_NAME"])
    if not g.get("csrf_valid") or not token or not isinstance(raw, str):
        return
    _remember(current_app.secret_key, token, raw)


def render_cacheable(template: str, **context: object) -> str:
    """Render with a placeholder for every `csrf_token()` the templates call."""
    return render_template(template, csrf_token=lambda: CSRF_PLACEHOLDER, **context)


def request_is_cacheable() -> bool:
    """Pages with a query string (it is echoed in the language form) or a flash message
    waiting to be shown are rendered afresh."""
    return not request.query_string and "_flashes" not in session
