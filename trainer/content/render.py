"""Course Markdown → sanitised HTML and a table of contents.

Python-Markdown lets authors write raw HTML and attributes, so its output is only trusted
after nh3 has cleaned it; the template's single `|safe` is on `Rendered.html`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import markdown
import nh3

from trainer.content.links import SCHEME

EXTENSIONS = ("tables", "fenced_code", "attr_list", "admonition", "sane_lists", "toc")
ALLOWED_TAGS = frozenset(
    {
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "blockquote"),
        *("ul", "ol", "li", "dl", "dt", "dd", "pre", "code", "kbd", "samp"),
        *("strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup"),
        *("a", "img", "figure", "figcaption", "abbr", "details", "summary"),
        *("table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col"),
    }
)
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
}
URL_ATTRIBUTES = frozenset({("a", "href"), ("img", "src")})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Dropped with their content, not just unwrapped: their text is code or styling, not prose.
REMOVED_WITH_CONTENT = frozenset({"script", "style"})


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[tuple[int, str, str]]  # (heading level, anchor id, heading text)


def slugify_heading(value: str, separator: str = "-") -> str:
    """Anchor for a heading that keeps Chinese (and any other) letters.

    Python-Markdown's default slugify strips everything non-ASCII, which turns every
    Chinese heading into the same empty anchor.
    """
    value = unicodedata.normalize("NFKC", html.unescape(value)).strip().lower()
    value = re.sub(r"[^\w\s-]", "", value)
    value = re.sub(r"[\s_-]+", separator, value).strip(separator)
    return value or "section"


def render_markdown(source: str, media_url: Callable[[str], str | None]) -> Rendered:
    """Render one Markdown document of a course.

    `media_url(path)` receives each relative link or image path exactly as written (e.g.
    "../media/fitting-room.svg") and returns the URL to use, or None to drop the link.
    `links.media_url_for` builds one for a course document.
    """
    converter = markdown.Markdown(
        extensions=list(EXTENSIONS),
        extension_configs={"toc": {"slugify": slugify_heading, "permalink": False}},
    )
    raw_html = converter.convert(source)

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) not in URL_ATTRIBUTES:
            return value
        stripped = value.strip()
        if not stripped or stripped.startswith("#") or SCHEME.match(stripped):
            # Anchors pass; unsafe schemes have already been removed by nh3.
            return value
        return media_url(stripped)

    clean_html = nh3.clean(
        raw_html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=filter_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return Rendered(html=clean_html, toc=_flatten_toc(converter.toc_tokens))


def _flatten_toc(tokens: list[dict]) -> list[tuple[int, str, str]]:
    entries: list[tuple[int, str, str]] = []
    for token in tokens:
        entries.append((token["level"], token["id"], html.unescape(token["name"])))
        entries.extend(_flatten_toc(token.get("children", [])))
    return entries
