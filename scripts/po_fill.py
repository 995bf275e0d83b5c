"""Merge translations into a .po catalog: `python scripts/po_fill.py LOCALE FILE.json`.

Keeps the catalog in step with the code: run `make translations-update` first (extract +
update), then fill the new entries from a JSON object {msgid: msgstr}.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

locale, source = sys.argv[1], Path(sys.argv[2])
po_path = Path(f"trainer/translations/{locale}/LC_MESSAGES/messages.po")
with po_path.open("rb") as handle:
    catalog = read_po(handle, locale=locale)
translations = json.loads(source.read_text(encoding="utf-8"))
for message in catalog:
    if message.id and message.id in translations:
        message.string = translations[message.id]
        message.flags.discard("fuzzy")
with po_path.open("wb") as handle:
    write_po(handle, catalog, width=100)
missing = [m.id for m in catalog if m.id and not m.string]
print(f"{po_path}: {len(missing)} untranslated")
for msgid in missing:
    print("  ", msgid)
