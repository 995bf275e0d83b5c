"""Learners read courses: catalogue, course page, lessons, progress, media, evaluation."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.models import CourseEvaluation, LessonProgress


def test_catalogue_lists_courses_with_progress(client, users, signed_in, synced):
    signed_in("learner")
    page = client.get("/courses/").get_data(as_text=True)
    assert "门店售中服务" in page and "新员工入门" in page
    assert "已读 0 / 2 课" in page


def test_catalogue_filters_by_category_and_searches_titles(client, users, signed_in, synced):
    signed_in("learner")
    sop = client.get("/courses/?category=sop").get_data(as_text=True)
    assert "门店售中服务" in sop and "新员工入门" not in sop
    found = client.get("/courses/?q=入门").get_data(as_text=True)
    assert "新员工入门" in found and "门店售中服务" not in found
    nothing = client.get("/courses/?q=不存在的课程").get_data(as_text=True)
    assert "没有符合条件的课程" in nothing


def test_course_page_says_what_is_required_to_finish(client, users, signed_in, synced):
    signed_in("learner")
    page = client.get("/courses/store-service").get_data(as_text=True)
    assert "阅读全部 2 课" in page
    assert "通过理论考试：每次 6 题，及格线 80%，每轮 3 次机会" in page
    assert "通过实际操作考核" in page and "通过工作态度评价" in page
    assert "新员工入门" in page  # the prerequisite, linked


def test_lesson_page_renders_safely_with_toc_and_neighbours(client, users, signed_in, synced):
    signed_in("learner")
    response = client.get("/courses/store-service/lessons/1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "第一步：主动迎宾" in page
    assert 'class="admonition do"' in page
    assert "/courses/store-service/lessons/2" in page  # next lesson
    assert "第 1 课，共 2 课" in page


def test_mark_as_read_is_stored_once_and_moves_on(client, users, signed_in, synced):
    learner = signed_in("learner")
    first = client.post("/courses/store-service/lessons/1/read")
    assert first.headers["Location"] == "/courses/store-service/lessons/2"
    client.post("/courses/store-service/lessons/1/read")  # a second click changes nothing
    rows = db.session.scalars(
        sa.select(LessonProgress).where(LessonProgress.user_id == learner.id)
    ).all()
    assert [row.lesson_number for row in rows] == [1]
    last = client.post("/courses/store-service/lessons/2/read")
    assert last.headers["Location"] == "/courses/store-service/evaluate"
    page = client.get("/courses/store-service").get_data(as_text=True)
    assert "已读 2 / 2 课" in page


def test_unknown_course_and_lesson_are_404(client, users, signed_in, synced):
    signed_in("learner")
    assert client.get("/courses/nope").status_code == 404
    assert client.get("/courses/store-service/lessons/99").status_code == 404
    assert client.post("/courses/store-service/lessons/99/read").status_code == 404


def test_media_is_served_from_the_version_but_markdown_never(client, users, signed_in, synced):
    signed_in("learner")
    lesson = client.get("/courses/store-service/lessons/1").get_data(as_text=True)
    import re

    src = re.search(r'src="(/courses/store-service/v\d+/media/store-map.svg)"', lesson).group(1)
    image = client.get(src)
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert "sandbox" in image.headers["Content-Security-Policy"]
    version_prefix = src.rsplit("/media/", 1)[0]
    assert client.get(f"{version_prefix}/quiz.md").status_code == 404
    assert client.get(f"{version_prefix}/../../etc/passwd").status_code == 404
    assert client.get(src.replace("store-service", "basics")).status_code == 404


def _read_all(client):
    client.post("/courses/store-service/lessons/1/read")
    client.post("/courses/store-service/lessons/2/read")


GOOD_EVALUATION = {
    "rating": "4",
    "learned": "三秒问候\n带路到试衣间\n不说随便看看",
    "apply_at_work": "明天开始在门口迎宾时用",
    "improve": "多一些视频",
}


def test_evaluation_needs_every_lesson_read_first(client, users, signed_in, synced):
    signed_in("learner")
    response = client.post("/courses/store-service/evaluate", data=GOOD_EVALUATION)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseEvaluation)) == 0


def test_evaluation_needs_three_learned_points(client, users, signed_in, synced):
    signed_in("learner")
    _read_all(client)
    response = client.post(
        "/courses/store-service/evaluate", data={**GOOD_EVALUATION, "learned": "三秒问候\n带路"}
    )
    assert response.status_code == 400
    assert "至少写 3 点" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseEvaluation)) == 0


def test_evaluation_is_saved_once_and_can_be_changed(client, users, signed_in, synced):
    signed_in("learner")
    _read_all(client)
    assert client.post("/courses/store-service/evaluate", data=GOOD_EVALUATION).status_code == 302
    client.post("/courses/store-service/evaluate", data={**GOOD_EVALUATION, "rating": "5"})
    evaluations = db.session.scalars(sa.select(CourseEvaluation)).all()
    assert [e.rating for e in evaluations] == [5]


def test_missing_rating_is_explained(client, users, signed_in, synced):
    signed_in("learner")
    _read_all(client)
    data = {key: value for key, value in GOOD_EVALUATION.items() if key != "rating"}
    response = client.post("/courses/store-service/evaluate", data=data)
    assert response.status_code == 400
    assert "请选择 1 到 5 分" in response.get_data(as_text=True)


def _course_with_leftovers(folder):
    """An editor's leftovers beside the real quiz, as found in issue 21, plus files that are
    not lesson media."""
    quiz = (folder / "quiz.md").read_bytes()
    (folder / "quiz.md~").write_bytes(quiz)
    (folder / ".quiz.md.swp").write_bytes(quiz)
    (folder / "quiz.md.bak").write_bytes(quiz)
    (folder / "media" / "answers.txt").write_bytes(quiz)
    (folder / "media" / "unused.png").write_bytes(b"\x89PNG\r\n\x1a\n")


def test_backup_copies_of_the_quiz_are_never_stored_nor_served(
    app, client, users, signed_in, courses_dir
):
    from pathlib import Path

    from trainer.courses.sync import sync_content
    from trainer.models import CourseFile

    _course_with_leftovers(courses_dir / "store-service")
    sync_content(Path(app.config["CONTENT_DIR"]))
    stored = set(db.session.scalars(sa.select(CourseFile.path)))
    assert "quiz.md" in stored and "media/store-map.svg" in stored
    assert not {"quiz.md~", ".quiz.md.swp", "quiz.md.bak"} & stored
    signed_in("learner")
    version_id = _live_version_id("store-service")
    prefix = f"/courses/store-service/v{version_id}"
    for leftover in (
        "quiz.md~",
        ".quiz.md.swp",
        "quiz.md.bak",
        "media/answers.txt",
        "media/unused.png",
    ):
        assert client.get(f"{prefix}/{leftover}").status_code == 404, leftover
    assert client.get(f"{prefix}/media/store-map.svg").status_code == 200


def test_a_version_stored_before_the_fix_serves_no_leftovers(client, users, signed_in, synced):
    """Versions stored by the old sync still hold backup files: they are not served."""
    from trainer.models import CourseFile

    version_id = _live_version_id("store-service")
    quiz = db.session.scalar(
        sa.select(CourseFile.content).where(
            CourseFile.version_id == version_id, CourseFile.path == "quiz.md"
        )
    )
    db.session.add(CourseFile(version_id=version_id, path="quiz.md~", content=quiz))
    db.session.commit()
    signed_in("learner")
    assert client.get(f"/courses/store-service/v{version_id}/quiz.md~").status_code == 404


def _live_version_id(slug: str) -> int:
    from trainer.models import CourseRecord

    return db.session.scalar(
        sa.select(CourseRecord.current_version_id).where(CourseRecord.slug == slug)
    )


def test_media_answer_range_requests(client, users, signed_in, synced):
    signed_in("learner")
    lesson = client.get("/courses/store-service/lessons/1").get_data(as_text=True)
    import re

    src = re.search(r'src="(/courses/store-service/v\d+/media/store-map.svg)"', lesson).group(1)
    whole = client.get(src).data
    part = client.get(src, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206
    assert part.data == whole[:10]
    assert part.headers["Content-Range"] == f"bytes 0-9/{len(whole)}"


def test_content_check_warns_about_every_file_that_is_not_served(courses_dir):
    from trainer.content import load_course

    _course_with_leftovers(courses_dir / "store-service")
    course, problems = load_course(courses_dir / "store-service")
    assert course is not None
    warned = {(p.file.split("store-service/", 1)[1], p.code) for p in problems}
    # The small fixture bank's own warnings are not about files:
    warned -= {
        ("course.md", "bank-too-small"),
        ("quiz.md", "bank-multiple-right-majority"),
        ("lessons/02-fitting.md", "lesson-no-quota-tag"),
    }
    assert warned == {
        ("quiz.md~", "file-ignored"),
        (".quiz.md.swp", "file-ignored"),
        ("quiz.md.bak", "file-ignored"),
        ("media/answers.txt", "file-type-not-served"),
        ("media/unused.png", "file-not-referenced"),
    }
    assert course.media == {"media/store-map.svg", "media/fitting-room.svg"}


def test_media_over_the_size_limit_is_an_error(courses_dir, monkeypatch):
    from trainer.content import load_course, loader

    monkeypatch.setattr(loader, "MAX_MEDIA_BYTES", 100)
    course, problems = load_course(courses_dir / "store-service")
    assert course is None
    assert {p.code for p in problems if p.is_error} == {"media-too-large"}
