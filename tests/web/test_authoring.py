"""Trainers: validation status, versions, preview with answers, sync from the browser."""

from pathlib import Path

from trainer.courses.sync import sync_content


def test_trainer_sees_every_course_with_its_status(client, users, signed_in, synced):
    signed_in("trainer")
    page = client.get("/authoring/").get_data(as_text=True)
    assert "门店售中服务" in page and "新员工入门" in page
    assert page.count("正常") >= 2


def test_broken_course_shows_file_line_and_message_while_old_version_stays_live(
    app, client, users, signed_in, synced
):
    quiz = synced / "store-service" / "quiz.md"
    duplicate = "\n## greet-within-3-seconds\ntype: single\n\n重复的题目？\n\n- [x] 是\n- [ ] 否\n"
    quiz.write_text(quiz.read_text(encoding="utf-8") + duplicate, encoding="utf-8")
    sync_content(Path(app.config["CONTENT_DIR"]))
    signed_in("trainer")
    page = client.get("/authoring/store-service").get_data(as_text=True)
    assert "courses/store-service/quiz.md:" in page
    assert "Learners still see the last good version" not in page  # Chinese UI
    assert "学员仍然看到上一个正确的版本" in page
    learner_view = client.get("/courses/store-service")
    assert learner_view.status_code == 200


def test_preview_shows_quiz_answers_and_checklists_to_trainers(client, users, signed_in, synced):
    signed_in("trainer")
    page = client.get("/authoring/store-service/preview").get_data(as_text=True)
    assert "题库" in page
    assert 'data-question="greet-within-3-seconds"' in page
    assert "✓" in page  # correct options marked
    assert "实际操作考核" in page and "工作态度评价" in page
    assert "关键项" in page  # critical checklist items flagged


def test_learners_cannot_open_the_preview(client, users, signed_in, synced):
    signed_in("learner")
    assert client.get("/authoring/store-service/preview").status_code == 403
    assert client.get("/authoring/").status_code == 403


def test_sync_button_loads_changes(app, client, users, signed_in, synced):
    lesson = synced / "basics" / "lessons" / "01-welcome.md"
    lesson.write_text(
        lesson.read_text(encoding="utf-8") + "\n浏览器里同步的新内容。\n", encoding="utf-8"
    )
    signed_in("trainer")
    response = client.post("/authoring/sync", follow_redirects=True)
    assert "1 个更新" in response.get_data(as_text=True)
    learner_page = client.get("/courses/basics/lessons/1").get_data(as_text=True)
    assert "浏览器里同步的新内容" in learner_page


def test_version_history_and_old_version_preview(app, client, users, signed_in, synced):
    lesson = synced / "basics" / "lessons" / "01-welcome.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n第二版。\n", encoding="utf-8")
    sync_content(Path(app.config["CONTENT_DIR"]))
    signed_in("trainer")
    page = client.get("/authoring/basics").get_data(as_text=True)
    assert page.count("预览") >= 3  # the header button + one per version
    import re

    versions = re.findall(r"/authoring/basics/preview\?version=(\d+)", page)
    assert len(versions) == 2
    old = client.get(f"/authoring/basics/preview?version={min(map(int, versions))}")
    assert "第二版" not in old.get_data(as_text=True)


def test_evaluations_are_summarised_for_trainers(client, users, signed_in, synced):
    signed_in("learner")
    client.post("/courses/store-service/lessons/1/read")
    client.post("/courses/store-service/lessons/2/read")
    client.post(
        "/courses/store-service/evaluate",
        data={"rating": "4", "learned": "一\n二\n三", "apply_at_work": "用在门口迎宾"},
    )
    client.post("/auth/logout")
    signed_in("trainer")
    page = client.get("/authoring/store-service").get_data(as_text=True)
    assert "1 份，平均 4.0 / 5" in page
    assert "用在门口迎宾" in page


def test_trainer_sees_the_bank_warnings_of_a_published_course(client, users, signed_in, synced):
    signed_in("trainer")
    page = client.get("/authoring/store-service").get_data(as_text=True)

    # The fixture bank: 10 questions for a draw of 6, and lesson 2 has no tag quota.
    assert 'class="problem-warning"' in page
    assert "题库只有 10 道题，每次抽 6 道" in page and "至少要有抽题数的三倍（18 道）" in page
    assert "第 2 课（第二步：引导试衣）没有对应的考题标签" in page
