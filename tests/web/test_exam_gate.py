"""Before the exam: read first, in order. The theory exam opens only when every lesson is
read to its end and the prerequisite courses are passed (course.md `exam_requires`, both on
by default); the course page says exactly what is missing and the server refuses a start
with the same words.

The fixture course store-service has two lessons (第一步：主动迎宾, 第二步：引导试衣) and the
prerequisite basics (新员工入门, one lesson 欢迎).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.course_helpers import give_certificate, read_every_lesson
from tests.quiz_helpers import answers_form, correct_response
from tests.unit.hr.helpers import make_plan
from trainer.clock import local_today
from trainer.courses.sync import sync_content
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.models import Certificate, LessonProgress, QuizAttempt, utcnow

LESSON_1, LESSON_2 = "第一步：主动迎宾", "第二步：引导试衣"


def attempts() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt))


def start(client, slug: str = "store-service"):
    """Press 开始考试; returns (where it led, the page shown there)."""
    response = client.post(f"/quiz/{slug}/start")
    assert response.status_code == 302
    location = response.headers["Location"]
    return location, client.get(location).get_data(as_text=True)


def flashed(page: str) -> str:
    """The flashed messages of a page, as text."""
    return " ".join(
        re.sub(r"<[^>]+>", "", m)
        for m in re.findall(r'class="flash[^"]*"[^>]*>(.*?)</', page, re.S)
    )


def gate_of(page: str) -> str:
    found = re.search(r'data-testid="exam-gate">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


@pytest.fixture
def learner(client, users, signed_in, synced):
    signed_in("learner")
    return users["learner"]


@pytest.fixture
def prerequisite_passed(learner):
    give_certificate(learner, "basics")
    return learner


# --- lessons --------------------------------------------------------------------------------


def test_refused_with_no_lesson_read(client, prerequisite_passed):
    location, page = start(client)
    assert location == "/courses/store-service"
    message = flashed(page)
    assert "还有 2 课未读：" in message
    assert f"《{LESSON_1}》" in message and f"《{LESSON_2}》" in message
    assert attempts() == 0


def test_refused_with_all_but_one_lesson_read(client, prerequisite_passed):
    client.post("/courses/store-service/lessons/1/read")
    location, page = start(client)
    assert location == "/courses/store-service"
    message = flashed(page)
    assert "还有 1 课未读：" in message and f"《{LESSON_2}》" in message
    assert LESSON_1 not in message
    assert attempts() == 0


def test_allowed_once_every_lesson_is_read(client, prerequisite_passed):
    client.post("/courses/store-service/lessons/1/read")
    client.post("/courses/store-service/lessons/2/read")
    location, _page = start(client)
    assert re.fullmatch(r"/quiz/attempt/\d+", location)
    assert attempts() == 1


def test_the_course_page_lists_exactly_the_missing_lessons_with_links(client, prerequisite_passed):
    client.post("/courses/store-service/lessons/2/read")
    page = client.get("/courses/store-service").get_data(as_text=True)
    gate = gate_of(page)
    assert "还有 1 课未读：" in gate
    assert re.findall(r'href="([^"]+)"', gate) == ["/courses/store-service/lessons/1"]
    assert f"《{LESSON_1}》" in gate and LESSON_2 not in gate
    assert "需先通过" not in gate
    assert 'data-testid="start-quiz"' not in page
    assert 'data-next-step="read"' in page


def test_the_server_refuses_a_start_the_page_does_not_offer(client, prerequisite_passed):
    """Not only hidden: a hand-made POST is refused too, and the page and the refusal name
    the same lessons."""
    page = client.get("/courses/store-service").get_data(as_text=True)
    on_page = re.sub(r"<[^>]+>|\s+", "", gate_of(page))
    _location, refused = start(client)
    assert (
        re.sub(r"\s+", "", flashed(refused))
        == on_page
        == (f"还有2课未读：《{LESSON_1}》、《{LESSON_2}》")
    )


# --- prerequisites --------------------------------------------------------------------------


def test_refused_while_the_prerequisite_is_not_passed_then_allowed(client, learner):
    read_every_lesson(learner, "store-service")
    location, page = start(client)
    assert location == "/courses/store-service"
    assert "需先通过 《新员工入门》" in flashed(page)
    course_page = client.get("/courses/store-service").get_data(as_text=True)
    gate = gate_of(course_page)
    assert "需先通过" in gate and "未读" not in gate
    assert re.findall(r'href="([^"]+)"', gate) == ["/courses/basics"]
    assert 'data-next-step="prerequisite"' in course_page
    assert attempts() == 0

    # The learner passes basics the ordinary way: reads its lesson, passes its exam.
    client.post("/courses/basics/lessons/1/read")
    basics_location, _page = start(client, "basics")
    attempt = db.session.get(QuizAttempt, int(basics_location.rsplit("/", 1)[1]))
    client.post(f"/quiz/attempt/{attempt.id}/submit", data=answers_form(attempt, correct_response))

    location, _page = start(client)
    assert re.fullmatch(r"/quiz/attempt/\d+", location)
    assert attempts() == 2


@pytest.mark.parametrize(
    "certificate",
    [
        {"revoked_at": utcnow() - timedelta(days=1)},
        {"expires_at": utcnow() - timedelta(days=1)},
    ],
    ids=["revoked", "expired"],
)
def test_a_revoked_or_expired_prerequisite_certificate_does_not_count(client, learner, certificate):
    give_certificate(learner, "basics", **certificate)
    read_every_lesson(learner, "store-service")
    _location, page = start(client)
    assert "需先通过 《新员工入门》" in flashed(page)
    assert attempts() == 0


def test_a_valid_prerequisite_certificate_counts(client, learner):
    give_certificate(learner, "basics", expires_at=utcnow() + timedelta(days=1))
    read_every_lesson(learner, "store-service")
    location, _page = start(client)
    assert re.fullmatch(r"/quiz/attempt/\d+", location)


# --- course.md turns it off -----------------------------------------------------------------


def _store_service_requires(app, requires: str) -> None:
    course_md = Path(app.config["CONTENT_DIR"]) / "courses" / "store-service" / "course.md"
    text = course_md.read_text(encoding="utf-8")
    course_md.write_text(text.replace("\n---\n", f"\nexam_requires:\n{requires}---\n", 1))
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert report.outcomes["store-service"] == "updated", report.problems


def test_front_matter_turning_both_off_opens_the_exam_at_once(app, client, learner):
    _store_service_requires(app, "  all_lessons_read: false\n  prerequisites_passed: false\n")
    page = client.get("/courses/store-service").get_data(as_text=True)
    assert 'data-testid="start-quiz"' in page and 'data-next-step="take_exam"' in page
    location, _page = start(client)
    assert re.fullmatch(r"/quiz/attempt/\d+", location)


def test_front_matter_turning_only_reading_off_still_asks_for_the_prerequisite(
    app, client, learner
):
    _store_service_requires(app, "  all_lessons_read: false\n")
    _location, page = start(client)
    message = flashed(page)
    assert "需先通过 《新员工入门》" in message and "未读" not in message
    give_certificate(learner, "basics")
    location, _page = start(client)
    assert re.fullmatch(r"/quiz/attempt/\d+", location)


# --- reading means reaching the end ---------------------------------------------------------


def test_a_lesson_is_read_only_by_the_form_at_its_end(client, prerequisite_passed):
    page = client.get("/courses/store-service/lessons/1").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonProgress)) == 0
    forms = [m.start() for m in re.finditer(r'<form method="post" action="[^"]*/read"', page)]
    assert len(forms) == 1
    assert forms[0] > page.index("</article>")  # below the whole lesson, not at the top
    assert re.search(r'data-testid="lesson-done">\s*下一课\s*<', page)
    last = client.get("/courses/store-service/lessons/2").get_data(as_text=True)
    assert re.search(r'data-testid="lesson-done">\s*完成本课\s*<', last)

    client.post("/courses/store-service/lessons/1/read")
    read = db.session.scalars(sa.select(LessonProgress.lesson_number)).all()
    assert read == [1]


def test_next_step_agrees_with_the_gate(client, learner):
    """read → prerequisite → take_exam, as the course page's start button says."""

    def page():
        return client.get("/courses/store-service").get_data(as_text=True)

    assert 'data-next-step="read"' in page()
    read_every_lesson(learner, "store-service")
    assert 'data-next-step="prerequisite"' in page()
    assert 'data-testid="start-quiz"' not in page()
    give_certificate(learner, "basics")
    assert 'data-next-step="take_exam"' in page()
    assert 'data-testid="start-quiz"' in page()


