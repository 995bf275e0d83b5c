"""A trainer writes a course in the browser, in real Chromium at desktop width: a new course
from the starter template, a lesson written in the editor, an image pasted into it, two
questions added through the forms, an error seen at its line and fixed, the draft submitted;
an administrator reads the changes and publishes; a learner reads the new course on a phone;
a second version goes live the same way, the trainer rolls back to the first, and the audit
log tells every step. Every page passes axe-core, and no request leaves the app's own host."""

from __future__ import annotations

import io
import re
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible, sign_in
from trainer.extensions import db
from trainer.models import CoursePublication, CourseRecord

pytestmark = pytest.mark.browser

TITLE = "客房送物服务"
SLUG = "ke-fang-song-wu-fu-wu"
LESSON = "lessons/01-first-lesson.md"
FIRST_WORDS = "送物到房间时，先敲门三下，报明身份：“您好，客房服务。”"
SECOND_WORDS = "第二版：离开房间前，询问客人是否还需要别的帮助。"
BROKEN_LINK = "见[送物登记表](../送物登记表.pdf)"

PASTE = """(bytes) => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array(bytes)], '托盘.png', {type: 'image/png'}));
  document.querySelector('.cm-content').dispatchEvent(new ClipboardEvent('paste',
    {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def photo_png() -> list[int]:
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), (30, 120, 200)).save(out, "PNG")
    return list(out.getvalue())


def new_page(browser, base_url: str, foreign: list[str], **options):
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(15_000)
    own_host = urlparse(base_url).netloc

    def only_our_host(route):
        if urlparse(route.request.url).netloc != own_host:
            foreign.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", only_our_host)
    return context, context.new_page()


def type_at_end(page, text: str) -> None:
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(text)


def save(page) -> None:
    page.keyboard.press("Control+s")
    expect(page.locator("#editor-status")).to_have_class(re.compile("editor-status-ok"))


def publish_as_reviewer(reviewer, base_url: str, words: str) -> None:
    reviewer.goto(base_url + "/authoring/")
    reviewer.get_by_test_id("drafts").get_by_role("link", name=re.compile("审核")).click()
    expect(reviewer.locator("main")).to_contain_text(words)  # the change, as learners read it
    assert_accessible(reviewer)
    reviewer.get_by_test_id("publish").click()
    expect(reviewer.get_by_test_id("history")).to_be_visible()


def test_a_trainer_writes_a_course_in_the_browser_and_an_administrator_publishes_it(
    app, browser, live_server, demo
):
    foreign: list[str] = []
    trainer_context, trainer = new_page(
        browser, live_server, foreign, viewport={"width": 1280, "height": 900}
    )
    reviewer_context, reviewer = new_page(
        browser, live_server, foreign, viewport={"width": 1280, "height": 900}
    )
    learner_context, learner = new_page(browser, live_server, foreign, **PHONE)
    try:
        # 1. A new course from the starter template; the folder name comes from the title.
        sign_in(trainer, live_server, "demo-trainer", demo)
        trainer.goto(live_server + "/authoring/")
        trainer.get_by_test_id("new-course").click()
        assert_accessible(trainer)
        trainer.locator("#title").fill(TITLE)
        expect(trainer.locator("#slug")).to_have_value(SLUG)  # suggested as the title is typed
        trainer.locator("main form button[type=submit]").click()
        expect(trainer.locator("#editor-form")).to_be_visible()
        assert f"courses/{SLUG}" in trainer.locator("main").inner_text()

        # 2. The first lesson, written in the editor, with a picture pasted in.
        trainer.locator(".editor-files").get_by_role("link", name=LESSON).click()
        expect(trainer.locator(".cm-content")).to_be_visible()
        assert_accessible(trainer)
        type_at_end(trainer, f"\n\n{FIRST_WORDS}\n\n")
        trainer.evaluate(PASTE, photo_png())
        expect(trainer.locator(".cm-content")).to_contain_text("../images/tuo-pan-")
        expect(trainer.locator("#editor-preview img")).to_have_count(1)
        save(trainer)

        # 3. An error appears at its line as the trainer types, and goes when fixed.
        type_at_end(trainer, f"\n{BROKEN_LINK}")
        # The editor keeps the form's textarea in step: the broken link is its last line.
        line = trainer.evaluate(
            "() => document.getElementById('editor-source').value.split('\\n').length"
        )
        problems = trainer.locator("#editor-problems")
        expect(problems).to_contain_text(f"{LESSON}:")
        expect(trainer.locator(".cm-lintRange-error")).to_have_count(1)
        error_line = re.search(rf"{re.escape(LESSON)}:(\d+)", problems.inner_text()).group(1)
        assert int(error_line) == line  # the line just typed
        for _ in BROKEN_LINK:
            trainer.keyboard.press("Backspace")
        expect(trainer.locator(".cm-lintRange-error")).to_have_count(0)
        expect(problems).not_to_contain_text(f"{LESSON}:")
        save(trainer)

        # 4. Two questions through the forms, shown as learners will see them.
        draft_url = trainer.url.split("?")[0]
        trainer.goto(draft_url + "/questions/new?type=single")
        assert_accessible(trainer)
        trainer.locator("#text").fill("敲门后客人没有回应，应该怎么做？")
        trainer.locator("#choices-0-text").fill("稍等后再敲门并报明身份")
        trainer.locator("#choices-0-correct").check()
        trainer.locator("#choices-1-text").fill("直接用房卡开门进去")
        trainer.locator("#tags").fill("第一课")
        trainer.locator("form.question-form button[type=submit]").click()
        expect(trainer.locator("main")).to_contain_text("敲门后客人没有回应")
        trainer.goto(draft_url + "/questions/new?type=truefalse")
        trainer.locator("#text").fill("送物时可以把物品放在门口就离开。")
        trainer.locator("select#answer, input[name=answer][value=false]").first.click()
        if trainer.locator("select#answer").count():
            trainer.locator("select#answer").select_option("false")
        trainer.locator("#tags").fill("第二课")
        trainer.locator("form.question-form button[type=submit]").click()
        expect(trainer.locator("main")).to_contain_text("送物时可以把物品放在门口就离开")
        assert_accessible(trainer)

        # 5. Submitted for review with a message.
        trainer.goto(draft_url)
        trainer.locator("#message").fill("新课程：客房送物的敲门和自我介绍")
        trainer.get_by_test_id("submit-review").click()
        expect(trainer.get_by_test_id("draft-status")).to_have_text(re.compile("审核"))

        # 6. An administrator reads the changes and publishes.
        sign_in(reviewer, live_server, "demo-admin", demo)
        publish_as_reviewer(reviewer, live_server, FIRST_WORDS)

        # 7. A learner reads the new course on a phone, picture included.
        sign_in(learner, live_server, "demo-learner", demo)
        learner.goto(f"{live_server}/courses/{SLUG}/lessons/1")
        expect(learner.locator("article.lesson")).to_contain_text(FIRST_WORDS)
        picture = learner.locator("article.lesson img")
        expect(picture).to_have_count(1)
        assert picture.evaluate("img => img.complete && img.naturalWidth") == 1280
        assert_accessible(learner)

        # 8. A second version goes live the same way...
        trainer.goto(f"{live_server}/authoring/{SLUG}")
        trainer.locator("form.inline button.primary").first.click()  # edit in the browser
        trainer.locator(".editor-files").get_by_role("link", name=LESSON).click()
        type_at_end(trainer, f"\n\n{SECOND_WORDS}\n")
        save(trainer)
        trainer.goto(trainer.url.split("?")[0])
        trainer.locator("#message").fill("补充离开房间前的询问")
        trainer.get_by_test_id("submit-review").click()
        publish_as_reviewer(reviewer, live_server, SECOND_WORDS)
        learner.reload()
        expect(learner.locator("article.lesson")).to_contain_text(SECOND_WORDS)

        # 9. ...and the trainer rolls back to the first.
        trainer.goto(f"{live_server}/authoring/{SLUG}/history")
        assert_accessible(trainer)
        expect(trainer.get_by_test_id("history").locator("tbody tr")).to_have_count(2)
        trainer.locator("#rollback-message").fill("第二版的说法还要再和前厅确认")
        trainer.get_by_test_id("rollback").click()
        expect(trainer.get_by_test_id("history").locator("tbody tr")).to_have_count(3)
        learner.reload()
        expect(learner.locator("article.lesson")).to_contain_text(FIRST_WORDS)
        expect(learner.locator("article.lesson")).not_to_contain_text(SECOND_WORDS)

        record = db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == SLUG))
        history = db.session.execute(
            sa.select(CoursePublication.number, CoursePublication.source)
            .where(CoursePublication.course_id == record.id)
            .order_by(CoursePublication.number)
        ).all()
        assert [tuple(row) for row in history] == [(1, "browser"), (2, "browser"), (3, "rollback")]

        # 10. The audit log tells each step.
        reviewer.goto(live_server + "/audit/")
        assert_accessible(reviewer)
        log = reviewer.get_by_test_id("audit-log")
        for sentence in AUDIT_SENTENCES:
            expect(log.get_by_text(sentence, exact=True)).to_have_count(1)
        assert foreign == []
    finally:
        trainer_context.close()
        reviewer_context.close()
        learner_context.close()


# Written out here, not read from the code: what an administrator reads in the log.
AUDIT_SENTENCES = [
    f"演示培训师 用新课程模板新建了课程 {TITLE} ({SLUG})。",
    f"演示培训师 将草稿 {TITLE} ({SLUG}) 提交审核。说明：新课程：客房送物的敲门和自我介绍",
    f"演示管理员 发布了课程 {TITLE} 的第 1 版，作者 演示培训师，审核人 演示管理员。"
    "说明：新课程：客房送物的敲门和自我介绍",
    f"演示培训师 为课程 {TITLE} ({SLUG}) 新建了一份草稿。",
    f"演示培训师 将草稿 {TITLE} ({SLUG}) 提交审核。说明：补充离开房间前的询问",
    f"演示管理员 发布了课程 {TITLE} 的第 2 版，作者 演示培训师，审核人 演示管理员。"
    "说明：补充离开房间前的询问",
    f"演示培训师 把课程 {TITLE} 的一个旧版本重新发布为第 3 版。原因：第二版的说法还要再和前厅确认",
]
