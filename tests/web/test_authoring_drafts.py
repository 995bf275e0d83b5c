"""Browser authoring through the pages: new course, editor saves and checks, images, zip,
review, history and the folder conflict, as a trainer uses them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import sqlalchemy as sa
from PIL import Image

from tests.conftest import make_user, sign_in
from trainer.courses.sync import sync_content
from trainer.extensions import db
from trainer.models import AuditEvent, CourseDraft, CourseRecord, DraftFile

LESSON = "lessons/01-welcome.md"
JSON = {"Accept": "application/json"}


def draft_of(slug: str) -> CourseDraft:
    return db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == slug))


def stored(draft_id: int, path: str) -> DraftFile | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(DraftFile).where(DraftFile.draft_id == draft_id, DraftFile.path == path)
    )


def png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 30, 30, 128)).save(out, "PNG")
    return out.getvalue()


def open_basics_draft(client) -> int:
    response = client.post("/authoring/basics/draft")
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_new_course_with_the_folder_name_made_from_the_title(client, users, signed_in):
    signed_in("trainer")
    assert client.get("/authoring/slug-suggestion?title=前台接待礼仪").get_json() == {
        "slug": "qian-tai-jie-dai-li-yi"
    }
    response = client.post("/authoring/new", data={"title": "前台接待礼仪", "slug": ""})
    assert response.status_code == 302
    draft = draft_of("qian-tai-jie-dai-li-yi")
    assert draft is not None and draft.title == "前台接待礼仪"

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="editor-form"' in page and "course.md" in page
    assert "lessons/01-" in page  # the starter's lessons in the file list
    assert "editor.bundle.js" in page


def test_a_bad_folder_name_is_refused_on_the_form_and_nothing_saved(client, users, signed_in):
    signed_in("trainer")
    response = client.post("/authoring/new", data={"title": "前台", "slug": "Front Desk"})
    assert response.status_code == 200
    assert "小写字母" in response.get_data(as_text=True) or "a–z" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseDraft)) == 0


def test_save_from_the_editor_and_the_second_save_from_the_same_revision_conflicts(
    client, users, signed_in, synced
):
    signed_in("trainer")
    draft_id = open_basics_draft(client)
    revision = stored(draft_id, LESSON).revision
    first = client.post(
        f"/authoring/drafts/{draft_id}/save",
        data={"path": LESSON, "content": "# 欢迎\r\n\r\n第一次保存。\r\n", "revision": revision},
        headers=JSON,
    )
    assert first.status_code == 200
    assert first.get_json()["revision"] == revision + 1
    assert stored(draft_id, LESSON).content == "# 欢迎\n\n第一次保存。\n".encode()  # LF kept

    second = client.post(
        f"/authoring/drafts/{draft_id}/save",
        data={"path": LESSON, "content": "# 欢迎\n\n另一个人的。\n", "revision": revision},
        headers=JSON,
    )
    assert second.status_code == 409
    assert "培训师老王" in second.get_json()["message"]
    assert stored(draft_id, LESSON).content == "# 欢迎\n\n第一次保存。\n".encode()


def test_without_javascript_a_conflicting_save_shows_the_trainers_text_to_copy(
    client, users, signed_in, synced
):
    signed_in("trainer")
    draft_id = open_basics_draft(client)
    response = client.post(
        f"/authoring/drafts/{draft_id}/save",
        data={"path": LESSON, "content": "# 欢迎\n\n我写的一大段。\n", "revision": 99},
    )
    assert response.status_code == 409
    assert "我写的一大段" in response.get_data(as_text=True)


def test_the_check_reports_errors_at_their_line_with_a_preview_and_saves_nothing(
    client, users, signed_in, synced
):
    signed_in("trainer")
    draft_id = open_basics_draft(client)
    before = stored(draft_id, LESSON).content
    answer = client.post(
        f"/authoring/drafts/{draft_id}/check",
        data={"path": LESSON, "content": "\n\n没有标题的课\n"},
    ).get_json()
    errors = [p for p in answer["problems"] if p["severity"] == "error"]
    assert [(p["file"], p["line"]) for p in errors] == [(LESSON, 3)]
    assert "标题" in errors[0]["message"]
    good = client.post(
        f"/authoring/drafts/{draft_id}/check",
        data={"path": LESSON, "content": "# 欢迎\n\n**重点**：<script>alert(1)</script>\n"},
    ).get_json()
    assert [p for p in good["problems"] if p["severity"] == "error"] == []
    assert "<strong>重点</strong>" in good["preview_html"]
    assert "<script" not in good["preview_html"]  # the server's sanitiser
    assert stored(draft_id, LESSON).content == before


def test_a_pasted_image_is_stored_resized_and_inserted_as_markdown(
    client, users, signed_in, synced
):
    signed_in("trainer")
    draft_id = open_basics_draft(client)
    answer = client.post(
        f"/authoring/drafts/{draft_id}/images",
        data={"document": LESSON, "image": (io.BytesIO(png(2000, 1000)), "门店.png")},
        headers=JSON,
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    path = answer.get_json()["path"]
    assert path.startswith("images/") and answer.get_json()["markdown"].endswith(f"(../{path})")
    image = Image.open(io.BytesIO(stored(draft_id, path).content))
    assert image.size == (1280, 640)
    served = client.get(f"/authoring/drafts/{draft_id}/media/{path}")
    assert served.status_code == 200 and served.mimetype.startswith("image/")

    refused = client.post(
        f"/authoring/drafts/{draft_id}/images",
        data={"document": LESSON, "image": (io.BytesIO(b"%PDF-1.4 not a picture"), "x.png")},
        headers=JSON,
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "PNG" in refused.get_json()["message"]


def test_a_draft_file_that_is_not_an_image_is_never_served(client, users, signed_in, synced):
    signed_in("trainer")
    draft_id = open_basics_draft(client)
    assert client.get(f"/authoring/drafts/{draft_id}/media/quiz.md").status_code == 404


def test_export_gives_the_folder_layout_and_a_zip_with_paths_outside_is_refused(
    client, users, signed_in, synced
):
    signed_in("trainer")
    exported = client.get("/authoring/basics/export.zip")
    assert exported.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(exported.data)).namelist()
    assert "basics/course.md" in names and f"basics/{LESSON}" in names

    draft_id = open_basics_draft(client)
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("course.md", "x")
        archive.writestr("../../etc/cron.d/x", "x")
    before = {f.path: f.content for f in db.session.get(CourseDraft, draft_id).files}
    response = client.post(
        f"/authoring/drafts/{draft_id}/import",
        data={"archive": (io.BytesIO(evil.getvalue()), "basics.zip")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "../../etc/cron.d/x" in response.get_data(as_text=True)
    db.session.expire_all()
    assert {f.path: f.content for f in db.session.get(CourseDraft, draft_id).files} == before

    # The exported zip goes back in unchanged.
    response = client.post(
        f"/authoring/drafts/{draft_id}/import",
        data={"archive": (io.BytesIO(exported.data), "basics.zip")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    db.session.expire_all()
    assert {f.path: f.content for f in db.session.get(CourseDraft, draft_id).files} == before


def test_add_a_lesson_from_the_editor(client, users, signed_in, synced):
    signed_in("trainer")
    draft_id = open_basics_draft(client)
    response = client.post(f"/authoring/drafts/{draft_id}/lessons", data={"title": "送客礼仪"})
    assert response.status_code == 302
    lesson = stored(draft_id, "lessons/02-song-ke-li-yi.md")
    assert lesson is not None and lesson.content == "# 送客礼仪\n\n".encode()


def test_review_publish_history_compare_and_rollback_through_the_pages(
    app, client, users, signed_in, synced
):
    reviewer = make_user("T0002", "培训师小刘", {"trainer", "learner"})
    signed_in("trainer")
    draft_id = open_basics_draft(client)
    revision = stored(draft_id, LESSON).revision
    text = stored(draft_id, LESSON).content.decode() + "\n浏览器写的新段落。\n"
    client.post(
        f"/authoring/drafts/{draft_id}/save",
        data={"path": LESSON, "content": text, "revision": revision},
    )
    client.post(f"/authoring/drafts/{draft_id}/submit", data={"message": "欢迎课加一段"})
    own_review = client.get(f"/authoring/drafts/{draft_id}/review").get_data(as_text=True)
    assert 'data-testid="publish"' not in own_review
    assert client.post(f"/authoring/drafts/{draft_id}/publish").status_code == 302
    assert draft_of("basics") is not None  # the author's own publish was refused

    client.post("/auth/logout")
    sign_in(client, reviewer.employee_no)
    review = client.get(f"/authoring/drafts/{draft_id}/review").get_data(as_text=True)
    assert "浏览器写的新段落" in review and "欢迎课加一段" in review
    assert 'data-testid="publish"' in review
    client.post(f"/authoring/drafts/{draft_id}/comment", data={"message": "写得好"})
    response = client.post(f"/authoring/drafts/{draft_id}/publish", follow_redirects=True)
    assert "培训师老王" in response.get_data(as_text=True)  # the history, with its author

    learner_page = client.get("/courses/basics/lessons/1").get_data(as_text=True)
    assert "浏览器写的新段落" in learner_page

    history = client.get("/authoring/basics/history").get_data(as_text=True)
    assert "培训师小刘" in history and "欢迎课加一段" in history
    record = db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == "basics"))
    versions = [v.id for v in record.versions]
    compare = client.get(f"/authoring/basics/compare?old={versions[1]}&new={versions[0]}")
    assert "浏览器写的新段落" in compare.get_data(as_text=True)

    client.post("/authoring/basics/rollback", data={"version": versions[1], "message": "先撤回"})
    assert "浏览器写的新段落" not in client.get("/courses/basics/lessons/1").get_data(as_text=True)
    actions = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-5:] == [
        "course.draft_started",
        "course.draft_submitted",
        "course.draft_commented",
        "course.version_published",
        "course.version_published",
    ]


def test_the_course_page_shows_the_folder_conflict_and_the_choice(
    app, client, users, signed_in, synced
):
    from trainer.authoring import drafts

    reviewer = make_user("T0002", "培训师小刘", {"trainer", "learner"})
    record = db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == "basics"))
    draft = drafts.start_draft_from_live(reviewer, record)
    lesson = next(f for f in draft.files if f.path == LESSON)
    drafts.save_file(draft, reviewer, LESSON, lesson.content + b"\nB\n", lesson.revision)
    drafts.submit(draft, reviewer, "改")
    signed_in("trainer")
    client.post(f"/authoring/drafts/{draft.id}/publish")
    folder_lesson = Path(app.config["CONTENT_DIR"]) / "courses" / "basics" / LESSON
    folder_lesson.write_text(folder_lesson.read_text(encoding="utf-8") + "\nF\n", encoding="utf-8")
    sync_content(Path(app.config["CONTENT_DIR"]))

    page = client.get("/authoring/basics").get_data(as_text=True)
    assert 'data-testid="folder-conflict"' in page
    client.post("/authoring/basics/folder/keep")
    assert 'data-testid="folder-conflict"' not in client.get("/authoring/basics").get_data(
        as_text=True
    )


def test_duplicate_a_course_under_a_name_made_from_the_new_title(client, users, signed_in, synced):
    signed_in("trainer")
    form = client.get("/authoring/store-service/duplicate").get_data(as_text=True)
    assert "门店售中服务（副本）" in form  # the title offered for the copy
    response = client.post(
        "/authoring/store-service/duplicate", data={"title": "门店售中服务（华东）", "slug": ""}
    )
    assert response.status_code == 302
    copy = draft_of("men-dian-shou-zhong-fu-wu-hua-dong")
    assert copy is not None and copy.title == "门店售中服务（华东）"
    taken = client.post(
        "/authoring/store-service/duplicate", data={"title": "再来一份", "slug": "basics"}
    )
    assert taken.status_code == 200 and "basics" in taken.get_data(as_text=True)


def test_without_javascript_a_picture_is_uploaded_from_a_file_field(
    client, users, signed_in, synced
):
    """On a phone there is nothing to paste from: the file field beside the editor uploads
    the picture and shows the line to put into the text."""
    signed_in("trainer")
    draft_id = open_basics_draft(client)
    page = client.get(f"/authoring/drafts/{draft_id}?file={LESSON}").get_data(as_text=True)
    assert 'name="image"' in page and 'type="file"' in page
    response = client.post(
        f"/authoring/drafts/{draft_id}/images",
        data={"document": LESSON, "image": (io.BytesIO(png()), "shop.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "](../images/shop-" in text  # the line to put into the lesson
    refused = client.post(
        f"/authoring/drafts/{draft_id}/images",
        data={"document": LESSON, "image": (io.BytesIO(b"just text"), "notes.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "PNG" in refused.get_data(as_text=True)
