"""Model fields that keep personal data encrypted in the database.

``EncryptedTextField`` stores AES-GCM tokens (see imigrasi.lib.crypto) and refuses lookups other
than ``isnull``: ciphertexts are randomised, so an equality filter would silently match nothing.
Exact lookups go through a ``BlindIndexField`` computed from the plaintext on every save.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import IsNull

from imigrasi.lib import crypto


def encryption_context(model: type[models.Model], field_name: str) -> str:
    return f"{model._meta.label}.{field_name}"


class EncryptedTextField(models.TextField):
    description = "Text encrypted with AES-GCM under the field-encryption key ring"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, encryption_context(self.model, self.name))

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if crypto.is_token(value):
            # Already a token (e.g. copied by a data migration): never encrypt twice.
            return str(value)
        return crypto.encrypt(str(value), encryption_context(self.model, self.name))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted; filter on its blind index instead of {lookup_name!r}"
            )
        return IsNull


class EncryptedJSONField(EncryptedTextField):
    """A JSON document encrypted as a whole (wizard answers hold NIKs, addresses, names)."""

    description = "JSON encrypted with AES-GCM under the field-encryption key ring"
    # For django-stubs: the attribute holds decoded JSON, not text.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        if text is None or text == "":
            return {}
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value) if value else {}
            except ValueError:
                return value
        return value if value is not None else {}

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str) and crypto.is_token(value):
            return value
        text = json.dumps(value, sort_keys=True, default=str)
        return crypto.encrypt(text, encryption_context(self.model, self.name))

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), default=str)


class BlindIndexField(models.CharField):
    """HMAC of another field's normalised plaintext, recomputed whenever the model is saved."""

    def __init__(
        self,
        *args: Any,
        source: str = "",
        purpose: str = "",
        normalizer: Callable[[str], str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.source = source
        self.purpose = purpose or source
        self.normalizer = normalizer
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        for default_key, default in (
            ("max_length", 64),
            ("editable", False),
            ("null", True),
            ("blank", True),
            ("db_index", True),
        ):
            if kwargs.get(default_key) == default:
                kwargs.pop(default_key, None)
        return name, path, args, kwargs

    def digest(self, plaintext: str | None) -> str | None:
        if plaintext is None or plaintext == "":
            return None
        normalised = self.normalizer(plaintext) if self.normalizer else plaintext
        return crypto.blind_index(normalised, self.purpose)

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = self.digest(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
