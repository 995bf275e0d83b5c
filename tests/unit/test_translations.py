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


def test_every_ui_string_is_translated_to_chinese():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    in_code = _code_messages()
    assert len(in_code) > 50  # the extractor really read the code
    missing = sorted(in_code - translated)
    assert missing == [], "run `make translations-update` and translate these"


def test_placeholders_are_kept_in_translations():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and message.string:
            assert set(re.findall(r"%\(\w+\)[ds]", message.id)) == set(
                re.findall(r"%\(\w+\)[ds]", message.string)
            ), message.id
