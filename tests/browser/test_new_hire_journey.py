"""A new hire's whole way through one course on a 360 px phone, in real Chromium: from the
home page's next step, through reading, an exam that loses no answer (a half-filled ordering
question, a typed answer, a reload, an offline spell), the 交卷 confirmation, a failed round,
retraining through the lessons' main buttons, a pass, the assessor's practical (failed, appealed,
overturned by HR) and attitude results, the notifications each person gets through the bell
(assessor: the assignment; HR: the appeal; learner: results, decision, certificate), to the
certificate PDF that fits its page. Every page on the way passes axe-core (in the same
Chromium) with no serious or critical violation."""

import io
import random
import re
from datetime import timedelta
from pathlib import Path

import pdfplumber
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_accessible, demo_user, sign_in
from tests.browser.test_quiz_journeys import _answer_all
from tests.course_helpers import copy_fixture_courses, pass_prerequisites
from tests.quiz_helpers import correct_response
from tests.unit.certificates.test_certificate_layout import check_fits
from trainer.clock import local_today
from trainer.courses.sync import course_for_version, sync_content
from trainer.demo import STORE_A
from trainer.extensions import db
from trainer.models import CourseRecord, OutboxMessage, QuizAttempt, utcnow
from trainer.quizzes.rules import freeze_question

pytestmark = pytest.mark.browser

COURSE = "store-service"
TITLE = "门店售中服务"
CRITICAL_ITEM = "greet-within-3s"
SAVED = "所有答案已保存。"
# The failing round: the fill-in first, the ordering second (left half filled), the
# true/false third (answered while offline), three more left unanswered.
FAILING_DRAW = [
    "greeting-time",
    "seven-steps-order",
    "alteration-promise",
    "greet-within-3-seconds",
    "welcome-phrases",
    "alteration-minutes",
]
# The passing round: the true/false question ("错" is right) first, for the review.
PASSING_DRAW = [
    "alteration-promise",
    "greeting-time",
    "seven-steps-order",
    "greet-within-3-seconds",
    "welcome-phrases",
    "alteration-minutes",
]


