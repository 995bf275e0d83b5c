"""Flask's signed-cookie session, remembering cookies it has already verified.

Every request of a signed-in user sends the same session cookie until the session changes.
Verifying it (base64, zlib, HMAC, tagged JSON) is the largest single cost of a cached lesson
page (bench/README.md), and the answer cannot change: the cookie is signed content. So each
worker keeps the last few thousand verified cookies with what they decoded to and when they
expire, and hands out a fresh session object built from that.

Only sessions made of plain values are kept: a session holding a list (flash messages) could
be changed in place by the request using it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.http import parse_cookie

_PLAIN = (str, int, float, bool, type(None))


class RememberingSessionInterface(SecureCookieSessionInterface):
    max_remembered = 5000

    def __init__(self) -> None:
        self._verified: OrderedDict[tuple, tuple[dict, float]] = OrderedDict()
        self._lock = threading.Lock()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # Remembered by the whole Cookie header: the same header carries the same session
        # cookie, and parsing the header would be a third of the cost of a remembered one.
        header = request.environ.get("HTTP_COOKIE")
        if not header or not app.secret_key:
            return super().open_session(app, request)
        return self.session_class(self.session_data(app, header, request.cookies))

    def session_data(self, app: Flask, header: str, cookies=None) -> dict:
        """What the session cookie in this Cookie header holds: {} when it has none or its
        signature does not verify (or it has expired). `cookies`: the parsed header, when
        the caller has it. The dict may be the one remembered: read it, never change it."""
        key = (header, app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        now = time.time()
        with self._lock:
            found = self._verified.get(key)
        if found is not None and now < found[1]:
            return found[0]
        if cookies is None:
            cookies = parse_cookie(header)
        value = cookies.get(self.get_cookie_name(app))
        if not value:
            return {}
        serializer = self.get_signing_serializer(app)
        if serializer is None:  # no secret key: no signed session can be read
            return {}
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return {}
        if all(isinstance(item, _PLAIN) for item in data.values()):
            with self._lock:
                self._verified[key] = (dict(data), signed_at.timestamp() + max_age)
                while len(self._verified) > self.max_remembered:
                    self._verified.popitem(last=False)
        return data

    def save_session(self, app: Flask, session: SecureCookieSession,
                     response: Response) -> None:
        # Most requests read the session and leave it as it was: the only thing to do is
        # the "Vary: Cookie" Flask adds. Flask adds it through response.vary, which raises
        # and catches a KeyError when the response has no Vary header yet (a visible cost
        # on a cached lesson page); this adds it by hand. Everything else goes to Flask.
        if session.accessed and session and not self.should_set_cookie(app, session):
            _vary_on_cookie(response)
            return
        super().save_session(app, session, response)


def _vary_on_cookie(response: Response) -> None:
    present = response.headers.getlist("Vary")
    if not present:
        response.headers["Vary"] = "Cookie"
    elif not any(value.strip().lower() in ("cookie", "*")
                 for header in present for value in header.split(",")):
        response.headers["Vary"] = ", ".join([*present, "Cookie"])
