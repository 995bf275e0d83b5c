"""The course editor's script in real Chromium, on a page of the markup the editor template
renders (the lead's end-to-end journey comes later). Every request is intercepted: the page,
the real static files, and the check / save / image endpoints answered by the test. A request
to any other host fails the test, as does a script error or a CSP violation (CodeMirror's
<style> elements must carry the response's nonce)."""

from __future__ import annotations

import json
import mimetypes
import secrets
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from tests.browser.conftest import assert_accessible
from trainer.security import content_security_policy

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "trainer" / "static"
ORIGIN = "http://trainer.test"
PATH = "lessons/01-greeting.md"
SOURCE = "# 问候\n\n欢迎光临。\n\n第四行。\n"

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csp-nonce" content="{nonce}">
<title>编辑</title>
<link rel="stylesheet" href="/static/css/app.css">
<link rel="stylesheet" href="/static/css/editor.css">
<script src="/static/vendor/codemirror/editor.bundle.js" defer></script>
<script src="/static/js/course-editor.js" defer></script>
</head><body><main class="page editor-page">
<div class="editor-layout">
<form id="editor-form" method="post" action="/save"
      data-check-url="/check" data-image-url="/image"
      data-editor-label="课程 Markdown 源文件"
      data-msg-saving="正在保存…" data-msg-saved="已保存。"
      data-msg-conflict="别人已经修改了这个文件。" data-msg-offline="网络断开，内容未保存。"
      data-msg-uploading="正在上传图片…" data-msg-uploaded="图片已上传。"
      data-msg-upload-failed="图片上传失败。" data-msg-error="保存失败。"
      data-msg-no-problems="没有问题。" data-msg-unsaved="有未保存的修改。"
      data-msg-signed-out="登录已过期，请在新窗口登录后再保存。"
      data-msg-severity-error="错误" data-msg-severity-warning="警告"
      data-editor-phrases='{{"Find": "查找"}}'>
  <input type="hidden" name="csrf_token" value="token-1">
  <input type="hidden" name="path" value="{path}">
  <input type="hidden" name="revision" value="3">
  <label for="editor-source">源文件</label>
  <textarea name="content" id="editor-source" rows="25" required>{source}</textarea>
  <button type="submit" class="button">保存</button>
  <p id="editor-status" role="status" aria-live="polite"></p>
</form>
<div class="editor-tabs">
  <button type="button" data-pane="source" aria-pressed="true">编辑</button>
  <button type="button" data-pane="preview" aria-pressed="false">预览</button>
