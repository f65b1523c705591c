"""Production mode passes `manage.py check --deploy` with no warnings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_production_mode_is_clean(tmp_path):
    result = run_check(
        {
            "PRODUCTION": "true",
            "SECRET_KEY": "x" * 20 + "k2Jd9#Lq0v!sP3mZt8WbYc7HnR4eGuAo6fXiD1",
            "FIELD_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
            "BLIND_INDEX_KEY": "B" * 43 + "=",
            "ALLOWED_HOSTS": "imigrasi.example",
            "VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_production_mode_without_keys_fails(tmp_path):
    result = run_check({"PRODUCTION": "true", "SECRET_KEY": "x" * 60, "VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stdout + result.stderr
