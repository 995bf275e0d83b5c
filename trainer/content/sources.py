"""Reading course files safely: size limit, UTF-8, YAML front matter with line numbers.

Every function here reports trouble as Problems instead of raising, so one trainer's broken
file can never stop the rest of the catalogue from loading.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from trainer.content.model import Problem

# A lesson is prose; anything bigger is almost certainly a pasted file or an attack, and
# Markdown rendering time grows with size, so such a file is refused, not rendered.
MAX_MARKDOWN_BYTES = 1024 * 1024
# Front matter holds a dozen settings; a huge block only costs parse time.
MAX_FRONT_MATTER_CHARS = 20_000

# PyYAML built with libyaml has a C loader, several times faster than the pure-Python one.
C_SAFE_LOADER = getattr(yaml, "CSafeLoader", None)
# libyaml's composer recurses in C once per level of nesting, so a deep enough nesting
# (`[[[[…`) overflows the stack and kills the process instead of raising. Every collection
# opens with one of these characters, so their count bounds the depth; front matter with
# more of them than this (real settings have a few dozen) is read by the pure-Python loader,
# whose recursion limit raises an exception instead.
NESTING_CHARS = "[{-?:"
MAX_C_NESTING = 256
# Where libyaml reads text differently from the pure-Python loader: it accepts a tab before
# a colon or a byte-order mark inside the text, which the Python loader reports, and gives
# "" for a bare `!` tag where the Python loader gives None. Text with a tab, CR, BOM, Unicode
# line break or a tag is read by the pure-Python loader, as it always was.
C_LOADER_DIFFERS = re.compile(r"[\t\r\ufeff\x85\u2028\u2029]|(?:^|[\s\[{,:])!")

KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*[:：]\s*(.*?)\s*$")
TRAILING_COMMENT = re.compile(r"\s+#.*$")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def read_markdown(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """Return the text of a Markdown file with newlines normalised, or None and why not."""
    try:
        size = path.stat().st_size
        if size > MAX_MARKDOWN_BYTES:
            return None, [_too_large(display, size)]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem.error(display, 0, "file-unreadable", detail=exc.strerror or "")]
    return decode_markdown(data, display)


def decode_markdown(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """The text of a Markdown file's bytes (from a folder or a draft), or None and why not."""
    if len(data) > MAX_MARKDOWN_BYTES:
        return None, [_too_large(display, len(data))]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [Problem.error(display, line, "not-utf8")]
    # Editors on Windows add a byte-order mark and CRLF line ends; neither is a mistake.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def _too_large(display: str, size: int) -> Problem:
    return Problem.error(
        display,
        0,
        "file-too-large",
        size_kb=size // 1024,
        limit_kb=MAX_MARKDOWN_BYTES // 1024,
    )


@dataclass(frozen=True)
class FrontMatter:
    data: dict
    # Line in the file of each key, by key path: ("quiz", "pass_mark") -> 12. Sequence
    # items are keyed by their index: ("prerequisites", 0) -> 8.
    lines: dict[tuple, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # file line of the body's first line

    def line_of(self, *path: str | int) -> int:
        """Line of the deepest known key along `path`; the opening --- if none is known."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


def split_front_matter(text: str, display: str) -> tuple[FrontMatter | None, list[Problem]]:
    """Split `---` YAML front matter from the Markdown body that follows it."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, [Problem.error(display, 1, "front-matter-missing")]
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if closing is None:
        return None, [Problem.error(display, 1, "front-matter-unclosed")]
    yaml_text = "\n".join(lines[1:closing])
    if len(yaml_text) > MAX_FRONT_MATTER_CHARS:
        return None, [Problem.error(display, 1, "front-matter-too-long")]
    try:
        data, key_lines, problems = _read_yaml(yaml_text, display)
    except yaml.YAMLError as exc:
        mark = _bad_line_mark(exc)
        line = mark.line + 2 if mark is not None else 1
        detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem.error(display, line, "front-matter-yaml", detail=detail)]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [Problem.error(display, 2, "front-matter-not-mapping")]
    body = "\n".join(lines[closing + 1 :])
    return FrontMatter(data, key_lines, body, closing + 2), problems


