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
# Those that are secrets (read by env_secret; each may also come from NAME_FILE), and the
# values read, which the log filter masks (imigrasi.lib.log_redaction).
SECRET_VARIABLES: set[str] = set()
SECRET_VALUES: set[str] = set()


def env_str(name: str, default: str = "") -> str:
    READ_VARIABLES.add(name)
    return os.environ.get(name, default)


def env_secret(name: str, default: str = "") -> str:
    """A secret from ``NAME`` or, better, from the file named by ``NAME_FILE`` (a mounted
    Kubernetes/Docker secret, a systemd credential): the value then never sits in the process
    environment, where crash reporters and `ps e` can see it. Trailing newlines are dropped.
    Setting both is refused, as a typo would otherwise silently pick one."""
    READ_VARIABLES.add(name)
    SECRET_VARIABLES.add(name)
    path = os.environ.get(f"{name}_FILE", "")
    if path and name in os.environ:
        raise ImproperlyConfigured(f"set {name} or {name}_FILE, not both")
    if not path:
        value = os.environ.get(name, default)
    else:
        try:
            with open(path, encoding="utf-8") as handle:
                value = handle.read().rstrip("\r\n")
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc.strerror}") from exc
    if value:
        SECRET_VALUES.add(value)
    return value


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