</div>
<section id="editor-problems" aria-live="polite"><h2>问题</h2><ul data-problem-list></ul></section>
<section id="editor-preview"><p>服务器渲染的预览</p></section>
</div></main></body></html>"""

PROBLEMS = [
    {"file": "course.yml", "line": 2, "severity": "warning", "message": "缺少简介"},
    {"file": PATH, "line": 3, "severity": "error", "message": "链接指向不存在的课"},
    {"file": PATH, "line": 0, "severity": "warning", "message": "标题太长"},
    {"file": PATH, "line": 99, "severity": "warning", "message": "文件末尾"},
]


def form_of(request) -> tuple[dict, dict]:
    """The fields and files of a multipart POST the page sent."""
    environ = EnvironBuilder(
        method="POST",
        data=request.post_data_buffer,
        content_type=request.headers["content-type"],
    ).get_environ()
    parsed = Request(environ)
    return parsed.form.to_dict(), {name: file.read() for name, file in parsed.files.items()}


class FakeServer:
    """Answers the page's requests; records what reached it and what tried to go elsewhere."""

    def __init__(self, page, page_nonce: str | None = None):
        self.nonce = secrets.token_urlsafe(18)
        self.page_nonce = page_nonce or self.nonce  # what the page's meta says
        self.foreign: list[str] = []
        self.checks: list[dict] = []
        self.saves: list[dict] = []
        self.save_headers: list[dict] = []
        self.images: list[tuple[dict, dict]] = []
        self.check_answer = {"problems": PROBLEMS, "preview_html": "<h1>预览</h1>"}
        self.save_answer = (200, {"revision": 4, "message": "已保存 01-greeting.md"})
        self.image_answer = (
            200,
            {"markdown": "![说明](../images/x-1a2b3c4d.jpg)", "path": "images/x-1a2b3c4d.jpg"},
        )
        self.held: list = []  # check requests answered later by the test
        self.hold_checks = False
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console",
            # Chromium logs each 4xx/5xx answer; those are the test's own doing.
            lambda message: (
                self.errors.append(message.text)
                if message.type == "error" and "Failed to load resource" not in message.text
                else None
            ),
        )
        page.route("**/*", self.handle)

    def handle(self, route):
        request = route.request
        url = urlsplit(request.url)
        if f"{url.scheme}://{url.netloc}" != ORIGIN:
            self.foreign.append(request.url)
            route.abort()
            return
        if url.path == "/edit":
            body = PAGE.format(nonce=self.page_nonce, path=PATH, source=SOURCE)
            route.fulfill(
                status=200,
                body=body,
                headers={
                    "Content-Type": "text/html; charset=utf-8",
                    "Content-Security-Policy": content_security_policy(self.nonce),
                },
            )
        elif url.path.startswith("/static/"):
            file = STATIC / url.path.removeprefix("/static/")
            if not file.is_file():
                route.fulfill(status=404, body="")
                return
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            route.fulfill(status=200, body=file.read_bytes(), headers={"Content-Type": kind})
        elif url.path == "/check":
            fields, _ = form_of(request)
            fields["X-CSRFToken"] = request.headers.get("x-csrftoken")
            self.checks.append(fields)
            if self.hold_checks:
                self.held.append(route)
            else:
                route.fulfill(status=200, json=self.check_answer)
        elif url.path == "/save":
            fields, _ = form_of(request)
            self.saves.append(fields)
            self.save_headers.append(request.headers)
            status, answer = self.save_answer
            if status is None:
                route.abort("internetdisconnected")
            elif answer is None:  # an HTML error page (a proxy's, a 413)
                route.fulfill(status=status, body="<h1>Error</h1>", content_type="text/html")
            else:
                route.fulfill(status=status, json=answer)
        elif url.path == "/image":
            self.images.append(form_of(request))
            status, answer = self.image_answer
            route.fulfill(status=status, json=answer)
        else:
            route.fulfill(status=404, body="")

    def assert_clean(self):
        assert not self.foreign, f"requests to other hosts: {self.foreign}"
        assert not self.errors, self.errors


@pytest.fixture
def editor(desktop):
    server = FakeServer(desktop)
    desktop.goto(f"{ORIGIN}/edit")
    expect(desktop.locator(".cm-editor")).to_be_visible()
    yield desktop, server
    server.assert_clean()


def text_of(fields: dict) -> str:
    """The content field as sent: a form sends its line ends as CRLF (the HTML standard's
    multipart/form-data, with or without JavaScript), the server turns them back into LF."""
    return fields["content"].replace("\r\n", "\n")


def wait_until(page, condition, timeout_ms: int = 5000) -> None:
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page never sent it")


def editor_text(page) -> str:
    return page.locator("#editor-source").input_value()


