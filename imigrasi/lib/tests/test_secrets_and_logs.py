"""Secrets come from the environment or from files, and neither they nor identifiers are logged."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from imigrasi.lib.env import env_secret
from imigrasi.lib.log_redaction import RedactingFilter


def test_a_secret_is_read_from_the_file_its_file_variable_names(tmp_path, monkeypatch):
    secret_file = tmp_path / "smtp-password"
    secret_file.write_text("rahasia-yang-panjang-sekali\n")
    monkeypatch.delenv("TEST_SECRET", raising=False)
    monkeypatch.setenv("TEST_SECRET_FILE", str(secret_file))
    assert env_secret("TEST_SECRET") == "rahasia-yang-panjang-sekali"


def test_a_secret_set_twice_or_an_unreadable_file_stops_the_start(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_SECRET", "a")
    monkeypatch.setenv("TEST_SECRET_FILE", str(tmp_path / "x"))
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_secret("TEST_SECRET")
    monkeypatch.delenv("TEST_SECRET")
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        env_secret("TEST_SECRET")


def test_the_signing_key_and_encryption_keys_are_secrets(settings):
    assert {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"} <= (
        settings.SECRET_ENVIRONMENT_VARIABLES
    )


def test_logs_never_show_a_secret_a_nik_or_an_email(settings, caplog):
    key_ring = settings.FIELD_ENCRYPTION_KEYS
    key = key_ring.split(",")[0].split(":")[1]
    logger = logging.getLogger("imigrasi.test.redaction")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="imigrasi.test.redaction"):
        logger.info("key %s for 3174055204910003 sent to siti@example.id", key)
        try:
            raise ValueError(f"bad secret {settings.SECRET_KEY}")
        except ValueError:
            logger.exception("failed")
    text = caplog.text
    assert key not in text and settings.SECRET_KEY not in text
    assert "3174055204910003" not in text and "siti@example.id" not in text
    assert text.count("[redacted]") >= 4
    assert "ValueError" in text  # the traceback itself is kept


def test_any_secret_read_through_env_secret_is_masked(monkeypatch, caplog):
    """Not only settings attributes: secrets nested in STORAGES or MAILERS are masked too."""
    monkeypatch.setenv("TEST_S3_SECRET", "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY")
    monkeypatch.delenv("TEST_S3_SECRET_FILE", raising=False)
    secret = env_secret("TEST_S3_SECRET")
    logger = logging.getLogger("imigrasi.test.redaction.nested")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="imigrasi.test.redaction.nested"):
        logger.info("upload failed with key %s", secret)
    assert secret not in caplog.text and "[redacted]" in caplog.text
