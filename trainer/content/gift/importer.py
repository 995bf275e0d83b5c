"""GIFT file → quiz.md text, with every question or part that could not be converted
reported at its line. Nothing here raises on any input.

Blocks are read as Moodle reads them (question/format/gift/format.php): `//` comment lines,
`$CATEGORY:` lines, an optional `::name::`, an optional [format], the question text and one
`{…}` answer section, text after which makes it a missing-word question. Which of our types
a question becomes is the types' business: each one that GIFT can carry says which answer
sections are its own (`gift_claims`, tried in `gift_order`, Moodle's order of kinds) and
converts them (`from_gift`), reporting at its line every part it cannot carry over.
"""

from __future__ import annotations

import hashlib
import html as html_module
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from trainer.content.gift.question import (
    BLANK,
    GiftQuestion,
    Report,
    formatted,
    preview,
    shorten,
)
from trainer.content.gift.quiz_md import question_markdown, reads_back
from trainer.content.gift.source import Block, comment_markers, split_blocks
from trainer.content.model import Problem
from trainer.content.question_model import Question
from trainer.content.question_types import gift_importable

CATEGORY = "$CATEGORY:"
MAX_ID_LENGTH = 60
# Moodle's own parts of a category path, not topics: `$course$/top/Default for X/Topic`.
NOT_A_TOPIC = re.compile(r"^(?:\$[a-z]+\$|top|Default for .*)$", re.IGNORECASE)
# Stand-ins for a missing word's blank while its text is formatted (Unicode private use).
BLANK_MARKERS = tuple(map(chr, range(0xE000, 0xF900)))
# Characters our `tags:` line reads as separators or a comment.
TAG_SEPARATORS = re.compile(r"[,，、;；#]+")


class Unconverted(NamedTuple):
    """One thing not converted: (line, reason_code, message_zh, message_en)."""

    line: int
    reason_code: str
    message_zh: str
    message_en: str

    @classmethod
    def from_problem(cls, problem: Problem) -> Unconverted:
        return cls(problem.line, problem.code, problem.message("zh"), problem.message("en"))


@dataclass(frozen=True)
class GiftImport:
    quiz_md: str  # our quiz.md syntax: "## id" blocks, ready to append or write as a file
    imported: int
    not_converted: list[Unconverted] = field(default_factory=list)
    # The converted questions; their `line` is where each starts in the GIFT file.
    questions: tuple[Question, ...] = ()

    def summary(self) -> str:
        return f"imported {self.imported} questions; {len(self.not_converted)} not converted"


def import_gift(text: str, taken_ids: Iterable[str] = ()) -> GiftImport:
    """Convert GIFT `text`; ids in `taken_ids` (e.g. the course's) are not given out again."""
    report = Report()
    ids = _Ids(taken_ids)
    tags: tuple[str, ...] = ()
    written: list[str] = []
    questions: list[Question] = []
    for block in split_blocks(text):
        if not block.lines:
            continue  # only comments
        first = block.lines[0][1]
        if first.startswith(CATEGORY):
            tags = category_tags(first[len(CATEGORY) :])
            # A question written right under the category line, without a blank line.
            block = Block(block.lines[1:], block.comments)
            if not block.lines:
                continue
        try:
            question = _convert(block, tags, ids, report)
        except Exception as exc:  # one odd question must never stop the rest of the file
            report.error(block.line, "gift-unexpected", detail=type(exc).__name__)
            continue
        if question is None:
            continue
        markdown = question_markdown(question)
        if not reads_back(markdown, question):
            report.error(block.line, "gift-not-representable")
            continue
        written.append(markdown)
        questions.append(question)
    return GiftImport(
        quiz_md="\n".join(written),
        imported=len(questions),
        not_converted=[Unconverted.from_problem(p) for p in _in_line_order(report.problems)],
        questions=tuple(questions),
    )


