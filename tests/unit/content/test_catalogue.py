"""The catalogue: prerequisites across courses, and one bad course never hurting another."""

from __future__ import annotations

from tests.unit.content.conftest import beyond_bank_warnings
from trainer.content import format_problem, load_catalogue


def test_missing_prerequisite_is_reported_at_its_line(content_dir, course):
    course.edit("course.md", "prerequisites: [basics]", "prerequisites: [basics, onboarding]")

    catalogue = load_catalogue(content_dir)
    [problem] = catalogue.errors_for("store-service")

    assert problem.code == "prerequisite-missing"
    assert problem.line == course.line_of("course.md", "prerequisites:")
    assert problem.params == {"slug": "onboarding"}
    assert list(catalogue.courses) == ["basics"]


def test_prerequisite_cycle_is_reported_on_every_course_in_it(content_dir, course, new_course):
    basics = new_course("basics-copy")
    basics.edit("course.md", "prerequisites: []", "prerequisites: [store-service]")
    course.edit("course.md", "prerequisites: [basics]", "prerequisites: [basics, basics-copy]")

    catalogue = load_catalogue(content_dir)

    assert sorted(catalogue.courses) == ["basics"]
    for slug in ("basics-copy", "store-service"):
        [problem] = catalogue.errors_for(slug)
        assert problem.code == "prerequisite-cycle"
    cycle = catalogue.errors_for("store-service")[0].params["cycle"]
    assert cycle == "store-service → basics-copy → store-service"
    assert "绕成了一个圈" in catalogue.errors_for("basics-copy")[0].message("zh")


def test_course_requiring_itself_is_a_cycle(content_dir):
    basics = content_dir / "courses" / "basics" / "course.md"
    basics.write_text(basics.read_text().replace("prerequisites: []", "prerequisites: [basics]"))

    catalogue = load_catalogue(content_dir)

    assert catalogue.errors_for("basics")[0].params["cycle"] == "basics → basics"


def test_prerequisite_with_errors_warns_the_dependent_course(content_dir):
    basics = content_dir / "courses" / "basics" / "course.md"
    basics.write_text(basics.read_text().replace("category: standards", "category: misc"))

    catalogue = load_catalogue(content_dir)

    assert "store-service" in catalogue.courses
    [warning] = beyond_bank_warnings(catalogue.problems["store-service"])
    assert (warning.code, warning.severity) == ("prerequisite-invalid", "warning")


def test_hostile_course_is_isolated_from_the_rest(content_dir, new_course):
    hostile = new_course("hostile")
    hostile.write(
        "lessons/01-welcome.md",
        "# 欢迎\n\n<script>alert(1)</script>\n\n"
        '<a href="#" onclick="steal()">点我</a>\n\n'
        "[点我](javascript:alert(1))\n\n![x](../../store-service/quiz.md)\n",
    )
    hostile.write("lessons/02-huge.md", "# 大\n\n" + "攻击" * 1_000_000)
    hostile.write("quiz.md", b"## q\ntype: single\n\n\xff\xfe\n")

    catalogue = load_catalogue(content_dir)
    codes = {problem.code for problem in catalogue.errors_for("hostile")}

    assert sorted(catalogue.courses) == ["basics", "store-service"]
    assert beyond_bank_warnings(catalogue.problems["store-service"]) == []
    assert {"link-bad-scheme", "link-leaves-course", "file-too-large", "not-utf8"} <= codes


def test_catalogue_accepts_the_content_dir_or_its_courses_folder(content_dir):
    from_content = load_catalogue(content_dir)
    from_courses = load_catalogue(content_dir / "courses")

    assert (
        sorted(from_content.courses) == sorted(from_courses.courses) == ["basics", "store-service"]
    )


def test_folder_name_that_is_not_a_slug(content_dir, new_course):
    new_course("Store Service")

    catalogue = load_catalogue(content_dir)

    assert [p.code for p in catalogue.errors_for("Store Service")] == ["slug-invalid"]
    assert "Store Service" not in catalogue.courses


def test_problems_format_as_file_line_message(content_dir, course):
    course.edit("course.md", "category: sop", "category: selling")

    catalogue = load_catalogue(content_dir)
    [problem] = catalogue.errors_for("store-service")

    line = course.line_of("course.md", "category: selling")
    assert format_problem(problem, "en") == (
        f"courses/store-service/course.md:{line}: Unknown category “selling”: category must "
        "be one of standards, etiquette, communication, emotions, sop, other"
    )


def test_empty_or_missing_content_dir_gives_an_empty_catalogue(tmp_path):
    catalogue = load_catalogue(tmp_path / "nowhere")

    assert catalogue.courses == {} and catalogue.problems == {}
