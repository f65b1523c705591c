from __future__ import annotations

from collections.abc import Iterator

from imigrasi.assistant.loader import load_faq


def load() -> Iterator[str]:
    created, _updated = load_faq()
    yield f"Assistant: {created} curated answers loaded (ask at /asisten/)"
