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

from trainer.content.gift_export import GiftExport, export_gift
from trainer.content.gift_import import GiftImport, Unconverted, import_gift, import_gift_bytes

__all__ = [
    "GiftExport",
    "GiftImport",
    "Unconverted",
    "export_gift",
    "import_gift",
    "import_gift_bytes",
]
