"""YAML front matter is parsed once, with libyaml's C loader when PyYAML has it, and reads
exactly as the pure-Python loader reads it: data, line of each key, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from trainer.content import sources
from trainer.content.sources import split_front_matter

FIXTURE_COURSES = Path(__file__).resolve().parents[2] / "fixtures" / "courses"
needs_libyaml = pytest.mark.skipif(
    sources.C_SAFE_LOADER is None, reason="PyYAML is built without libyaml"
)


def pure_python(monkeypatch):
    monkeypatch.setattr(sources, "C_SAFE_LOADER", None)


def read(text: str):
    front, problems = split_front_matter(text, "course.md")
    return (front.data, front.lines, front.body, front.body_line) if front else None, problems


@needs_libyaml
@pytest.mark.parametrize("course", ["store-service", "basics"])
def test_c_loader_reads_a_course_as_the_python_loader_does(course, monkeypatch):
    text = (FIXTURE_COURSES / course / "course.md").read_text(encoding="utf-8")
    assert sources._c_loader_reads_alike(text.split("\n---\n")[0])

    fast = read(text)
    pure_python(monkeypatch)

    assert fast == read(text)
    pass_mark_line = next(n for n, line in enumerate(text.split("\n"), 1) if "pass_mark:" in line)
    assert fast[0][1][("quiz", "pass_mark")] == pass_mark_line  # from libyaml's marks


@pytest.mark.parametrize("c_loader", [True, False])
def test_same_data_types_as_safe_load(c_loader, monkeypatch):
    if not c_loader:
        pure_python(monkeypatch)
    text = "a: 1\nb: 1.5\nc: yes\nd: ~\ne: 2024-01-02\nf: [x, {g: '1'}]\nh: !!str 5\ni: !\n"

    front, problems = split_front_matter(f"---\n{text}---\n", "course.md")

    assert problems == []
    assert repr(front.data) == repr(yaml.safe_load(text))


@pytest.mark.parametrize("c_loader", [True, False])
def test_merge_keys_keep_the_lines_where_they_are_written(c_loader, monkeypatch):
    # Building the data resolves `<<` by rewriting the parsed nodes in place; the lines are
    # taken before that, so they stay those of the file.
    if not c_loader:
        pure_python(monkeypatch)
    text = "---\nbase: &base {x: 1}\nquiz:\n  <<: *base\n  y: 2\n---\n"

    front, problems = split_front_matter(text, "course.md")

    assert problems == []
    assert front.data == {"base": {"x": 1}, "quiz": {"x": 1, "y": 2}}
    assert front.lines == {
        ("base",): 2,
        ("base", "x"): 2,
        ("quiz",): 3,
        ("quiz", "<<"): 4,
        ("quiz", "y"): 5,
    }


@pytest.mark.parametrize(
    "yaml_text",
    [
        "title: t\ncategory: [sop\n",  # syntax error
        "title: t\n\tpass_mark: 80\n",  # tab indentation
        "title: t\npass_mark\t: 80\n",  # a tab libyaml would accept
        "title: t\n\ufeff\n",  # a byte-order mark libyaml would accept
        "title: t\nx: !!python/object:os.system x\n",  # constructor error
        "title: t\nx: \ud800\n",  # libyaml cannot even encode it
        "title: t\ntitle: u\n",  # duplicate key
    ],
)
def test_mistakes_are_reported_in_the_same_words_at_the_same_line(yaml_text, monkeypatch):
    text = f"---\n{yaml_text}---\nbody\n"
    fast = read(text)
    pure_python(monkeypatch)

    assert fast == read(text)
    assert fast[1], "each of these is a mistake"


def test_deep_nesting_is_left_to_the_python_loader():
    # libyaml recurses in C once per level and would overflow the stack and crash.
    assert not sources._c_loader_reads_alike("a: " + "[" * 300 + "]" * 300)
    assert sources._c_loader_reads_alike("a: [[1, 2], {b: [3]}]")


def test_a_key_written_twice_in_a_list_item_is_reported_not_raised():
    # The field's path holds the item's index, which used to make the message raise.
    text = "---\ntitle: t\nlevels:\n  - id: a\n    id: b\n---\n"

    front, problems = split_front_matter(text, "specialist.md")

    assert [(p.line, p.code, p.params) for p in problems] == [
        (5, "yaml-duplicate-key", {"field": "levels.0.id"})
    ]
    assert front.data["levels"] == [{"id": "b"}]
