"""Fail when a user-facing string has no English translation.

Runs ``makemessages -l en`` (so strings added to code but not yet to the
catalog count as missing), lists every entry whose msgstr is empty or fuzzy,
and puts the catalog back as it was, so a test run leaves the tree clean.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "yanxiu" / "locale" / "en" / "LC_MESSAGES" / "django.po"
ENTRY_LINE = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def untranslated(text: str) -> list[str]:
    """The msgids of entries with an empty or fuzzy translation (the header excluded)."""
    missing = []
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        if any(line.startswith("#~") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        key = ""
        for line in lines:
            match = ENTRY_LINE.match(line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        msgid = fields.get("msgid", "")
        if not msgid:
            continue
        translations = [v for k, v in fields.items() if k.startswith("msgstr")]
        if fuzzy or not translations or not all(translations):
            missing.append(msgid)
    return missing


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        backup = Path(tmp) / "django.po"
        shutil.copy2(CATALOG, backup)
        try:
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "en",
                 "--ignore=.venv", "-v", "0"],
                cwd=ROOT / "yanxiu",
                check=True,
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "yanxiu.settings.test"},
            )  # fmt: skip
            missing = untranslated(CATALOG.read_text(encoding="utf-8"))
        finally:
            shutil.copy2(backup, CATALOG)
    if missing:
        print(f"{len(missing)} strings lack an English translation in {CATALOG}:")
        for msgid in missing:
            print(f"  {msgid}")
        print("Run makemessages -l en (see README) and fill their msgstr.")
        return 1
    print("English catalog complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