def import_gift_bytes(data: bytes, taken_ids: Iterable[str] = ()) -> GiftImport:
    """As import_gift, for a file's bytes: a file that is not UTF-8 is reported, not raised."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        report = Report()
        report.error(line, "gift-not-utf8")
        return GiftImport("", 0, [Unconverted.from_problem(report.problems[0])])
    return import_gift(text, taken_ids)


def _in_line_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: problem.line)


def _convert(block: Block, tags: tuple[str, ...], ids: _Ids, report: Report) -> Question | None:
    gift = read_question(block, tags, report)
    if gift is None:
        return None
    kind = next((kind for kind in gift_importable() if kind.gift_claims(gift.answers)), None)
    if kind is None:  # Moodle's essay ({} with no answers), or a kind no type takes
        report.error(gift.line, "gift-essay", text=shorten(gift.text))
        return None
    if not gift.text:
        report.error(gift.line, "gift-no-text")
        return None
    question = kind.from_gift(gift, report)
    if question is None:
        return None
    return replace(question, id=ids.allocate((gift.name, gift.idnumber), question.text))


def read_question(block: Block, tags: tuple[str, ...], report: Report) -> GiftQuestion | None:
    src = block.src().strip()
    markers = comment_markers(block.comments)
    name = None
    if src.startswith("::"):
        end = src.find("::", 2)
        if end < 0:
            report.error(src.line, "gift-name-unclosed")
            return None
        name = " ".join(src[2:end].text.split())
        src = src[end + 2 :].strip()
    opening, closing = src.find("{"), src.find("}")
    if opening < 0 and closing < 0:
        report.error(block.line, "gift-description", text=preview(src.text, html=False))
        return None
    if opening < 0 or 0 <= closing < opening:
        report.error(src.line_at(closing), "gift-brace-unopened")
        return None
    if closing < 0:
        report.error(src.line_at(opening), "gift-brace-unclosed")
        return None
    nested = src.find("{", opening + 1, closing)
    if nested >= 0:
        report.error(src.line_at(nested), "gift-brace-nested")
        return None
    extra = [i for i in (src.find("{", closing + 1), src.find("}", closing + 1)) if i >= 0]
    if extra:
        report.error(src.line_at(min(extra)), "gift-several-answer-blocks")
        return None
    before, after = src[:opening], src[closing + 1 :]
    answers = src[opening + 1 : closing].strip()
    missing_word = bool(after.text.strip())
    if missing_word:
        text, html = _with_blank(before.text, after.text, block.line, report)
    else:
        text, html = formatted(before.text + after.text, False, block.line, report)
    explanation = ""
    general = answers.rfind("####")
    if general >= 0:
        explanation, _ = formatted(answers[general + 4 :].text, html, block.line, report)
        answers = answers[:general].strip()
    points = int(markers["points"]) if markers["points"] else 1
    return GiftQuestion(
        line=block.line,
        name=name,
        idnumber=markers["id"],
        text=text,
        missing_word=missing_word,
        html=html,
        answers=answers,
        explanation=explanation,
        tags=_unique((*tags, *(_tag(tag) for tag in markers["tags"]))),
        points=max(points, 1),
        difficulty=markers["difficulty"],
    )


def _with_blank(before: str, after: str, line: int, report: Report) -> tuple[str, bool]:
    """(Markdown, whether it was HTML) for a missing-word question: its text with a `____`
    blank where the answers sat.

    The blank must stay a run of its own. Next to an underscore of the text it would make
    one longer run (`{T}__x` → `______x`), which quiz.md reads as a single blank and the
    exporter replaces as a whole with the answers, so the text's own underscores would be
    lost on the way back (`{T}x` → `____x`). So a space keeps it apart. Which characters end
    up beside it is only known after formatting (in [html], `&#95;` or an emptied `<b></b>`
    can put an underscore there), so a marker stands in for the blank until then: a
    character that neither the text nor its decoded entities contain.
    """
    raw = before + after
    decoded = html_module.unescape(raw)
    mark = next((c for c in BLANK_MARKERS if c not in raw and c not in decoded), None)
    if mark is None:  # every marker taken: only a text built to be odd gets here
        return formatted(before + BLANK + after, False, line, report)
    text, html = formatted(before + mark + after, False, line, report)
    head, found, tail = text.partition(mark)
    if not found:  # dropped along with its surroundings, e.g. inside an [html] <script>
        return text, html
    head = head + " " if head.endswith("_") else head
    tail = " " + tail if tail.startswith("_") else tail
    return head + BLANK + tail, html


def category_tags(path: str) -> tuple[str, ...]:
    """`$course$/top/Sales/Greeting` → ("Sales", "Greeting"); `//` is a slash in a name."""
    segments = path.strip().replace("//", "\0").split("/")
    topics = (segment.replace("\0", "/").strip() for segment in segments)
    return _unique(_tag(topic) for topic in topics if not NOT_A_TOPIC.match(topic))


def _tag(text: str) -> str:
    return " ".join(TAG_SEPARATORS.sub(" ", text).split())


def _unique(tags: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(tag for tag in tags if tag))


class _Ids:
    """Stable question ids: the name (else Moodle's [id:…]) as a slug; when neither can be
    spelt in ASCII (e.g. a Chinese name) or the question has none, `q-` and a hash of the
    name (else the text). `-2`, `-3`… keeps them unique in the file and the course."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.used = set(taken)

    def allocate(self, names: tuple[str | None, ...], text: str) -> str:
        given = [name for name in names if name]
        base = next((slug(name) for name in given if slug(name)), "")
        if not base:
            digest = hashlib.sha256((given[0] if given else text).encode("utf-8")).hexdigest()
            base = f"q-{digest[:8]}"
        candidate, number = base, 2
        while candidate in self.used:
            candidate, number = f"{base}-{number}", number + 1
        self.used.add(candidate)
        return candidate


def slug(name: str) -> str:
    """Lower-case ASCII letters, digits and '-'; "" if the name has letters ASCII cannot
    spell (accents are dropped: "Café" → "cafe"; Chinese gives "")."""
    decomposed = unicodedata.normalize("NFKD", name)
    if any(unicodedata.category(c).startswith("L") and not c.isascii() for c in decomposed):
        return ""
    ascii_name = decomposed.encode("ascii", "ignore").decode().lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:MAX_ID_LENGTH].strip("-")
