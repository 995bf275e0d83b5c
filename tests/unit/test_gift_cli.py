"""`flask trainer quiz import-gift / export-gift` on real GIFT files."""

from pathlib import Path

from tests.course_helpers import copy_fixture_courses
from trainer.content import load_course

GIFT = Path(__file__).resolve().parents[1] / "fixtures" / "gift"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["trainer", "quiz", *args])


def test_import_appends_to_the_bank_and_ends_with_the_summary(app):
    courses = copy_fixture_courses(Path(app.config["CONTENT_DIR"]))
    before, _ = load_course(courses / "basics")
    result = run(app, "import-gift", str(GIFT / "call-centre-bank.gift"), "--course", "basics")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == "imported 19 questions; 3 not converted"  # essay, description, bad number
    # Every skipped part is reported with its line in the GIFT file.
    assert all(line.startswith("call-centre-bank.gift:") for line in lines[:-1])
    assert len(lines) - 1 == 3
    after, problems = load_course(courses / "basics")
    assert [p for p in problems if p.is_error] == []
    assert len(after.questions) == len(before.questions) + 19
    assert {q.id for q in before.questions} <= {q.id for q in after.questions}


def test_export_then_import_gives_the_same_questions(app, tmp_path):
    courses = copy_fixture_courses(Path(app.config["CONTENT_DIR"]))
    run(app, "import-gift", str(GIFT / "store-service-windows.gift"), "--course", "basics")
    exported = tmp_path / "bank.gift"
    result = run(app, "export-gift", "--course", "basics", "-o", str(exported))
    assert result.exit_code == 0 and "exported" in result.output

    from trainer.content.gift import import_gift

    original, _ = load_course(courses / "basics")
    again = import_gift(exported.read_text(encoding="utf-8"))
    assert again.not_converted == []
    assert [(q.id, q.type, q.text) for q in again.questions] == [
        (q.id, q.type, q.text) for q in original.questions
    ]


def test_malformed_file_reports_lines_and_changes_nothing_it_cannot_convert(app):
    courses = copy_fixture_courses(Path(app.config["CONTENT_DIR"]))
    quiz = (courses / "basics" / "quiz.md").read_text(encoding="utf-8")
    result = run(app, "import-gift", str(GIFT / "malformed.gift"), "--course", "basics")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1].endswith("not converted")
    assert "malformed.gift:" in result.output
    after, problems = load_course(courses / "basics")
    assert after is not None, problems
    assert (courses / "basics" / "quiz.md").read_text(encoding="utf-8").startswith(quiz)


def test_unknown_course_is_refused(app):
    copy_fixture_courses(Path(app.config["CONTENT_DIR"]))
    result = run(app, "import-gift", str(GIFT / "malformed.gift"), "--course", "nope")
    assert result.exit_code != 0 and "no course 'nope'" in result.output