def type_at_end(page, text: str) -> None:
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_the_editor_replaces_the_textarea_and_shows_the_check(editor):
    page, server = editor
    expect(page.locator("#editor-source")).to_be_hidden()
    content = page.locator(".cm-content")
    expect(content).to_have_attribute("aria-label", "课程 Markdown 源文件")
    expect(page.locator(".cm-lineNumbers .cm-gutterElement", has_text="5")).to_be_visible()
    # CodeMirror's <style> elements carry the nonce, so its layout applies under the CSP.
    assert page.evaluate(
        "() => [...document.querySelectorAll('style')].every(s => s.nonce === "
        "document.querySelector('meta[name=csp-nonce]').content)"
    )
    expect(page.locator(".cm-gutters")).to_have_css("display", "flex")

    page.locator("label[for=editor-source]").click()
    expect(content).to_be_focused()
    type_at_end(page, "新的一行")
    expect(page.locator("#editor-source")).to_have_value(SOURCE + "新的一行")
    wait_until(page, lambda: server.checks and text_of(server.checks[-1]).endswith("新的一行"))
    expect(page.locator("#editor-preview h1")).to_have_text("预览")
    last = server.checks[-1]
    assert text_of(last) == SOURCE + "新的一行"
    assert last["path"] == PATH
    assert last["csrf_token"] == "token-1" and last["X-CSRFToken"] == "token-1"

    # This file's problems at their lines: line 3; line 0 -> line 1; past the end -> the last.
    lines = page.locator(".cm-content .cm-line")
    expect(lines.nth(2).locator(".cm-lintRange-error")).to_have_count(1)
    expect(lines.nth(0).locator(".cm-lintRange-warning")).to_have_count(1)
    expect(lines.nth(5).locator(".cm-lintRange-warning")).to_have_count(1)
    expect(page.locator(".cm-lintRange-error")).to_have_count(1)
    expect(page.locator(".cm-lintRange")).to_have_count(3)  # course.yml's is not here

    # Every problem in the list, errors first, file:line – message.
    items = page.locator("#editor-problems [data-problem-list] li")
    expect(items).to_have_text(
        [
            f"错误 {PATH}:3 – 链接指向不存在的课",
            "警告 course.yml:2 – 缺少简介",
            f"警告 {PATH} – 标题太长",
            f"警告 {PATH}:99 – 文件末尾",
        ]
    )


def test_without_the_nonce_the_policy_refuses_codemirrors_styles(desktop):
    """The guard above is real: a page whose meta carries another nonce gets its styles refused
    (so the editor test passing means the nonce did its job)."""
    server = FakeServer(desktop, page_nonce="not-the-header-nonce")
    desktop.goto(f"{ORIGIN}/edit")
    expect(desktop.locator(".cm-editor")).to_be_attached()
    desktop.wait_for_timeout(300)
    assert any("Content Security Policy" in error for error in server.errors), server.errors
    assert not server.foreign


def test_typing_checks_once_after_a_pause(editor):
    page, server = editor
    expect(page.locator("#editor-preview h1")).to_have_text("预览")  # the check on load
    before = len(server.checks)
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    for letter in "abcd":
        page.keyboard.type(letter)
        page.wait_for_timeout(150)
    page.wait_for_timeout(1200)
    assert len(server.checks) == before + 1
    assert text_of(server.checks[-1]).endswith("abcd")


def test_only_the_latest_check_is_applied(editor):
    page, server = editor
    expect(page.locator("#editor-preview h1")).to_have_text("预览")
    server.hold_checks = True
    type_at_end(page, "a")
    page.wait_for_function("() => true")
    page.wait_for_timeout(900)
    type_at_end(page, "b")
    page.wait_for_timeout(900)
    assert len(server.held) == 2
    first, second = server.held
    second.fulfill(status=200, json={"problems": [], "preview_html": "<p>最新</p>"})
    try:  # the page gave up on the first one when it sent the second
        first.fulfill(
            status=200,
            json={"problems": PROBLEMS, "preview_html": "<p>过时</p>"},
        )
    except Exception:
        pass
    expect(page.locator("#editor-preview")).to_have_text("最新")
    page.wait_for_timeout(300)
    expect(page.locator("#editor-preview")).to_have_text("最新")
    expect(page.locator("#editor-problems li")).to_have_text(["没有问题。"])
    expect(page.locator(".cm-lintRange")).to_have_count(0)


