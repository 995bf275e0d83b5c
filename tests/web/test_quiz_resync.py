"""An attempt open while the trainer changes the course's questions (re-syncing the folder, or
publishing a draft written in the browser) keeps the questions it was shown and is graded on
the answer key it started with; the next attempt gets the new questions."""

from __future__ import annotations

import pytest

from tests.course_helpers import ready_for_exam
from trainer.courses.service import live_course
from trainer.courses.sync import sync_content
from trainer.extensions import db
from trainer.models import QuizAttempt, QuizResult

# The basics course's two questions after the trainer's edit: the true/false answer flips,
# the single-choice question is gone, a new one replaces it.
CHANGED_QUIZ = """## on-time
type: truefalse
answer: false

上班可以随意迟到。

## new-question
type: truefalse
answer: true

新增的题目。
"""


def publish_from_the_browser(users, quiz_md: str) -> None:
    from trainer.authoring import drafts
    from trainer.courses.service import live_course as live

    draft = drafts.start_draft_from_live(users["trainer"], live("basics")[0])
    quiz = next(file for file in draft.files if file.path == "quiz.md")
    drafts.save_file(draft, users["trainer"], "quiz.md", quiz_md.encode(), quiz.revision)
    drafts.submit(draft, users["trainer"], "换题")
    drafts.publish(draft, users["admin"])


@pytest.fixture(params=["folder", "browser"])
def open_attempt(request, client, signed_in, synced, users):
    """The learner's basics attempt, started before the course changes; then the re-sync or
    the publication from the browser."""
    signed_in("learner")
    ready_for_exam(users["learner"], "basics")
    started = client.post("/quiz/basics/start")
    attempt = db.session.get(QuizAttempt, int(started.headers["Location"].rsplit("/", 1)[1]))
    old_version_id = attempt.version_id
    if request.param == "folder":
        (synced / "basics" / "quiz.md").write_text(CHANGED_QUIZ, encoding="utf-8")
        report = sync_content(synced.parent)
        assert report.outcomes["basics"] == "updated", report
    else:
        publish_from_the_browser(users, CHANGED_QUIZ)
    assert live_course("basics")[1].id != old_version_id
    return attempt


def test_the_open_attempt_still_shows_the_questions_it_was_given(client, open_attempt):
    page = client.get(f"/quiz/attempt/{open_attempt.id}").get_data(as_text=True)
    assert "上班要准时到岗。" in page
    assert "对待顾客应该：" in page and "一视同仁" in page
    assert "上班可以随意迟到。" not in page and "新增的题目。" not in page


def _token_of_option(page: str, text: str) -> str:
    """The token the page gives the option labelled `text` (the bank's keys never show)."""
    label = page.split(text, 1)[0].rsplit("<label", 1)[1]
    return label.split('value="', 1)[1].split('"', 1)[0]


def test_the_open_attempt_is_graded_on_the_key_it_started_with(client, open_attempt):
    page = client.get(f"/quiz/attempt/{open_attempt.id}").get_data(as_text=True)
    form = {}
    for index, entry in enumerate(open_attempt.draw, start=1):
        if entry["id"] == "on-time":
            form[f"q{index}"] = "true"  # right before the edit, wrong after it
        else:  # respect-everyone, gone from the new version: "一视同仁" was right
            form[f"q{index}"] = _token_of_option(page, "一视同仁")
    response = client.post(f"/quiz/attempt/{open_attempt.id}/submit", data=form)
    assert response.status_code == 302
    result = db.session.get(QuizResult, open_attempt.id)
    assert (result.percent, result.passed) == (100.0, True)
    assert {item["id"] for item in result.per_question} == {"on-time", "respect-everyone"}


def test_the_next_attempt_draws_the_new_questions(client, signed_in, open_attempt, users):
    client.post("/auth/logout")
    signed_in("trainer")  # another learner, starting after the re-sync
    ready_for_exam(users["trainer"], "basics")
    started = client.post("/quiz/basics/start")
    attempt = db.session.get(QuizAttempt, int(started.headers["Location"].rsplit("/", 1)[1]))
    assert attempt.version_id != open_attempt.version_id
    assert {entry["id"] for entry in attempt.draw} == {"on-time", "new-question"}
    page = client.get(f"/quiz/attempt/{attempt.id}").get_data(as_text=True)
    assert "上班可以随意迟到。" in page and "新增的题目。" in page
