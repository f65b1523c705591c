"""Typed environment-variable readers.

Every variable the platform reads goes through these helpers so that a typo in a boolean
("ture") fails loudly at start-up instead of silently meaning False, and so that
docs/configuration.md can be checked against the code (see the settings test).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# Names read through these helpers, so a test can compare them with the documented list.
READ_VARIABLES: set[str] = set()


def env_str(name: str, default: str = "") -> str:
    READ_VARIABLES.add(name)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    READ_VARIABLES.add(name)
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def _env_number[N: (int, float)](name: str, default: N, parse: type[N], kind: str) -> N:
    READ_VARIABLES.add(name)
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {kind}, got {raw!r}") from exc


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "an integer")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Comma-separated list; blank items are dropped."""
    READ_VARIABLES.add(name)
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]
