"""The drawings in the shipped courses reach a learner's lesson page and are served as SVG."""

import re
from pathlib import Path

import pytest

from tests.course_helpers import SHIPPED_COURSES, copy_fixture_courses
from trainer.courses.sync import sync_content

# (course, lesson number, drawing, words of its alt text)
ILLUSTRATIONS = [
    ("appearance-courtesy", 2, "standing-posture.svg", "规范站姿"),
    ("appearance-courtesy", 2, "forbidden-postures.svg", "不能出现的姿势"),
    ("service-smile", 1, "service-smile.svg", "嘴角两端略为提起"),
    ("sales-seven-steps", 2, "inviting-gesture.svg", "五指并拢、掌心向上"),
    ("sales-seven-steps", 3, "fitting-room.svg", "先敲门"),
    ("sales-seven-steps", 4, "trouser-measure.svg", "镜前侧身量裤长"),
]


@pytest.fixture
def shipped(app):
    copy_fixture_courses(Path(app.config["CONTENT_DIR"]), SHIPPED_COURSES)
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert all(outcome == "new" for outcome in report.outcomes.values()), report.problems


@pytest.mark.parametrize(("slug", "lesson", "drawing", "alt_words"), ILLUSTRATIONS)
def test_lesson_shows_its_drawing(
    client, users, signed_in, shipped, slug, lesson, drawing, alt_words
):
    signed_in("learner")
    page = client.get(f"/courses/{slug}/lessons/{lesson}").get_data(as_text=True)
    image = re.search(rf'<img[^>]*src="(/courses/{slug}/v\d+/media/{drawing})"[^>]*>', page)
    assert image is not None, f"{drawing} missing from lesson {lesson} of {slug}"
    assert alt_words in image.group(0)
    served = client.get(image.group(1))
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    svg = served.get_data(as_text=True)
    assert 'viewBox="0 0 360 ' in svg and "<title" in svg and "<script" not in svg