# --- the home page's next step --------------------------------------------------------------


@pytest.fixture
def new_hire(app, users, learner):
    plan = make_plan(
        users["hr"],
        name="新员工入职",
        year=local_today().year,
        kind="onboarding",
        items=[("basics", "after_assignment", 14)],
        targets=[("person", learner)],
    )
    plans.sync_plan(users["hr"], plan, local_today())
    return learner


def next_step(client) -> tuple[str, str, str]:
    """(step, the button's words, where it leads) of the home page's first card."""
    home = client.get("/").get_data(as_text=True)
    card = re.search(r'data-testid="next-step" data-step="(\w+)".*?</section>', home, re.S)
    assert card and home.index('data-testid="next-step"') < home.index('data-testid="who-am-i"')
    button = re.search(r'<a class="button primary" href="([^"]+)">(.*?)</a>', card.group(0), re.S)
    return card.group(1), re.sub(r"\s+", "", button.group(2)), button.group(1)


def test_home_page_next_step_through_a_new_hire_first_course(client, new_hire):
    assert next_step(client) == ("read", "开始阅读《新员工入门》第1课", "/courses/basics/lessons/1")

    client.post("/courses/basics/lessons/1/read")
    assert next_step(client) == ("take_exam", "参加《新员工入门》考试", "/courses/basics")

    location, _page = start(client, "basics")
    assert next_step(client) == ("continue_exam", "继续《新员工入门》考试", location)
    attempt = db.session.get(QuizAttempt, int(location.rsplit("/", 1)[1]))
    client.post(f"/quiz/attempt/{attempt.id}/submit", data=answers_form(attempt, correct_response))

    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "course"))
    assert next_step(client) == (
        "done",
        "下载《新员工入门》证书",
        f"/certificates/{certificate.id}.pdf",
    )


def test_home_page_continues_reading_where_the_new_hire_stopped(app, users, client, learner):
    plan = make_plan(
        users["hr"],
        name="新员工入职",
        year=local_today().year,
        kind="onboarding",
        items=[("store-service", "after_assignment", 14)],
        targets=[("person", learner)],
    )
    plans.sync_plan(users["hr"], plan, local_today())
    client.post("/courses/store-service/lessons/1/read")
    assert next_step(client) == (
        "read",
        "继续阅读《门店售中服务》第2课",
        "/courses/store-service/lessons/2",
    )
    client.post("/courses/store-service/lessons/2/read")
    assert next_step(client) == (
        "prerequisite",
        "需先通过《新员工入门》，然后才能参加《门店售中服务》考试",
        "/courses/basics",
    )
