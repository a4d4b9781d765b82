"""Fill English msgstrs in locale/en/LC_MESSAGES/django.po from a JSON dict {German: English}.

Usage: .venv/bin/python scripts/translate_en.py translations.json
Plural entries take a two-item list [singular, plural]. Prints the msgids still untranslated.
Needs `polib` (pip install polib; a tool for translators, not a dependency of the app).
"""

import json
import sys
from pathlib import Path

import polib

PO_FILE = Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.po"


def main(json_path: str) -> None:
    translations = json.loads(Path(json_path).read_text(encoding="utf-8"))
    po = polib.pofile(str(PO_FILE))
    for entry in po:
        english = translations.get(entry.msgid)
        if english is None:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: english[0], 1: english[1]}
        else:
            entry.msgstr = english
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    for entry in po.untranslated_entries() + po.fuzzy_entries():
        sys.stdout.write(f"untranslated: {entry.msgid!r}\n")


if __name__ == "__main__":
    main(sys.argv[1])
