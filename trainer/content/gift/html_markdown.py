"""`[html]` GIFT text → Markdown: simple markup kept, every other tag dropped.

Kept: bold, italic, inline code, line and paragraph breaks, list items and http(s) links,
as their Markdown forms. Headings become bold paragraphs (a `## ` line would start a new
question in quiz.md). Images cannot come along (the file is not in the course's media/), so
their addresses are returned for the importer to report. Script and style contents vanish;
anything else keeps its text and loses its tag.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
BLOCKS = frozenset({"p", "div", "ul", "ol", "table", "tr", "blockquote", "pre", "section"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
DROPPED = frozenset({"script", "style", "head", "title"})
SPACES = re.compile(r"[ \t\r\f\v\n]+")
SAFE_LINK = re.compile(r"^https?://[^\s()<>]+$", re.IGNORECASE)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images: list[str] = []
        self.dropping = 0
        self.links: list[str | None] = []
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in DROPPED:
            self.dropping += 1
        elif tag in INLINE:
            self.parts.append(INLINE[tag])
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in BLOCKS or tag in HEADINGS:
            self.pre += tag == "pre"
            self.parts.append("\n\n" + ("**" if tag in HEADINGS else ""))
        elif tag == "a":
            href = attributes.get("href", "").strip()
            self.links.append(href if SAFE_LINK.match(href) else None)
            if self.links[-1]:
                self.parts.append("[")
        elif tag == "img":
            self.images.append(attributes.get("src", "").strip() or "?")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif tag in INLINE:
            self.parts.append(INLINE[tag])
        elif tag in BLOCKS or tag in HEADINGS:
            self.pre -= tag == "pre" and self.pre > 0
            self.parts.append(("**" if tag in HEADINGS else "") + "\n\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f"]({href})")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(data if self.pre else SPACES.sub(" ", data))


def html_to_markdown(html: str) -> tuple[str, list[str]]:
    """(Markdown text, image addresses that could not be brought along)."""
    converter = _Converter()
    converter.feed(html)
    converter.close()
    text = "".join(converter.parts)
    lines = [line.strip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    # Emphasis around nothing, e.g. <b></b>, would show as literal asterisks.
    return text.replace("****", "").strip(), converter.images
