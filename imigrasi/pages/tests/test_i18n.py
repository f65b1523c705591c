"""Indonesian is complete: no untranslated or fuzzy strings, and the catalogue is current."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "imigrasi" / "locale" / "id" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django"])
def test_every_string_is_translated_and_none_is_fuzzy(domain):
    catalogue = polib.pofile(str(LOCALE / f"{domain}.po"))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == [], f"untranslated: {untranslated[:10]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:10]}"


def test_the_compiled_catalogue_matches_the_po_file():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled._catalog.get(key) == entry.msgstr, entry.msgid  # type: ignore[attr-defined]


@pytest.mark.slow
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    """Re-extract every string from a copy of the code; anything new means `make messages`
    was not run. (A copy: makemessages writes into the locale folder next to the code.)"""
    source = tmp_path / "src"
    shutil.copytree(
        ROOT / "imigrasi",
        source / "imigrasi",
        ignore=shutil.ignore_patterns("__pycache__", "govuk", "icons", "*.mo"),
    )
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(source),
        "DJANGO_SETTINGS_MODULE": "imigrasi.settings",
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "id",
            "--no-obsolete",
            "--no-location",
            "-v",
            "0",
        ],
        cwd=source,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    fresh = polib.pofile(str(source / "imigrasi" / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh.untranslated_entries()] + [
        e.msgid for e in fresh.fuzzy_entries()
    ]
    assert missing == [], f"run `make messages` and translate: {missing[:10]}"
