"""Deployment checks (manage.py check --deploy): production must bring its own keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from imigrasi.lib import crypto


@register(Tags.security, deploy=True)
def check_encryption_keys(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    try:
        crypto.KeyRing.parse(settings.FIELD_ENCRYPTION_KEYS)
    except ImproperlyConfigured as exc:
        errors.append(Error(f"FIELD_ENCRYPTION_KEYS: {exc}", id="imigrasi.E001"))
    try:
        crypto.blind_index("check", "deploy")
    except ImproperlyConfigured as exc:
        errors.append(Error(f"BLIND_INDEX_KEY: {exc}", id="imigrasi.E002"))
    if not settings.PRODUCTION:
        errors.append(
            Error("PRODUCTION is not true: transport security is off.", id="imigrasi.E003")
        )
    return errors
