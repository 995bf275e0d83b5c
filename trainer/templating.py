"""Jinja filters that turn course Markdown snippets into sanitised HTML."""

from functools import lru_cache

from flask import Flask
from markupsafe import Markup

from trainer.content import render_markdown


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


def register_filters(app: Flask) -> None:
    app.add_template_filter(markdown_block, "markdown_block")
    app.add_template_filter(markdown_inline, "markdown_inline")