def test_ctrl_s_saves_with_the_revision_and_a_conflict_keeps_the_text(editor):
    page, server = editor
    type_at_end(page, "改动一")
    page.keyboard.press("Control+s")
    expect(page.locator("#editor-status")).to_have_text("已保存 01-greeting.md")
    expect(page.locator("#editor-status")).to_have_class("editor-status-ok")
    assert page.locator("input[name=revision]").input_value() == "4"
    assert len(server.saves) == 1
    saved = server.saves[0]
    assert saved["revision"] == "3" and saved["path"] == PATH
    assert text_of(saved) == SOURCE + "改动一" and saved["csrf_token"] == "token-1"
    assert server.save_headers[0]["accept"] == "application/json"
    assert server.save_headers[0]["x-csrftoken"] == "token-1"
    assert not leaving_is_stopped(page)
    page.keyboard.type("!")
    expect(page.locator("#editor-status")).to_have_text("有未保存的修改。")
    page.keyboard.press("Backspace")

    server.save_answer = (409, {"error": "conflict", "message": "别人刚保存了第 5 版。"})
    type_at_end(page, "改动二")
    assert leaving_is_stopped(page)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#editor-status")).to_have_text("别人刚保存了第 5 版。")
    expect(page.locator("#editor-status")).to_have_class("editor-status-error")
    assert server.saves[1]["revision"] == "4"
    assert text_of(server.saves[1]) == SOURCE + "改动一改动二"
    assert editor_text(page) == SOURCE + "改动一改动二"
    assert page.url == f"{ORIGIN}/edit"  # the form did not post the old way
    assert leaving_is_stopped(page)

    server.save_answer = (409, {"error": "conflict"})
    page.keyboard.press("Control+s")
    expect(page.locator("#editor-status")).to_have_text("别人已经修改了这个文件。")


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        ((400, {"message": "文件太大"}), "文件太大"),
        ((500, {}), "保存失败。"),
        ((None, None), "网络断开，内容未保存。"),
        ((413, None), "保存失败。"),
    ],
)
def test_a_failed_save_says_why_and_keeps_the_text(editor, answer, shown):
    page, server = editor
    server.save_answer = answer
    type_at_end(page, "改动")
    page.keyboard.press("Control+s")
    expect(page.locator("#editor-status")).to_have_text(shown)
    expect(page.locator("#editor-status")).to_have_class("editor-status-error")
    assert editor_text(page) == SOURCE + "改动"
    assert page.locator("input[name=revision]").input_value() == "3"
    assert leaving_is_stopped(page)