@pytest.fixture
def journey(app, demo):
    """The fixture courses, with one exam attempt per round and no wait between attempts
    (so one failed attempt sends the learner back to the lessons); the new hire assigned
    the course by an onboarding plan, its prerequisite passed, and the demo's own
    notifications already read."""
    from trainer.hr.plans import service as plans

    courses = copy_fixture_courses(Path(app.config["CONTENT_DIR"]))
    course_md = courses / COURSE / "course.md"
    text = course_md.read_text("utf-8")
    text = text.replace("attempts_per_round: 3", "attempts_per_round: 1")
    text = text.replace("wait_minutes: 30", "wait_minutes: 0")
    assert "attempts_per_round: 1" in text and "wait_minutes: 0" in text
    course_md.write_text(text, "utf-8")
    sync_content(Path(app.config["CONTENT_DIR"]))

    hr = demo_user("demo-hr")
    learner = demo_user("demo-learner")
    today = local_today()
    plan = plans.create_plan(hr, "新员工入职培训（旅程）", today.year, "onboarding")
    record = db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == COURSE))
    plans.add_item(hr, plan, record, True, "after_hire", due_days=30)
    plans.add_target(hr, plan, "person", user=learner)
    plans.sync_plan(None, plan, today)
    pass_prerequisites(learner, COURSE)  # 新员工入门, passed before
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.read_at.is_(None))
        .values(read_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()


@pytest.fixture
def other_phone(browser):
    """Another person's phone (a browser context of its own), closed after the test."""
    contexts = []

    def open_phone():
        contexts.append(browser.new_context(locale="zh-CN", **PHONE))
        contexts[-1].set_default_timeout(10_000)
        return contexts[-1].new_page()

    yield open_phone
    for context in contexts:
        context.close()


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _attempt_id(page) -> int:
    return int(page.url.rstrip("/").split("/")[-1])


def _freeze_draw(page, question_ids: list[str]) -> int:
    """The exam just started draws at random: fix which questions it asks, in this order
    (what a learner sees stays the same kind of page), and show the page again."""
    attempt_id = _attempt_id(page)
    db.session.commit()  # end the test's read snapshot: the server wrote since
    attempt = db.session.get(QuizAttempt, attempt_id)
    by_id = course_for_version(attempt.version).questions_by_id
    attempt.draw = [freeze_question(by_id[qid], random.Random(1)) for qid in question_ids]
    db.session.commit()
    page.reload()
    return attempt_id


def _open_bell(page, unread: int):
    """The bell in the header counts what is unread; opening it lists the newest first."""
    expect(page.get_by_test_id("bell-count")).to_have_text(str(unread))
    page.get_by_test_id("bell").click()
    expect(page.get_by_role("heading", name="通知")).to_be_visible()
    assert_accessible(page)
    return page.get_by_test_id("notifications").locator("li.notification")


def _assess(page, kind_label: str, pick, passed: bool) -> None:
    """The assessor scores the new hire on one checklist, item by item (pick(item) gives the
    score's label to press), and submits the result."""
    page.goto(page.url.split("/assessments")[0] + "/assessments/?q=演示新员工")
    card = page.locator('[data-employee="demo-learner"]')
    task = card.locator("li", has_text=f"{TITLE} · {kind_label}")
    expect(task).to_be_visible()
    _fits_the_phone(page)
    assert_accessible(page)
    task.get_by_role("link", name="考核").click()
    expect(page.get_by_role("heading", name="考核 演示新员工")).to_be_visible()
    assert_accessible(page)
    page.get_by_text("在岗观察").click()
    page.get_by_label("考核地点").fill("上海一店 女装区")
    page.get_by_role("button", name="开始评分").click()
    expect(page.get_by_test_id("scoring-form")).to_be_visible()
    _fits_the_phone(page)
    assert_accessible(page)
    for item in page.locator("fieldset.item").all():
        pick(item).click()
    page.get_by_role("button", name="提交结果").click()
    expect(
        page.get_by_text("结果已提交：通过。" if passed else "结果已提交：不通过。")
    ).to_be_visible()
    expect(page.get_by_test_id("outcome-badge")).to_have_text("已通过" if passed else "未通过")
    assert_accessible(page)


def _full_marks(item):
    return item.locator("label.score-choice").last


def _critical_greeting_missed(item):
    """Full marks, except 0 on the critical greeting: the whole task fails."""
    choices = item.locator("label.score-choice")
    return choices.first if item.get_attribute("data-item") == CRITICAL_ITEM else choices.last


def test_a_new_hire_goes_from_the_first_lesson_to_a_certificate_that_fits_its_page(
    phone, other_phone, live_server, demo, journey, tmp_path
):
    page = phone
    course_url = f"{live_server}/courses/{COURSE}"

    # --- The home page's next step: the first lesson of the assigned course. ---------------
    page.goto(f"{live_server}/auth/login")
    assert_accessible(page)
    sign_in(page, live_server, "demo-learner", demo)
    next_step = page.get_by_test_id("next-step").get_by_role("link")
    expect(next_step).to_have_text(f"开始阅读《{TITLE}》第1课")
    expect(page.get_by_test_id("bell-count")).to_have_count(0)  # nothing new yet
    assert_accessible(page)
    next_step.click()

    # --- Reading with the main button at each lesson's end; the exam stays closed. --------
    expect(page).to_have_url(f"{course_url}/lessons/1")
    _fits_the_phone(page)
    assert_accessible(page)
    expect(page.get_by_test_id("lesson-done")).to_have_text("下一课")
    page.get_by_test_id("lesson-done").click()
    expect(page).to_have_url(f"{course_url}/lessons/2")
    page.goto(course_url)  # one lesson left: the course page says which, and no exam
    expect(page.get_by_test_id("gate-unread")).to_contain_text("还有 1 课未读：")
    expect(page.get_by_test_id("start-quiz")).to_have_count(0)
    expect(page.get_by_test_id("course-progress-text")).to_have_text("已读 1 / 2 课")
    assert_accessible(page)
    page.get_by_test_id("gate-unread").get_by_role("link").click()
    expect(page).to_have_url(f"{course_url}/lessons/2")
    assert_accessible(page)
    expect(page.get_by_test_id("lesson-done")).to_have_text("完成本课")
    page.get_by_test_id("lesson-done").click()

    # The last lesson read: the course evaluation, once.
    expect(page).to_have_url(f"{course_url}/evaluate")
    assert_accessible(page)
    page.get_by_text("4", exact=True).click()
    page.get_by_label("你学到了什么？至少写三点，每行一点。").fill(
        "三秒内迎宾\n带路到试衣间\n不承诺马上改好"
    )
    page.get_by_label("你将如何在工作中应用？").fill("明天开始在门口迎宾时用")
    page.get_by_role("button", name="保存评价").click()
    expect(page.get_by_text("谢谢，你的评价已保存。")).to_be_visible()
    assert_accessible(page)

    # --- The exam opens; the home page says so too. ------------------------------------------
    page.goto(f"{live_server}/")
    expect(next_step).to_have_text(f"参加《{TITLE}》考试")
    assert_accessible(page)
    next_step.click()
    expect(page.get_by_test_id("exam-gate")).to_have_count(0)
    expect(page.get_by_test_id("quiz-status")).to_contain_text("第 1 轮：还有 1 次机会")
    assert_accessible(page)
    page.get_by_test_id("start-quiz").click()
    expect(page.get_by_role("heading", name="理论知识考试")).to_be_visible()
    attempt_id = _freeze_draw(page, FAILING_DRAW)
    _fits_the_phone(page)
    assert_accessible(page)
    bar = page.get_by_test_id("save-status")

    # A half-filled ordering question: saved as incomplete and marked on the page.
    page.locator("#question-2 select").first.select_option("1")
    ordering = page.locator("#answer-state-2")
    expect(ordering).to_contain_text("已保存为未完成：请为每一项选择顺序。")
    expect(page.locator("#question-2")).to_have_class(re.compile(r"\bincomplete\b"))

    # A typed fill-in answer, saved while typing (never leaving the field).
    page.locator("#q1").press_sequentially("3", delay=30)
    expect(page.locator("#answer-state-1")).to_have_text("已保存。")
    expect(bar).to_have_text(SAVED)
    assert_accessible(page)

    # A reload: both answers are still there, the ordering still marked incomplete.
    page.reload()
    expect(page.locator("#q1")).to_have_value("3")
    expect(page.locator("#question-2 select").first).to_have_value("1")
    expect(page.locator("#question-2")).to_have_class(re.compile(r"\bincomplete\b"))
    expect(ordering).to_contain_text("请为每一项选择顺序")

    # An offline spell: the page says not saved, never "saved", until back online.
    page.context.set_offline(True)
    page.locator('#question-3 input[value="false"]').check()  # 错: right
    true_false = page.locator("#answer-state-3")
    expect(true_false).to_contain_text("没有网络连接")
    expect(bar).to_contain_text("没有网络连接")
    assert_accessible(page)
    page.wait_for_timeout(1500)  # a save try fails meanwhile
    assert true_false.get_attribute("data-state") == "unsaved"
    assert bar.text_content() != SAVED
    page.context.set_offline(False)
    expect(true_false).to_have_text("已保存。")
    expect(bar).to_have_text(SAVED)

    # --- 交卷 asks first, with the counts; confirming uses the round's only attempt. --------
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("heading", name="确定交卷吗？")).to_be_visible()
    expect(page.get_by_test_id("unanswered")).to_contain_text("3 道题未作答")
    expect(page.get_by_test_id("incomplete")).to_contain_text("1 道题未答完整，不会得分： 第 2 题")
    _fits_the_phone(page)
    assert_accessible(page)
    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("result")).to_contain_text("未通过")
    expect(page.get_by_test_id("next-step")).to_contain_text("请重新学习全部课时")
    expect(page.get_by_test_id("review-hidden")).to_be_visible()  # answers after a pass
    assert_accessible(page)

    # --- Retraining through the main buttons; the course page counts the re-reading. ------
    page.get_by_role("link", name="返回课程").click()
    expect(page).to_have_url(course_url)
    expect(page.get_by_test_id("course-progress-text")).to_have_text("重新学习：已重读 0 / 2 课时")
    expect(page.get_by_test_id("reread-list")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="开始重读").click()
    expect(page).to_have_url(f"{course_url}/lessons/1")
    expect(page.get_by_test_id("reread-needed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="已重读，下一课").click()
    expect(page).to_have_url(f"{course_url}/lessons/2")
    page.goto(course_url)
    expect(page.get_by_test_id("course-progress-text")).to_have_text("重新学习：已重读 1 / 2 课时")
    assert_accessible(page)
    page.goto(f"{course_url}/lessons/2")
    expect(page.get_by_test_id("reread-needed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="已重读，返回课程").click()
    expect(page).to_have_url(course_url)
    expect(page.get_by_text("你已重新学习全部课时：新一轮考试已开放。")).to_be_visible()
    expect(page.get_by_test_id("quiz-status")).to_contain_text("第 2 轮：还有 1 次机会")
    assert_accessible(page)

    # The next step is the exam again, not the course evaluation.
    page.goto(f"{live_server}/")
    expect(next_step).to_have_text(f"参加《{TITLE}》考试")
    assert_accessible(page)
    next_step.click()

    # --- A pass, with the review in the learner's own words: 对/错 as chosen. -------------
    page.get_by_test_id("start-quiz").click()
    expect(page.get_by_role("heading", name="理论知识考试")).to_be_visible()
    passing_id = _freeze_draw(page, PASSING_DRAW)
    assert passing_id != attempt_id
    _answer_all(page, passing_id, correct_response)
    expect(bar).to_have_text(SAVED)
    assert_accessible(page)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("submit-summary")).to_contain_text("每道题都已作答")
    assert_accessible(page)
    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("result")).to_contain_text("已通过")
    first = page.get_by_test_id("review-item").first
    expect(first.get_by_test_id("your-answer")).to_have_text("错")
    expect(first.get_by_test_id("review-mark")).to_have_text("✓ 答对了")
    assert_accessible(page)
    page.get_by_role("link", name="返回课程").click()
    expect(page.get_by_test_id("quiz-status")).to_contain_text("你已通过理论知识考试")
    assert_accessible(page)
    page.goto(f"{live_server}/")
    expect(page.get_by_test_id("next-step")).to_have_attribute("data-step", "practical")
    assert_accessible(page)

    # --- HR assigns the assessor to the new hire's store; the assessor is told. ------------
    hr = other_phone()
    sign_in(hr, live_server, "demo-hr", demo)
    hr.goto(f"{live_server}/assessments/assessors")
    assert_accessible(hr)
    hr.get_by_label("考核员").select_option(label="演示考核员 (demo-assessor)")
    hr.get_by_label("部门（含所有下级部门）").select_option(label=STORE_A)
    hr.get_by_role("button", name="分配").click()
    expect(hr.get_by_text(f"演示考核员 现在可以考核 {STORE_A} 的员工。")).to_be_visible()
    assert_accessible(hr)

    assessor = other_phone()
    sign_in(assessor, live_server, "demo-assessor", demo)
    told = _open_bell(assessor, unread=1)
    expect(told).to_have_count(1)
    expect(told.first).to_contain_text(f"你现在负责考核 {STORE_A} 的员工")
    told.first.get_by_role("button").click()  # leads to the assessor's list
    expect(assessor.get_by_role("heading", name="现场考核", exact=True)).to_be_visible()
    expect(assessor.get_by_test_id("bell-count")).to_have_count(0)
    assert_accessible(assessor)

    # The assessor observes the new hire: the critical greeting missed, a good attitude.
    _assess(assessor, "实际操作考核", _critical_greeting_missed, passed=False)
    _assess(assessor, "工作态度评价", _full_marks, passed=True)

    # --- The learner is told of both results, and appeals the failed one. ------------------
    page.goto(f"{live_server}/")
    told = _open_bell(page, unread=2)
    practical = told.filter(has_text=f"你的{TITLE}实际操作考核结果已出")
    expect(practical).to_contain_text("结果：未通过。")
    expect(told.filter(has_text=f"你的{TITLE}工作态度评价结果已出")).to_contain_text("结果：通过。")
    practical.get_by_role("button").click()  # leads to the result itself
    expect(page.get_by_test_id("outcome-badge")).to_have_text("未通过")
    expect(page.locator(f'[data-item="{CRITICAL_ITEM}"]')).to_contain_text("关键项未做到")
    expect(page.get_by_test_id("bell-count")).to_have_text("1")  # the attitude result
    _fits_the_phone(page)
    assert_accessible(page)
    page.get_by_label("你为什么认为这个结果有误？").fill(
        "顾客是从侧门进来的，我在门口迎宾位看不到，看到后马上问候了。"
    )
    page.get_by_role("button", name="提交申诉").click()
    expect(page.get_by_text("申诉已提交，将由考核员以外的人处理。")).to_be_visible()
    assert_accessible(page)

    # --- HR hears of the appeal through the bell and overturns the result. -----------------
    hr.goto(f"{live_server}/")
    told = _open_bell(hr, unread=1)
    expect(told.first).to_contain_text(f"演示新员工 提出新的申诉：{TITLE}")
    told.first.get_by_role("button").click()  # leads to the result appealed against
    expect(hr.get_by_label("处理理由")).to_be_visible()
    assert_accessible(hr)
    hr.get_by_text("改判：更正原结果").click()
    hr.get_by_label("处理理由").fill("调取监控：顾客从侧门进入，考核员位置看不到。")
    hr.get_by_role("button", name="保存处理结果").click()
    expect(hr.get_by_text("申诉已处理：原结果已改判")).to_be_visible()
    expect(hr.get_by_test_id("outcome-badge")).to_have_text("已通过")
    _fits_the_phone(hr)
    assert_accessible(hr)

    # --- The learner hears of the decision and of the certificate. -------------------------
    page.goto(f"{live_server}/")
    told = _open_bell(page, unread=3)  # the attitude result, the decision, the certificate
    expect(told.filter(has_text="你的申诉已被采纳：结果改为通过。")).to_have_count(1)
    certificate_notice = told.filter(has_text=f"你的“{TITLE}”证书已颁发")
    expect(certificate_notice).to_have_count(1)
    certificate_notice.get_by_role("button").click()  # leads to My certificates
    expect(page.get_by_role("heading", name="我的证书")).to_be_visible()
    expect(page.get_by_test_id("bell-count")).to_have_text("2")
    _fits_the_phone(page)
    assert_accessible(page)

    # --- The certificate PDF: the home page's next step now downloads it; it fits. ---------
    page.goto(f"{live_server}/")
    download = page.get_by_test_id("next-step").get_by_role("link")
    expect(download).to_have_text(f"下载《{TITLE}》证书")
    assert_accessible(page)
    pdf = page.request.get(live_server + download.get_attribute("href")).body()
    assert pdf.startswith(b"%PDF")
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        check_fits(document)  # one A4 landscape page, every character inside the frame
        text = document.pages[0].extract_text()
        assert "演示新员工" in text and TITLE in text
