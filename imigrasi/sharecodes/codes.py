"""Share codes: 9 characters of Crockford's base32, shown in three groups ("W7K-4PQ-9ZD").

Crockford's alphabet leaves out I, L, O and U, so a code read out on the phone or copied from
a screen has no look-alikes; typed input is forgiving the same way (o → 0, i and l → 1, spaces
and hyphens ignored). 9 characters hold 45 random bits (about 35 trillion codes): guessing one that
exists, at the rate limits in docs/security.md, takes longer than any code lives.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 9
GROUP = 3
# Crockford's decoding: the letters people write for the digits they resemble.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_IGNORED = str.maketrans("", "", " -\t\u00a0")
# Longest input accepted before normalising (a code pasted with spaces around its groups).
MAX_INPUT_CHARS = 20


def new_code() -> str:
    """A fresh code from the operating system's CSPRNG, without separators."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str | None:
    """The canonical 9 characters, or None when the text cannot be a share code."""
    if len(text) > MAX_INPUT_CHARS:
        return None
    code = text.translate(_IGNORED).upper().translate(_LOOK_ALIKES)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display(code: str) -> str:
    """ "W7K4PQ9ZD" → "W7K-4PQ-9ZD": groups of three are easier to read out and compare."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