def test_a_save_after_the_session_ended_says_so(desktop):
    """Signed out meanwhile: the save is redirected to the sign-in page (HTML, status 200),
    which is not a save. (Playwright cannot answer a fetch with a redirect, so a real local
    server plays the app here.)"""
    nonce = secrets.token_urlsafe(18)

    @Request.application
    def app(request):
        if request.path == "/edit":
            page = PAGE.format(nonce=nonce, path=PATH, source=SOURCE)
            return Response(
                page,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": content_security_policy(nonce)},
            )
        if request.path.startswith("/static/"):
            file = STATIC / request.path.removeprefix("/static/")
            if file.is_file():
                kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                return Response(file.read_bytes(), content_type=kind)
        if request.path == "/save":
            return Response("", status=302, headers={"Location": "/login?next=/edit"})
        if request.path == "/login":
            return Response("<h1>登录</h1>", content_type="text/html; charset=utf-8")
        if request.path == "/check":
            return Response(json.dumps({"problems": []}), content_type="application/json")
        return Response("", status=404)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    own = f"http://127.0.0.1:{server.server_port}"
    foreign = []

    def guard(route):
        if route.request.url.startswith(own + "/"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    try:
        desktop.route("**/*", guard)
        desktop.goto(f"{own}/edit")
        expect(desktop.locator(".cm-editor")).to_be_visible()
        type_at_end(desktop, "改动")
        desktop.keyboard.press("Control+s")
        status = desktop.locator("#editor-status")
        expect(status).to_have_text("登录已过期，请在新窗口登录后再保存。")
        expect(status).to_have_class("editor-status-error")
        assert desktop.locator("input[name=revision]").input_value() == "3"
        assert editor_text(desktop) == SOURCE + "改动"
        assert leaving_is_stopped(desktop)
        assert not foreign
    finally:
        server.shutdown()
        thread.join(timeout=5)


def leaving_is_stopped(page) -> bool:
    return page.evaluate(
        "() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; }"
    )


PASTE_IMAGE = """(kind) => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'shot.png', {type: 'image/png'}));
  const target = document.querySelector('.cm-content');
  if (kind === 'paste') {
    target.dispatchEvent(new ClipboardEvent('paste',
      {clipboardData: data, bubbles: true, cancelable: true}));
  } else {
    const box = document.querySelector('.cm-line').getBoundingClientRect();
    target.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true,
      clientX: box.left + 1, clientY: box.top + box.height / 2}));
  }
}"""


def test_a_pasted_image_is_uploaded_and_its_markdown_inserted(editor):
    page, server = editor
    type_at_end(page, "图：")
    checks = len(server.checks)
    page.evaluate(PASTE_IMAGE, "paste")
    expect(page.locator("#editor-source")).to_have_value(
        SOURCE + "图：![说明](../images/x-1a2b3c4d.jpg)"
    )
    fields, files = server.images[0]
    assert fields == {"csrf_token": "token-1", "document": PATH}
    assert files == {"image": bytes([137, 80, 78, 71])}
    page.wait_for_timeout(200)
    assert len(server.checks) > checks  # checked again with the image in

    page.evaluate(PASTE_IMAGE, "drop")  # at the start of the first line
    expect(page.locator("#editor-source")).to_have_value(
        "![说明](../images/x-1a2b3c4d.jpg)" + SOURCE + "图：![说明](../images/x-1a2b3c4d.jpg)"
    )

    server.image_answer = (400, {"message": "只接受 JPEG 或 PNG 图片"})
    page.evaluate(PASTE_IMAGE, "paste")
    expect(page.locator("#editor-status")).to_have_text("只接受 JPEG 或 PNG 图片")
    expect(page.locator("#editor-status")).to_have_class("editor-status-error")


def test_on_a_phone_the_tabs_switch_panes(phone):
    server = FakeServer(phone)
    phone.goto(f"{ORIGIN}/edit")
    expect(phone.locator(".cm-editor")).to_be_visible()
    source, preview = phone.locator(".editor-tabs button").all()
    expect(source).to_be_visible()
    expect(phone.locator("#editor-preview")).to_be_hidden()
    preview.click()
    expect(preview).to_have_attribute("aria-pressed", "true")
    expect(source).to_have_attribute("aria-pressed", "false")
    expect(phone.locator("#editor-preview")).to_be_visible()
    expect(phone.locator(".cm-editor")).to_be_hidden()
    assert_accessible(phone)
    source.click()
    expect(phone.locator(".cm-editor")).to_be_visible()
    expect(phone.locator("#editor-preview")).to_be_hidden()
    assert_accessible(phone)
    server.assert_clean()


def test_without_javascript_the_plain_form_shows_and_no_tabs(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        server = FakeServer(page)
        page.goto(f"{ORIGIN}/edit")
        expect(page.locator("#editor-source")).to_be_visible()
        expect(page.locator("#editor-source")).to_have_value(SOURCE)
        expect(page.locator(".editor-tabs")).to_be_hidden()
        expect(page.locator("#editor-preview")).to_be_visible()
        expect(page.get_by_role("button", name="保存")).to_be_visible()
        server.assert_clean()
    finally:
        context.close()


def test_on_a_wide_screen_source_and_preview_sit_side_by_side(editor):
    page, _ = editor
    expect(page.locator(".editor-tabs")).to_be_hidden()
    form = page.locator("#editor-form").bounding_box()
    shown = page.locator("#editor-preview").bounding_box()
    assert shown["x"] >= form["x"] + form["width"]
    assert abs(shown["y"] - form["y"]) < 5
    expect(page.locator(".cm-lintRange-error")).to_have_count(1)  # with the problems shown
    assert_accessible(page)


def test_the_bundle_reaches_no_other_host(editor):
    """The fixture fails the test on any request elsewhere; this one opens the search panel
    too (its words translated through data-editor-phrases), which loads nothing either."""
    page, server = editor
    page.locator(".cm-content").click()
    page.keyboard.press("Control+f")
    expect(page.locator(".cm-search")).to_be_visible()
    expect(page.locator(".cm-search input[name=search]")).to_have_attribute("placeholder", "查找")
    page.keyboard.press("Escape")
    expect(page.locator(".cm-search")).to_have_count(0)
    assert json.dumps(server.foreign) == "[]"
