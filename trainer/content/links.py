"""Links and images inside course Markdown: find them, check them, resolve them.

A course is a closed folder: every relative link must land on a file inside it, so a course
can be copied, versioned and served on its own, and a lesson can never reach the server's
other files.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterator
from urllib.parse import unquote

from trainer.content.model import Problem
from trainer.content.sources import lines_outside_code

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
CODE_SPAN = re.compile(r"(`+).+?\1")
INLINE_LINK = re.compile(
    r"(!?)\[(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*\]"  # [text], allowing one level of [nested]
    r"\(\s*(<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"  # (url or <url>
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"  # optional "title")
)
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?")
HTML_URL_ATTRIBUTE = re.compile(r"""\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def find_links(text: str) -> Iterator[tuple[int, str]]:
    """Yield (0-based line index, url) for every link and image written in `text`."""
    for index, line in lines_outside_code(text.split("\n")):
        line = CODE_SPAN.sub("", line)
        for match in INLINE_LINK.finditer(line):
            yield index, match.group(2).strip("<>")
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            yield index, definition.group(1)
        if "<" in line:
            for match in HTML_URL_ATTRIBUTE.finditer(line):
                yield index, next(group for group in match.groups() if group is not None)


def resolve_course_link(document: str, link: str) -> str | None:
    """The course-relative path a relative `link` in `document` points at.

    `document` is the linking file relative to the course folder (e.g.
    "lessons/01-greeting.md"). Returns e.g. "media/fitting-room.svg", or None when the link
    is not a relative path or would leave the course folder.
    """
    link = link.strip()
    if not link or link.startswith(("#", "/", "\\")) or SCHEME.match(link) or "\0" in link:
        return None
    path = unquote(re.split(r"[?#]", link, maxsplit=1)[0]).replace("\\", "/")
    if not path or path.startswith("/") or "\0" in path:
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(document), path))
    if resolved in (".", "..") or resolved.startswith("../"):
        return None
    return resolved


def check_links(
    text: str,
    document: str,
    display: str,
    existing: Collection[str],
    first_line: int = 1,
) -> list[Problem]:
    """A Problem for each link in `text` that is broken, unsafe or leaves the course."""
    problems: list[Problem] = []
    for index, url in find_links(text):
        line = first_line + index
        url = url.strip()
        if not url or url.startswith("#"):
            continue
        scheme = SCHEME.match(url)
        if scheme:
            name = scheme.group(1).lower()
            if name in SAFE_SCHEMES:
                continue
            # One letter is a Windows drive (C:\...), i.e. a file on someone's computer.
            if name == "file" or len(name) == 1:
                problems.append(Problem.error(display, line, "link-leaves-course", target=url))
            else:
                problems.append(
                    Problem.error(display, line, "link-bad-scheme", target=url, scheme=name)
                )
            continue
        resolved = resolve_course_link(document, url)
        if resolved is None:
            problems.append(Problem.error(display, line, "link-leaves-course", target=url))
        elif resolved not in existing:
            problems.append(
                Problem.error(display, line, "link-broken", target=url, resolved=resolved)
            )
    return problems


def media_url_for(
    document: str, media: Collection[str], to_url: Callable[[str], str]
) -> Callable[[str], str | None]:
    """Build the `media_url` callback render_markdown needs for one document of a course.

    `to_url` turns a course-relative media path into a URL the browser can fetch, e.g.
    ``lambda path: url_for("courses.media", slug=course.slug, path=path)``. Links to files
    that are not course media (another lesson, quiz.md) come back as None and are dropped.
    """

    def media_url(link: str) -> str | None:
        resolved = resolve_course_link(document, link)
        if resolved is None or resolved not in media:
            return None
        return to_url(resolved)

    return media_url
