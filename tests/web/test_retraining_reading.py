"""Retraining: moving on from a lesson through its main button counts as reading it again,
the course page shows the re-reading, and the next step after it is the exam."""

import random
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.course_helpers import give_certificate
from trainer.courses.service import live_course, mark_lesson_read, submit_evaluation
from trainer.extensions import db
from trainer.models import LessonProgress, utcnow
from trainer.quizzes import service


@pytest.fixture
def retraining(client, users, signed_in, synced):
    """The learner read both lessons, evaluated the course, then failed a whole round."""
    learner = users["learner"]
    record, version = live_course("store-service")
    begin = utcnow() - timedelta(days=1)
    give_certificate(learner, "basics")  # the prerequisite is passed
    for number in (1, 2):
        mark_lesson_read(learner, version, number)
    for read in db.session.scalars(sa.select(LessonProgress)):
        read.read_at = begin - timedelta(hours=1)  # the first reading, yesterday
    submit_evaluation(learner, version, 4, "主动迎宾\n按需介绍\n邀请试穿", "迎宾", "")
    db.session.commit()
    for number in range(3):
        now = begin + timedelta(hours=number)
        attempt = service.start_attempt(
            learner, record, version, now=now, rng=random.Random(number)
        )
        service.submit_attempt(learner, attempt, {}, now=now + timedelta(minutes=1))
    signed_in("learner")
    return learner, version


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_course_page_shows_the_re_reading_not_the_first_reading(client, retraining):
    text = _text(client.get("/courses/store-service").get_data(as_text=True))
    assert "重新学习：已重读 0 / 2 课时" in text
    assert text.count("需重读") == 2


def test_the_lesson_page_main_button_records_the_re_reading(client, retraining):
    page = client.get("/courses/store-service/lessons/1").get_data(as_text=True)
    button = re.search(
        r'<form method="post" action="([^"]+)">\s*<input[^>]*>\s*'
        r'<button type="submit" class="button primary" data-testid="reread-next">([^<]+)<',
        page,
    )
    assert button is not None and button.group(2) == "已重读，下一课"
    assert button.group(1) == "/courses/store-service/lessons/1/read"
    response = client.post(button.group(1))
    assert response.headers["Location"] == "/courses/store-service/lessons/2"
    text = _text(client.get("/courses/store-service").get_data(as_text=True))
    assert "重新学习：已重读 1 / 2 课时" in text


def test_after_re_reading_the_next_step_is_the_exam_not_the_evaluation(client, retraining):
    client.post("/courses/store-service/lessons/1/read")
    response = client.post("/courses/store-service/lessons/2/read")
    assert response.headers["Location"] == "/courses/store-service"
    page = client.get("/courses/store-service").get_data(as_text=True)
    assert 'data-testid="start-quiz"' in page
    assert "已读 2 / 2 课" in _text(page) and "重新学习：已重读" not in page
