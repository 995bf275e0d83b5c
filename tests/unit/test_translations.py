"""Every UI string in the code has a Chinese translation, and placeholders survive it."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "trainer/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
METHODS = [("trainer/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _code_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _singular(message_id) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _all(string) -> bool:
    """A translation is there (for a plural message: every form of it)."""
    return bool(string) if isinstance(string, str) else all(string)


def _placeholders(text) -> set[str]:
    texts = [text] if isinstance(text, str) else list(text)
    return {found for one in texts for found in re.findall(r"%\(\w+\)[ds]", one)}


def test_every_ui_string_is_translated_to_chinese():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        _singular(m.id) for m in catalog if m.id and _all(m.string) and "fuzzy" not in m.flags
    }
    in_code = _code_messages()
    assert len(in_code) > 50  # the extractor really read the code
    missing = sorted(in_code - translated)
    assert missing == [], "run `make translations-update` and translate these"


def test_placeholders_are_kept_in_translations():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and _all(message.string):
            assert _placeholders(message.id) == _placeholders(message.string), message.id