def _bad_line_mark(exc: yaml.YAMLError):
    """Where the trainer made the mistake. For an unclosed quote or bracket, or a key
    without its colon, PyYAML's problem mark is where it gave up (often the end of the
    block); the context mark is the line that opened the quote, bracket or key."""
    context = getattr(exc, "context", None) or ""
    if context.startswith(("while scanning", "while parsing a flow")):
        mark = getattr(exc, "context_mark", None)
        if mark is not None:
            return mark
    return getattr(exc, "problem_mark", None)


def _read_yaml(text: str, display: str) -> tuple[object, dict[tuple, int], list[Problem]]:
    """(data as yaml.safe_load gives it, line of each key path, duplicate keys), from one
    parse: the data is constructed from the very nodes whose marks give the lines.

    The C loader is used when PyYAML has one, unless the text holds a character the two
    loaders read differently (C_LOADER_DIFFERS) or may be nested deeply enough to matter
    (MAX_C_NESTING). On a YAML error the text is read again by the pure-Python loader, so a
    broken file is reported in the same words and at the same line as always: libyaml words
    its errors differently, and refuses text it cannot encode (a lone surrogate) where the
    Python reader reports the character.
    """
    if C_SAFE_LOADER is not None and _c_loader_reads_alike(text):
        try:
            return _load(C_SAFE_LOADER, text, display)
        except (yaml.YAMLError, UnicodeEncodeError):
            pass
    return _load(yaml.SafeLoader, text, display)


def _c_loader_reads_alike(text: str) -> bool:
    if C_LOADER_DIFFERS.search(text):
        return False
    return sum(map(text.count, NESTING_CHARS)) <= MAX_C_NESTING


def _load(loader_class: type, text: str, display: str) -> tuple[object, dict, list[Problem]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        key_lines: dict[tuple, int] = {}
        problems: list[Problem] = []
        # Before constructing the data, which resolves a `<<` merge key by rewriting the
        # nodes in place.
        _map_lines(node, (), key_lines, problems, display, set())
        return loader.construct_document(node), key_lines, problems
    finally:
        loader.dispose()


def _map_lines(
    node: yaml.Node,
    prefix: tuple,
    key_lines: dict[tuple, int],
    problems: list[Problem],
    display: str,
    visited: set[int],
) -> None:
    # YAML anchors can make a node its own child; visit each node once.
    if id(node) in visited:
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 2
            if key in seen:
                problems.append(
                    Problem.error(
                        display,
                        line,
                        "yaml-duplicate-key",
                        field=".".join(map(str, (*prefix, key))),
                    )
                )
            seen.add(key)
            key_lines[(*prefix, key)] = line
            _map_lines(value_node, (*prefix, key), key_lines, problems, display, visited)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key_lines[(*prefix, index)] = item.start_mark.line + 2
            _map_lines(item, (*prefix, index), key_lines, problems, display, visited)


def lines_outside_code(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Yield (index, line) for lines not inside a fenced code block.

    A `## heading` or `- [x]` written inside a code sample is text, not structure.
    """
    fence: str | None = None
    for index, line in enumerate(lines):
        match = FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                continue
            yield index, line
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            fence = None


def parse_key_value(line: str) -> tuple[str, str] | None:
    """`key: value` (a full-width colon is accepted too), trailing `# comment` removed."""
    match = KEY_VALUE.match(line)
    if not match:
        return None
    value = TRAILING_COMMENT.sub("", match.group(2)).strip()
    return match.group(1).lower(), value


def describe(value: object, limit: int = 60) -> str:
    """A short printable form of a YAML value for a message, whatever its size."""
    if isinstance(value, dict | list | tuple | set):
        return type(value).__name__
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
