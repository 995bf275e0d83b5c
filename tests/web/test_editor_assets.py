"""The course editor's front end: the committed CodeMirror bundle as the app serves it, and the
per-response CSP nonce its injected <style> elements need."""

from __future__ import annotations

import re
from pathlib import Path

from trainer.security import content_security_policy

STATIC = Path(__file__).resolve().parents[2] / "trainer" / "static"
BUNDLE = STATIC / "vendor" / "codemirror" / "editor.bundle.js"
NONCE_IN_HEADER = re.compile(r"style-src 'self' 'nonce-([A-Za-z0-9_\-]+)';")
NONCE_IN_PAGE = re.compile(r'<meta name="csp-nonce" content="([^"]*)">')

# What in a script would reach another host: fetching it, importing from it, or a tag pointing
# at it. A URL in a string that nothing loads (the SVG namespace) is fine.
EXTERNAL_LOADS = (
    re.compile(r"""\bimport\s*\(\s*["'`](?:https?:)?//"""),
    re.compile(r"""\bimport\s[^;]*?\bfrom\s*["'`](?:https?:)?//"""),
    re.compile(r"""\bfetch\s*\(\s*["'`](?:https?:)?//"""),
    re.compile(r"""\bimportScripts\s*\("""),
    re.compile(r"""\bnew\s+(?:Worker|WebSocket|EventSource)\s*\("""),
    re.compile(r"""\.src\s*=\s*["'`](?:https?:)?//"""),
    re.compile(r"""XMLHttpRequest"""),
    re.compile(r"""sendBeacon"""),
)
# Every absolute URL in the bundle, each accounted for.
KNOWN_URLS = {
    "http://www.w3.org/2000/svg",  # the SVG namespace (createElementNS), not loaded
}


def test_the_bundle_is_committed_small_and_self_contained():
    assert BUNDLE.is_file(), "run `make editor-bundle` and commit the result"
    text = BUNDLE.read_text(encoding="utf-8")
    assert len(text.encode()) < 600_000
    assert "window.TrainerEditor" in text or "TrainerEditor=" in text
    # One IIFE: no ES module syntax left for the browser to resolve.
    assert not re.search(r"^\s*(?:import|export)\s", text, re.MULTILINE)
    for pattern in EXTERNAL_LOADS:
        assert not pattern.search(text), pattern.pattern
    urls = set(re.findall(r"https?://[A-Za-z0-9.\-]+[^\s\"'`)]*", text))
    assert urls <= KNOWN_URLS, urls - KNOWN_URLS


def test_the_page_script_loads_nothing_from_elsewhere():
    text = (STATIC / "js" / "course-editor.js").read_text(encoding="utf-8")
    assert not re.findall(r"https?://", text)
    # Every word shown comes from the page (data-msg-*), none is written in the script.
    assert not re.search(r"[\u3400-\u9fff]", text)


def test_the_licences_of_the_bundled_packages_are_beside_it():
    licences = (BUNDLE.parent / "LICENSES.txt").read_text(encoding="utf-8")
    for package in (
        "@codemirror/state",
        "@codemirror/view",
        "@codemirror/commands",
        "@codemirror/language",
        "@codemirror/lang-markdown",
        "@codemirror/lint",
        "@codemirror/search",
        "@lezer/highlight",
        "@lezer/markdown",
        "style-mod",
    ):
        assert f"\n{package}@" in licences, package
    assert "Permission is hereby granted, free of charge" in licences


def test_the_app_serves_the_editor_files(client):
    bundle = client.get("/static/vendor/codemirror/editor.bundle.js")
    assert bundle.status_code == 200
    assert bundle.mimetype in {"text/javascript", "application/javascript"}
    assert bundle.get_data() == BUNDLE.read_bytes()
    script = client.get("/static/js/course-editor.js")
    assert script.status_code == 200
    assert script.mimetype in {"text/javascript", "application/javascript"}
    styles = client.get("/static/css/editor.css")
    assert styles.status_code == 200 and styles.mimetype == "text/css"


def test_each_response_carries_a_fresh_style_nonce_that_the_page_repeats(client):
    nonces = []
    for _ in range(3):
        response = client.get("/auth/login")
        policy = response.headers["Content-Security-Policy"]
        header = NONCE_IN_HEADER.search(policy)
        assert header, policy
        page = NONCE_IN_PAGE.search(response.get_data(as_text=True))
        assert page, "base.html has no <meta name=csp-nonce>"
        assert page.group(1) == header.group(1)
        nonces.append(header.group(1))
    assert len(set(nonces)) == 3
    assert all(len(nonce) >= 22 for nonce in nonces)  # 128 bits or more, base64


def test_the_policy_stays_strict():
    policy = content_security_policy("abc")
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["style-src"] == "'self' 'nonce-abc'"
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_a_response_without_a_page_carries_a_nonce_too(client):
    """Static files and redirects get the same policy, with their own nonce."""
    first = client.get("/static/css/app.css").headers["Content-Security-Policy"]
    second = client.get("/static/css/app.css").headers["Content-Security-Policy"]
    assert NONCE_IN_HEADER.search(first) and NONCE_IN_HEADER.search(second)
    assert first != second
