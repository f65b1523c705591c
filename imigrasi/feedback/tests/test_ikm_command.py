"""The exact contract of `manage.py ikm --input responses.csv` (our own checks call it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

HEADER = "u1,u2,u3,u4,u5,u6,u7,u8,u9\n"
FOUR = "4,4,3,4,3,4,4,3,4\n3,3,3,4,3,3,4,2,3\n4,3,2,4,4,4,4,3,3\n3,3,3,4,3,3,3,3,3\n"


def run(path: Path) -> subprocess.CompletedProcess[str]:
    """As a person or a check script runs it: a process, its stdout, stderr and exit code."""
    return subprocess.run(
        [sys.executable, "manage.py", "ikm", "--input", str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(tmp_path: Path, text: str, name: str = "responses.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_prints_one_json_line_with_the_contracts_keys(tmp_path: Path) -> None:
    done = run(write(tmp_path, HEADER + FOUR))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    figures = json.loads(lines[0])
    assert list(figures) == ["respondents", "element_nrr", "index", "ikm", "grade"]
    assert figures["respondents"] == 4
    assert figures["element_nrr"] == [3.5, 3.25, 2.75, 4.0, 3.25, 3.5, 3.75, 2.75, 3.25]
    assert figures["index"] == pytest.approx(10 / 3)
    assert figures["ikm"] == 83.33
    assert figures["grade"] == "B"


def test_it_ignores_other_columns_column_order_a_bom_and_semicolons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "\ufeffrespondent;u9;u8;u7;u6;u5;u4;u3;u2;u1\nA;1;1;1;1;1;1;1;1;1\nB;4;4;4;4;4;4;4;4;4\n"
    call_command("ikm", "--input", str(write(tmp_path, text)))
    figures = json.loads(capsys.readouterr().out)
    assert figures["respondents"] == 2
    assert figures["ikm"] == 62.5
    assert figures["grade"] == "D"


def test_a_score_outside_1_to_4_exits_2_naming_the_row(tmp_path: Path) -> None:
    done = run(write(tmp_path, HEADER + "3,3,3,3,3,3,3,3,3\n3,3,3,3,7,3,3,3,3\n"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "row 2 (line 3): u5 is '7'" in done.stderr
    assert "whole number from 1 to 4" in done.stderr


def refused(path: Path) -> CommandError:
    """The same command in this process (a process start costs 5 s; the exit code and the
    streams of a real process are checked above): the error it exits 2 with."""
    with pytest.raises(CommandError) as raised:
        call_command("ikm", "--input", str(path))
    assert raised.value.returncode == 2
    return raised.value


def test_a_missing_score_exits_2_naming_the_row(tmp_path: Path) -> None:
    error = refused(write(tmp_path, HEADER + "3,3,3,3,3,3,3,3\n"))
    assert "row 1 (line 2): u9 is ''" in str(error)


def test_a_missing_column_exits_2_naming_it(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "u1,u2,u3,u4,u5,u6,u8,u9\n3,3,3,3,3,3,3,3\n"))
    assert "missing column(s): u7" in str(error)


@pytest.mark.parametrize("text", ["", "\n\n", HEADER])
def test_an_empty_file_exits_2(tmp_path: Path, text: str) -> None:
    error = str(refused(write(tmp_path, text)))
    assert "empty" in error or "no respondents" in error


def test_a_file_that_does_not_exist_exits_2(tmp_path: Path) -> None:
    refused(tmp_path / "nowhere.csv")
