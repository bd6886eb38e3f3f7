"""Every string of the pages has an Arabic translation, and the compiled catalog is current."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def entries() -> list[dict]:
    """(msgid, msgid_plural, msgstrs) of every entry but the header."""
    out = []
    for block in PO.read_text("utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            out.append(fields)
    return out


def test_every_entry_is_translated_and_not_fuzzy():
    text = PO.read_text("utf-8")
    assert "#, fuzzy" not in text and ", fuzzy" not in text
    found = entries()
    assert len(found) > 100
    for entry in found:
        strings = [v for k, v in entry.items() if k.startswith("msgstr")]
        assert strings and all(strings), entry["msgid"]
        if "msgid_plural" in entry:
            assert len(strings) == 6, entry["msgid"]  # Arabic has six plural forms


def test_the_compiled_catalog_matches_the_po_file():
    """locale/ar/LC_MESSAGES/django.mo is committed; recompile it after editing the .po."""
    with translation.override("ar"):
        for entry in entries():
            if "msgid_plural" in entry:
                assert (
                    translation.ngettext(entry["msgid"], entry["msgid_plural"], 1)
                    == entry["msgstr[1]"]
                ), entry["msgid"]
            else:
                assert translation.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
