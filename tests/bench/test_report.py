"""bench/README.md's figures: a full `make bench` rewrites them, an exam-day size run in a
sitting of its own replaces only its own section, and the sizes run separately survive the
next full run."""

from __future__ import annotations

from bench.report import END, START, replace_section, rewrite_readme

README_TEXT = f"""# Benchmarks

Intro.

{START}
Measured earlier.

### Lesson page throughput

old lesson figures

### Exam day, 1,000 learners, SQLite

old 1,000 figures

### Exam day, 10,000 learners, SQLite

the 10,000 figures

### Goals

- old goal
{END}

After the figures.
"""


def _figures(readme) -> str:
    text = readme.read_text(encoding="utf-8")
    return text[text.index(START) + len(START) : text.index(END)]


def test_a_sitting_replaces_its_own_section_and_adds_a_new_one_before_the_goals(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README_TEXT, encoding="utf-8")

    replace_section("### Exam day, 10,000 learners, SQLite\n\nnew 10,000 figures\n", readme)
    replace_section(
        "### Exam day, 3,000 learners, PostgreSQL, 2 hosts\n\nthe two-host figures\n", readme
    )

    figures = _figures(readme)
    assert "the 10,000 figures" not in figures
    titles = [line for line in figures.splitlines() if line.startswith("### ")]
    assert titles == [
        "### Lesson page throughput",
        "### Exam day, 1,000 learners, SQLite",
        "### Exam day, 10,000 learners, SQLite",
        "### Exam day, 3,000 learners, PostgreSQL, 2 hosts",
        "### Goals",
    ]
    assert "new 10,000 figures\n\n### Exam day, 3,000" in figures
    assert readme.read_text(encoding="utf-8").endswith(f"{END}\n\nAfter the figures.\n")


def test_a_full_run_rewrites_the_figures_but_keeps_the_sizes_run_separately(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README_TEXT, encoding="utf-8")

    rewrite_readme(
        "Measured now.\n\n### Lesson page throughput\n\nnew lesson figures\n\n"
        "### Exam day, 1,000 learners, SQLite\n\nnew 1,000 figures\n\n"
        "### Goals\n\n- new goal\n",
        readme,
    )

    figures = _figures(readme)
    titles = [line for line in figures.splitlines() if line.startswith("### ")]
    assert titles == [
        "### Lesson page throughput",
        "### Exam day, 1,000 learners, SQLite",
        "### Exam day, 10,000 learners, SQLite",
        "### Goals",
    ]
    # The run's own sections are its new figures; the 10,000 size (not run) stays as it was.
    assert "new lesson figures" in figures and "old lesson figures" not in figures
    assert "new 1,000 figures" in figures and "old 1,000 figures" not in figures
    assert "the 10,000 figures" in figures
    assert "- new goal" in figures and "- old goal" not in figures
    assert figures.startswith("\nMeasured now.")
