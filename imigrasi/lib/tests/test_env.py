from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from imigrasi.lib.env import env_bool, env_float, env_int, env_list


def test_booleans_are_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "true")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG")


def test_integers_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_INT", "12")
    assert env_int("X_INT", 3) == 12
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_INT", 3)
    monkeypatch.setenv("X_NUM", "0.25")
    assert env_float("X_NUM", 1.5) == 0.25
    assert env_float("X_NUM_MISSING", 1.5) == 1.5
    monkeypatch.setenv("X_NUM", "seperempat")
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be a number"):
        env_float("X_NUM", 1.5)
    monkeypatch.setenv("X_LIST", "a, b,,c ")
    assert env_list("X_LIST") == ["a", "b", "c"]
    assert env_list("X_MISSING", ["d"]) == ["d"]
