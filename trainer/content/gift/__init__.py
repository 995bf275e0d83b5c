"""GIFT (Moodle's question format) import and export: the functions the CLI calls.

    result = import_gift(text, taken_ids=existing_ids)
    result.quiz_md        # our quiz.md syntax, ready to append to a course's quiz.md
    result.imported       # number of questions converted
    result.not_converted  # [(line, reason_code, message_zh, message_en), …] in line order
    result.summary()      # "imported N questions; M not converted"

    exported = export_gift(course.questions)
    exported.text, exported.not_exported, exported.summary()

M counts every entry of `not_converted`: whole questions skipped (an essay, a description,
a broken question) and parts of imported questions that were left out (a partial-credit
answer, feedback our type has no place for, an image). Each entry says which.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.content.gift.exporter import GiftExport, export_gift
    from trainer.content.gift.importer import (
        GiftImport,
        Unconverted,
        import_gift,
        import_gift_bytes,
    )

# Each question type writes and reads its own GIFT answers with the helpers of this package
# (syntax, source, question), and the importer and exporter look the types up: so this
# package's front door is loaded on first use, or importing a question type would import
# the importer, which imports the question types again.
_PUBLIC = {
    "GiftExport": "exporter",
    "export_gift": "exporter",
    "GiftImport": "importer",
    "Unconverted": "importer",
    "import_gift": "importer",
    "import_gift_bytes": "importer",
}


def __getattr__(name: str) -> object:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_PUBLIC[name]}"), name)


__all__ = [
    "GiftExport",
    "GiftImport",
    "Unconverted",
    "export_gift",
    "import_gift",
    "import_gift_bytes",
]
