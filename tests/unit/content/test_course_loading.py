"""The valid fixture courses load completely, and the course version tracks the files."""

from __future__ import annotations

import dataclasses
import json
import os

from tests.unit.content.conftest import beyond_bank_warnings
from trainer.content import QUESTION_TYPES, course_version, load_catalogue, load_course
from trainer.content.loader import folder_version, load_course_files, read_course_folder


def test_fixture_catalogue_loads_without_any_problem(content_dir):
    catalogue = load_catalogue(content_dir)

    assert sorted(catalogue.courses) == ["basics", "store-service"]
    assert catalogue.errors_for("basics") == []
    # Only the bank warnings a deliberately small fixture earns:
    assert sorted((p.file, p.code) for p in catalogue.problems["basics"]) == [
        ("courses/basics/course.md", "bank-too-small"),
        ("courses/basics/lessons/01-welcome.md", "lesson-no-quota-tag"),
    ]
    assert sorted((p.file, p.code) for p in catalogue.problems["store-service"]) == [
        ("courses/store-service/course.md", "bank-too-small"),
        ("courses/store-service/lessons/02-fitting.md", "lesson-no-quota-tag"),
        ("courses/store-service/quiz.md", "bank-multiple-right-majority"),
    ]
    assert catalogue.errors_for("store-service") == []


def test_course_settings_come_from_front_matter(course):
    loaded, _ = course.load()
    meta = loaded.meta

    assert meta.title == "门店售中服务"
    assert meta.category == "sop"
    assert meta.target_positions == ("sales-associate", "store-supervisor")
    assert meta.prerequisites == ("basics",)
    assert meta.quiz.questions_per_attempt == 6
    assert meta.quiz.review == "after_pass"
    assert meta.quiz.tag_quotas == {"迎宾": 1}
    assert meta.practical_required and meta.attitude_required
    assert meta.certificate.validity_months == 24
    assert loaded.intro.startswith("本课程面向门店导购")


def test_optional_settings_get_documented_defaults(content_dir):
    basics, problems = load_course(content_dir / "courses" / "basics")

    assert beyond_bank_warnings(problems) == []
    assert basics.meta.language == "zh-CN"
    assert basics.meta.quiz.time_limit_minutes == 0
    assert basics.meta.quiz.attempts_per_round == 3
    assert basics.meta.quiz.review == "after_pass"
    assert basics.meta.practical_required is False
    assert (
        basics.meta.certificate.validity_months,
        basics.meta.certificate.recertify_window_days,
    ) == (
        24,
        60,
    )
    assert basics.practical is None and basics.attitude is None


def test_lessons_are_ordered_by_number_with_title_split_from_body(course):
    loaded, _ = course.load()

    assert [(lesson.number, lesson.slug) for lesson in loaded.lessons] == [
        (1, "greeting"),
        (2, "fitting"),
    ]
    first = loaded.lessons[0]
    assert first.title == "第一步：主动迎宾"
    assert first.path == "lessons/01-greeting.md"
    assert first.source.startswith("## 三秒问候")
    assert loaded.lesson("fitting") is loaded.lessons[1]


def test_fixture_quiz_uses_every_question_type(course):
    loaded, _ = course.load()

    assert {question.type for question in loaded.questions} == set(QUESTION_TYPES)
    single = loaded.question("greet-within-3-seconds")
    assert [option.key for option in single.options] == ["o1", "o2", "o3"]
    assert single.options[0].feedback == "太慢了，顾客已经开始觉得被冷落。"
    assert single.explanation == "七步曲第一步要求看到顾客 3 秒内问候。"
    assert single.tags == ("迎宾",) and single.difficulty == "easy"
    scenario = loaded.question("complaint-case-aisle")
    assert scenario.text.startswith("一位顾客拿着刚买的外套")
    assert scenario.asked.type == "multiple"
    assert scenario.asked.text == "这时你应该怎么做？（多选）"
    assert scenario.asked.points == scenario.points == 2


def test_ordering_keys_do_not_reveal_the_order(course):
    loaded, _ = course.load()
    ordering = loaded.question("seven-steps-order")

    assert len({item.key for item in ordering.items}) == 3
    assert all(item.key != f"i{item.position}" for item in ordering.items)
    assert ordering.correct_order == tuple(item.key for item in ordering.items)


def test_checklists_are_parsed_into_steps_and_items(course):
    loaded, _ = course.load()
    practical = loaded.practical

    assert practical.title == "门店售中服务现场考核"
    assert practical.pass_mark == 80
    assert practical.intro.startswith("考核员站在")
    assert [step.title for step in practical.steps] == [
        "第一步\u3000主动迎宾",
        "第二步\u3000引导试衣",
    ]
    greet = practical.steps[0].items[0]
    assert (greet.id, greet.title, greet.critical, greet.weight) == (
        "greet-within-3s",
        "三秒内主动问候",
        True,
        2,
    )
    assert greet.scale == ((0, "未做到"), (1, "部分做到"), (2, "完全做到"))
    assert greet.should_not == ("说“随便看看”，或以衣着判断顾客。",)
    assert greet.line == course.line_of("practical.md", "### greet-within-3s")
    polite = practical.steps[0].items[1]
    assert polite.scale == ((0, "未通过"), (1, "通过")) and polite.weight == 1
    english = practical.steps[1].items[0]
    assert english.should == ("walk the customer to a free fitting room.",)
    assert practical.max_weighted_score == 2 * 2 + 1 * 1 + 1 * 1
    assert loaded.attitude.items[0].scale[-1] == (3, "很好")


def test_media_holds_linkable_files_but_never_the_quiz(course):
    loaded, _ = course.load()

    assert loaded.media == {"media/store-map.svg", "media/fitting-room.svg"}


def test_version_is_stable_when_nothing_changes(course):
    first, _ = course.load()
    os.utime(course.path("quiz.md"), (1, 1))  # a new modification time alone is no change
    second, _ = course.load()

    assert first.version == second.version
    assert len(first.version) == 64 and int(first.version, 16) >= 0


def test_version_changes_when_any_file_changes(course):
    before = folder_version(course.root)

    course.edit("lessons/02-fitting.md", "15 分钟", "20 分钟")
    after_edit = folder_version(course.root)
    course.write("media/new-photo.png", b"\x89PNG")
    after_new_file = folder_version(course.root)
    course.path("media/new-photo.png").rename(course.path("media/renamed.png"))
    after_rename = folder_version(course.root)

    assert len({before, after_edit, after_new_file, after_rename}) == 4


def test_a_folder_and_the_same_files_from_a_draft_are_one_version(course):
    """The sync hashes folders a chunk at a time; drafts and stored versions hash their
    bytes: the same files must give the same version either way, backups left out."""
    course.write("lessons/01-welcome.md~", b"old copy")
    files, _ = read_course_folder(course.root)
    assert "lessons/01-welcome.md~" in files

    assert folder_version(course.root) == course_version(files)
    from_folder, _ = course.load()
    from_files, problems = load_course_files(course.root.name, files)
    assert from_files is not None, problems
    assert from_files == from_folder
    assert course_version({**files, "lessons/01-welcome.md~": b"other"}) == course_version(files)


def test_parsed_course_data_is_json_friendly(course):
    loaded, _ = course.load()

    json.dumps(dataclasses.asdict(loaded.meta), ensure_ascii=False)
    for question in loaded.questions:
        json.dumps(dataclasses.asdict(question), ensure_ascii=False)
    json.dumps(dataclasses.asdict(loaded.practical), ensure_ascii=False)
