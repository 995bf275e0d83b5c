"""Whatever a trainer (or an attacker) types, the parsers report problems instead of raising."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.content.checklist import parse_checklist
from trainer.content.links import check_links
from trainer.content.meta import parse_course_meta
from trainer.content.quiz import parse_quiz
from trainer.content.render import render_markdown
from trainer.content.sources import split_front_matter

# Fragments of real syntax, so the generated files get deep into every parser.
FRAGMENTS = [
    *("## q1", "## q-2", "type: single", "type: multiple", "type: scenario", "asks: fill"),
    *("asks: numerical", "type: truefalse", "type: fill", "type: ordering", "type: matching"),
    *("type: numerical", "answer: 3", "answer: x", "tolerance: -1", "min: 1", "max: 0"),
    *("- [x] a", "- [ ] b", "- [50%] c", "- [-50%] d", "  > feedback", "- = ans", "- [1] i"),
    *("- [2] j", "- [0] k", "- a => b", "- a => c", "---", "", "____", "解析：x", "```"),
    *("scoring: weighted", "points: 0", "tags: a, b", "difficulty: hard", "![x](../../a.png)"),
    *("[y](javascript:x)", "<img src=x onerror=y>", "# t", "### item-1 标题", "### 标题"),
    *("critical: true", "weight: 0", "scale: 0=a; 1=b", "scale: x", "- 应该：a", "- 不应该：b"),
    *("title: t", "pass_mark: 80", "quiz:", "  questions_per_attempt: 3", "  tag_quotas: {a: 1}"),
    *("category: sop", "prerequisites: [a]", "&a [*a]", "x: *a", "\t", "{", ": :"),
]
documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=30).map(
    "\n".join
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_no_document_makes_a_parser_raise(text):
    parse_quiz(text, "quiz.md")
    parse_checklist(text, "practical.md")
    parse_checklist("---\ntitle: t\npass_mark: 50\n---\n" + text, "practical.md")
    for candidate in (text, f"---\n{text}\n---\n"):
        front_matter, _ = split_front_matter(candidate, "course.md")
        if front_matter is not None:
            parse_course_meta(front_matter, "course.md")
    render_markdown(text, lambda _path: None)
    check_links(text, "lessons/01-a.md", "lessons/01-a.md", set())
