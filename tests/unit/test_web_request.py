"""The app's request class reads urlencoded forms on a shorter road (trainer.web_request):
the form it gives must be the one Werkzeug's own parser gives, whatever the body."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask, Request, request
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder

from trainer.web_request import URLENCODED, TrainerRequest, parse_urlencoded


def _environ(body: bytes, content_type: str = URLENCODED, **extra) -> dict:
    environ = EnvironBuilder(method="POST", data=body, content_type=content_type).get_environ()
    environ.update(extra)
    return environ


def _forms(body: bytes, **extra) -> tuple[list, list]:
    """The form as Werkzeug parses it, and as TrainerRequest does (each on its own copy of
    the body)."""
    werkzeug_form = Request(_environ(body, **extra)).form
    ours = TrainerRequest(_environ(body, **extra)).form
    return list(werkzeug_form.items(multi=True)), list(ours.items(multi=True))


# Bodies made of what urlencoded forms are made of - separators, escapes good and broken,
# plus signs, Chinese text - and raw bytes that are not UTF-8 at all.
_PIECES = st.sampled_from(["&", "=", "+", "%", "%2", "%41", "%E5%BD%95", "%e9%9f", "%ZZ",
                           "%FF", "q1", "csrf_token", "答", " ", ";", "a", "-", "."])
_BODIES = st.one_of(
    st.lists(_PIECES, max_size=40).map(lambda parts: "".join(parts).encode()),
    st.text(max_size=60).map(str.encode),
    st.binary(max_size=60),
)


@settings(max_examples=400)
@given(_BODIES, st.booleans())
def test_any_body_gives_the_form_werkzeug_gives(body, server_terminates_input):
    # gunicorn marks every request's input as terminated by the server; Werkzeug's test
    # environ does not: the form must be the same either way.
    extra = {"wsgi.input_terminated": True} if server_terminates_input else {}
    werkzeug_form, ours = _forms(body, **extra)
    assert ours == werkzeug_form


@pytest.mark.parametrize("content_type", [
    URLENCODED, f"{URLENCODED}; charset=utf-8", "Application/X-WWW-Form-Urlencoded",
    f" {URLENCODED} ;", f"{URLENCODED}, text/plain", "text/plain", "multipart/form-data",
    "", "application/x-www-form-urlencodedx"])
@pytest.mark.parametrize("length", ["auto", "+29", " 29", "29 ", "2_9", "٢٩", "", "0", "5"])
def test_odd_headers_give_the_form_werkzeug_gives(content_type, length):
    # The short road reads Content-Type and Content-Length straight from the environ; any
    # header it does not take as plain goes Werkzeug's way, so the form is always the same.
    body = b"q1=%E5%BD%95%E9%9F%B3&q2=true&c=x"
    extra = {"CONTENT_TYPE": content_type, "wsgi.input_terminated": True}
    if length != "auto":
        extra["CONTENT_LENGTH"] = length
    werkzeug_form, ours = _forms(body, **extra)
    assert ours == werkzeug_form


@pytest.mark.parametrize("length", ["10", "400", "1000"])
def test_a_server_terminated_stream_is_read_as_werkzeug_reads_it(length):
    # With wsgi.input_terminated the stream, not Content-Length, says where the body ends;
    # Werkzeug reads no further than MAX_CONTENT_LENGTH then (and refuses a longer length).
    results = []
    for request_class in (Request, TrainerRequest):
        app = Flask(__name__)
        app.request_class = request_class
        app.config["MAX_CONTENT_LENGTH"] = 400
        environ = _environ(b"q1=" + b"x" * 1000, CONTENT_LENGTH=length)
        environ["wsgi.input_terminated"] = True
        with app.request_context(environ):
            try:
                results.append(list(request.form.items(multi=True)))
            except Exception as error:  # noqa: BLE001 - the error is what is compared
                results.append(getattr(error, "code", repr(error)))
    assert results[0] == results[1]


def test_a_chunked_body_with_a_length_header_goes_werkzeugs_way(form_app):
    environ = _environ(b"q1=b", CONTENT_LENGTH="2")
    environ.update({"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"})
    with form_app.request_context(environ):
        assert list(request.form.items(multi=True)) == [("q1", "b")]


def test_a_form_from_gunicorn_takes_the_short_road(monkeypatch):
    # gunicorn sets wsgi.input_terminated on every request, with or without a body; a
    # form with a Content-Length must still be read in one call, not by Werkzeug's parser.
    from werkzeug.formparser import FormDataParser

    def werkzeug_parser_used(*args, **kwargs):
        raise AssertionError("Werkzeug's form parser read a body that has a length")

    monkeypatch.setattr(FormDataParser, "parse", werkzeug_parser_used)
    body = urlencode([("q1", "录音"), ("csrf_token", "abc")]).encode()
    form = TrainerRequest(_environ(body, **{"wsgi.input_terminated": True})).form
    assert list(form.items(multi=True)) == [("q1", "录音"), ("csrf_token", "abc")]


def test_a_real_answer_form_is_read_field_by_field():
    fields = [("q1", "录音"), ("q3", "3b6f9bd4"), ("q3", "cd7b599f"), ("q4", "1 + 1 = 2"),
              ("q5", ""), ("csrf_token", "Ijk5ZGM3.aSK2pQ.ab-c_d")]
    body = urlencode(fields).encode()
    assert parse_urlencoded(body) == fields
    werkzeug_form, ours = _forms(body)
    assert ours == werkzeug_form == fields


def test_a_body_that_is_not_utf8_is_an_empty_form_as_with_werkzeug():
    assert _forms(b"q1=\xff\xfe") == ([], [])


@pytest.fixture
def form_app():
    app = Flask(__name__)
    app.request_class = TrainerRequest
    app.config["MAX_CONTENT_LENGTH"] = 400

    @app.post("/echo")
    def echo():
        return {"form": list(request.form.items(multi=True)),
                "files": sorted(request.files)}

    return app


def test_a_form_over_the_size_limit_is_refused_with_413(form_app):
    response = form_app.test_client().post("/echo", data={"q1": "x" * 1000})
    assert response.status_code == 413


def test_a_body_shorter_than_its_content_length_is_a_bad_request(form_app):
    environ = _environ(b"q1=a", CONTENT_LENGTH="10")
    environ["wsgi.input"] = io.BytesIO(b"q1=a")
    with form_app.request_context(environ):
        with pytest.raises(Exception) as raised:
            request.form  # noqa: B018 - reading the form is the point
    assert getattr(raised.value, "code", None) == 400


def test_uploads_and_chunked_bodies_still_go_through_werkzeug(form_app):
    client = form_app.test_client()
    upload = client.post("/echo", data={"q1": "a", "photo": (io.BytesIO(b"png"), "p.png")},
                         content_type="multipart/form-data")
    assert upload.json == {"form": [["q1", "a"]], "files": ["photo"]}
    chunked = _environ(b"", CONTENT_LENGTH="")
    chunked.pop("CONTENT_LENGTH")
    chunked.update({"wsgi.input": io.BytesIO(b"q1=b"), "wsgi.input_terminated": True,
                    "HTTP_TRANSFER_ENCODING": "chunked"})
    with form_app.request_context(chunked):
        assert list(request.form.items(multi=True)) == [("q1", "b")]


@pytest.fixture
def gunicorn_echo():
    """tests/unit/form_echo_app.py served by gunicorn, as `make run` serves the app."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "2", "--worker-class", "gthread", "tests.unit.form_echo_app:app"],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_under_gunicorn_a_form_takes_the_short_road_and_arrives_whole(gunicorn_echo):
    # The real server, not a test environ: gunicorn marks its input as terminated, which
    # once sent every form to Werkzeug's parser.
    fields = [("q1", "录音"), ("q3", "3b6f9bd4"), ("q3", "cd7b599f"), ("q4", "1 + 1 = 2"),
              ("csrf_token", "Ijk5ZGM3.aSK2pQ.ab-c_d")]
    posted = urllib.request.Request(
        f"{gunicorn_echo}/echo", data=urlencode(fields).encode(), method="POST",
        headers={"Content-Type": URLENCODED})
    with urllib.request.urlopen(posted, timeout=10) as response:
        answer = json.load(response)
    assert answer == {"form": [list(pair) for pair in fields], "werkzeug_parsed": False}
    upload = urllib.request.Request(
        f"{gunicorn_echo}/echo", data=b"q1=a", method="POST",
        headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(upload, timeout=10) as response:
        answer = json.load(response)
    assert answer == {"form": [], "werkzeug_parsed": True}  # not a form: Werkzeug's way


def test_the_app_uses_it(app):
    assert app.request_class is TrainerRequest
