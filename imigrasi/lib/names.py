"""Names as a passport prints them (ICAO Doc 9303; domain brief §2.4 "name writing rules").

No digits, no punctuation, no academic or religious titles: "Ai'nun" is written AINUN and
"M. Firman" is written M FIRMAN. We refuse such input and show the person the corrected form
rather than silently changing a legal name.
"""

from __future__ import annotations

import re
import unicodedata

# Titles and honorifics seen in Indonesian forms; compared without dots, case-insensitive.
TITLES = frozenset(
    {
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "hj",
        "sh",
        "skom",
        "se",
        "mm",
        "spd",
        "st",
        "mt",
        "msc",
        "phd",
        "mba",
        "kh",
        "bsc",
        "ba",
        "ma",
        "mr",
        "mrs",
        "ms",
        "miss",
        "tn",
        "ny",
        "nn",
        "sdr",
        "sdri",
        "bapak",
        "ibu",
        "haji",
        "hajjah",
        "ssi",
        "sked",
        "amd",
        "mpd",
        "mkes",
        "msi",
        "sag",
        "shi",
        "spsi",
        "sp",
        "mhum",
    }
)
_LETTERS_AND_SPACES = re.compile(r"^[A-Z]+( [A-Z]+)*$")


class InvalidName(ValueError):
    def __init__(self, code: str, suggestion: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.suggestion = suggestion


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def suggest(raw: str) -> str:
    """The ICAO form of what was typed: accents dropped, punctuation removed, titles removed."""
    words = [
        w
        for w in _strip_accents(raw).upper().split()
        if w.strip(".,").replace(".", "").lower() not in TITLES
    ]
    text = " ".join(words).replace("'", "")
    text = re.sub(r"[^A-Z ]", " ", text)
    return " ".join(text.split())


def icao_name(raw: str) -> str:
    """Validate and return the name in capitals, or raise InvalidName with a suggestion."""
    cleaned = " ".join((raw or "").split())
    if not cleaned:
        raise InvalidName("empty")
    upper = cleaned.upper()
    if any(ch.isdigit() for ch in upper):
        raise InvalidName("digits", suggest(cleaned))
    words = [w.strip(".,").lower() for w in upper.split()]
    if any(w.replace(".", "") in TITLES for w in words):
        raise InvalidName("title", suggest(cleaned))
    if not _LETTERS_AND_SPACES.match(upper):
        raise InvalidName("punctuation", suggest(cleaned))
    if len(upper) > 100:
        raise InvalidName("too_long")
    return upper
