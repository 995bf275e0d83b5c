"""Reading a GIFT file: line ends, comments, question blocks, and escapes with line numbers.

GIFT (Moodle's "General Import Format Template") separates questions with blank lines and
lets a backslash escape the characters that carry structure. As in Moodle's importer
(question/format/gift/format.php), an escaped character is plain text wherever it appears,
so every structural search here skips escaped characters; and each character remembers the
file line it came from, so a problem in the middle of a question is reported at its own line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# \x for these characters is the character itself as plain text; \n is a line break.
ESCAPABLE = frozenset("~=#{}:\\")
TAG_COMMENT = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")
ID_COMMENT = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
# Our own markers, written by the exporter; Moodle ignores comments.
POINTS_COMMENT = re.compile(r"\[points:(\d{1,4})\]")
DIFFICULTY_COMMENT = re.compile(r"\[difficulty:(easy|medium|hard)\]")


class Src:
    """A piece of GIFT text with escapes resolved.

    `text[i]` came from an escape when `escaped[i]` is true, and from file line `lines[i]`.
    Searches (`find`, `rfind`, `split_before`, `startswith`) see unescaped characters only.
    """

    __slots__ = ("text", "escaped", "lines")

    def __init__(self, text: str, escaped: tuple[bool, ...], lines: tuple[int, ...]) -> None:
        self.text = text
        self.escaped = escaped
        self.lines = lines

    @classmethod
    def from_lines(cls, numbered: list[tuple[int, str]]) -> Src:
        chars: list[str] = []
        escaped: list[bool] = []
        lines: list[int] = []
        for position, (number, line) in enumerate(numbered):
            if position:
                chars.append("\n")
                escaped.append(False)
                lines.append(number)
            index = 0
            while index < len(line):
                char = line[index]
                following = line[index + 1] if index + 1 < len(line) else ""
                if char == "\\" and following and (following in ESCAPABLE or following == "n"):
                    chars.append("\n" if following == "n" else following)
                    escaped.append(True)
                    index += 2
                else:
                    chars.append(char)
                    escaped.append(False)
                    index += 1
                lines.append(number)
        return cls("".join(chars), tuple(escaped), tuple(lines))

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, part: slice) -> Src:
        return Src(self.text[part], self.escaped[part], self.lines[part])

    def line_at(self, index: int, default: int = 0) -> int:
        if not self.lines:
            return default
        return self.lines[min(max(index, 0), len(self.lines) - 1)]

    @property
    def line(self) -> int:
        return self.line_at(0)

    def _unescaped(self, index: int, length: int) -> bool:
        return not any(self.escaped[index : index + length])

    def find(self, needle: str, start: int = 0, end: int | None = None) -> int:
        end = len(self.text) if end is None else end
        index = self.text.find(needle, start, end)
        while index >= 0 and not self._unescaped(index, len(needle)):
            index = self.text.find(needle, index + 1, end)
        return index

    def rfind(self, needle: str) -> int:
        index = self.text.rfind(needle)
        while index >= 0 and not self._unescaped(index, len(needle)):
            index = self.text.rfind(needle, 0, index + len(needle) - 1)
        return index

    def startswith(self, prefix: str) -> bool:
        return self.text.startswith(prefix) and self._unescaped(0, len(prefix))

    def strip(self) -> Src:
        start, end = 0, len(self.text)
        while start < end and self.text[start].isspace() and not self.escaped[start]:
            start += 1
        while end > start and self.text[end - 1].isspace() and not self.escaped[end - 1]:
            end -= 1
        return self[start:end]

    def split_before(self, markers: str) -> tuple[Src, list[Src]]:
        """(text before the first marker, [each marker with what follows it up to the next])."""
        cuts = [i for i, char in enumerate(self.text) if char in markers and not self.escaped[i]]
        if not cuts:
            return self, []
        ends = [*cuts[1:], len(self.text)]
        return self[: cuts[0]], [self[start:end] for start, end in zip(cuts, ends, strict=True)]


@dataclass
class Block:
    """One question (or `$CATEGORY`) as written: the lines between blank lines."""

    lines: list[tuple[int, str]] = field(default_factory=list)  # (file line, trimmed text)
    comments: list[str] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.lines[0][0] if self.lines else 0

    def src(self) -> Src:
        return Src.from_lines(self.lines)

    def braces(self) -> list[str]:
        src = self.src()
        return [char for i, char in enumerate(src.text) if char in "{}" and not src.escaped[i]]

    def merge(self, other: Block) -> None:
        self.lines.extend(other.lines)
        self.comments.extend(other.comments)


def normalise_newlines(text: str) -> str:
    # Notepad writes a byte-order mark and CRLF; old Mac files use CR alone.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_blocks(text: str) -> list[Block]:
    """Blocks between blank lines, with two repairs of common blank-line slips.

    Moodle rejects both; we join the pieces, since nothing else could have been meant:
    a blank line inside the braces (`Q {` … blank … `=a }`), and question text separated
    by a blank line from a block that starts with its answers (`Q` … blank … `{=a}`).
    """
    blocks: list[Block] = []
    current = Block()
    for number, raw in enumerate(normalise_newlines(text).split("\n"), start=1):
        line = raw.strip()
        if not line:
            if current.lines or current.comments:
                blocks.append(current)
                current = Block()
        elif line.startswith("//"):
            current.comments.append(line[2:])
        else:
            current.lines.append((number, line))
    if current.lines or current.comments:
        blocks.append(current)
    return _repair(blocks)


def _repair(blocks: list[Block]) -> list[Block]:
    repaired: list[Block] = []
    for block in blocks:
        previous = repaired[-1] if repaired else None
        if previous is not None and block.lines and _continues(previous, block):
            previous.merge(block)
        else:
            repaired.append(block)
    return repaired


def _continues(previous: Block, block: Block) -> bool:
    if not previous.lines:
        return False
    braces, following = previous.braces(), block.braces()
    unclosed = bool(braces) and braces[-1] == "{"
    if unclosed and following and following[0] == "}":
        return True
    is_text_only = not braces and not previous.src().strip().startswith("$CATEGORY:")
    return is_text_only and block.src().strip().startswith("{")


def comment_markers(comments: list[str]) -> dict:
    """Moodle's `[id:…]` and `[tag:…]` comment markers, and our `[points:…]`, `[difficulty:…]`."""
    joined = "\n".join(comments)
    found: dict = {"tags": [m.replace("\\]", "]").strip() for m in TAG_COMMENT.findall(joined)]}
    for key, pattern in (
        ("id", ID_COMMENT),
        ("points", POINTS_COMMENT),
        ("difficulty", DIFFICULTY_COMMENT),
    ):
        match = pattern.search(joined)
        found[key] = match.group(1).replace("\\]", "]").strip() if match else None
    return found
