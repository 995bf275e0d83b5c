"""Jinja filters that turn course Markdown snippets into sanitised HTML, and the lookup of
a question type's template (templates/quizzes/types/<name>.html)."""

from functools import lru_cache

from flask import Flask
from markupsafe import Markup

from trainer.content import Question, render_markdown
from trainer.content.question_types import type_of


@lru_cache(maxsize=4096)
def markdown_block(text: str) -> Markup:
    # render_markdown sanitises with nh3; links to course files are dropped in snippets.
    return Markup(render_markdown(text or "", lambda _link: None).html)  # noqa: S704


@lru_cache(maxsize=4096)
def markdown_inline(text: str) -> Markup:
    html = str(markdown_block(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)  # noqa: S704


def question_template(question: Question) -> str:
    """The template whose macros show this question: `{% import question_template(q) as t %}`
    then t.stem(q), t.inputs(q, entry, name, values), t.answer_key(q), t.feedback(q, response)."""
    return type_of(question).template


def question_type_choices() -> list[tuple[str, str]]:
    """(type name, label) of each type the “add a question” forms cover."""
    from trainer.authoring.question_forms import question_type_choices as choices

    return choices()


def register_filters(app: Flask) -> None:
    app.add_template_global(question_template, "question_template")
    app.add_template_global(question_type_choices, "question_type_choices")
    app.add_template_filter(markdown_block, "markdown_block")
    app.add_template_filter(markdown_inline, "markdown_inline")
