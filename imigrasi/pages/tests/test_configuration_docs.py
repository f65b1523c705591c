"""Every environment variable the settings read is documented in docs/configuration.md."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

DOC = Path(__file__).resolve().parents[3] / "docs" / "configuration.md"


def test_every_variable_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = sorted(name for name in settings.ENVIRONMENT_VARIABLES if f"`{name}`" not in text)
    assert missing == []


def test_the_example_env_file_mentions_every_variable():
    example = (DOC.parents[1] / ".env.example").read_text(encoding="utf-8")
    missing = sorted(name for name in settings.ENVIRONMENT_VARIABLES if name not in example)
    assert missing == []
