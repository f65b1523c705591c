"""Re-encrypting personal data under the newest key of the ring.

Operators put a new key first in FIELD_ENCRYPTION_KEYS (keeping the old ones after it), restart,
then run ``manage.py rotate_keys``; once it reports zero rows left on old keys, the old keys
can be removed. Rows are rewritten in small transactions so the command can be interrupted and
re-run safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db import connection, models, transaction

from imigrasi.lib import crypto
from imigrasi.lib.encrypted_fields import (
    BlindIndexField,
    EncryptedTextField,
    encryption_context,
)

# allauth stores these Authenticator.data keys through our MFA adapter's encrypt().
_AUTHENTICATOR_SECRET_KEYS = ("secret", "seed")
_AUTHENTICATOR_CONTEXT = "allauth.mfa.Authenticator.secret"


@dataclass
class RotationReport:
    rewritten: dict[str, int] = field(default_factory=dict)
    reindexed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rewritten.values())


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def _raw_rows(model: type[models.Model], column: str | None) -> list[tuple[object, str]]:
    primary_key = model._meta.pk
    assert column is not None and primary_key is not None and primary_key.column is not None
    quote = connection.ops.quote_name
    table, pk, col = (
        quote(model._meta.db_table),
        quote(primary_key.column),
        quote(column),
    )
    # Identifiers come from model metadata and are quoted; there is no user input here.
    sql = f"SELECT {pk}, {col} FROM {table} WHERE {col} IS NOT NULL AND {col} <> ''"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def rotate_model(model: type[models.Model], report: RotationReport) -> None:
    ring = crypto.key_ring()
    for enc_field in encrypted_fields(model):
        context = encryption_context(model, enc_field.name)
        count = 0
        for pk, token in _raw_rows(model, enc_field.column):
            if not ring.needs_rotation(token):
                continue
            plaintext = ring.decrypt(token, context)
            with transaction.atomic():
                # update() runs get_prep_value: encryption under the primary key.
                model._default_manager.filter(pk=pk).update(**{enc_field.name: plaintext})
            count += 1
        if count:
            report.rewritten[f"{model._meta.label}.{enc_field.name}"] = count


def rotate_authenticators(report: RotationReport) -> None:
    ring = crypto.key_ring()
    count = 0
    for authenticator in Authenticator.objects.all().iterator():
        data = dict(authenticator.data)
        changed = False
        for key in _AUTHENTICATOR_SECRET_KEYS:
            token = data.get(key)
            if isinstance(token, str) and crypto.is_token(token) and ring.needs_rotation(token):
                data[key] = ring.encrypt(
                    ring.decrypt(token, _AUTHENTICATOR_CONTEXT), _AUTHENTICATOR_CONTEXT
                )
                changed = True
        if changed:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
            count += 1
    if count:
        report.rewritten["mfa.Authenticator.data"] = count


def rotate_documents(report: RotationReport) -> None:
    """Uploaded scans are encrypted files: rewrite those still under an older key."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from imigrasi.applications.models import Document

    ring = crypto.key_ring()
    storage = storages["documents"]
    count = 0
    for document in Document.objects.select_related("application").iterator():
        with storage.open(document.storage_name, "rb") as handle:
            blob = handle.read()
        if not ring.file_needs_rotation(blob):
            continue
        context = f"documents:{document.application.public_id}"
        fresh = ring.encrypt_bytes(ring.decrypt_bytes(blob, context), context)
        storage.delete(document.storage_name)
        storage.save(document.storage_name, ContentFile(fresh))
        count += 1
    if count:
        report.rewritten["applications.Document.file"] = count


def reindex_model(model: type[models.Model], report: RotationReport) -> None:
    """Recompute blind indexes (after BLIND_INDEX_KEY changed)."""
    index_fields = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
    if not index_fields:
        return
    count = 0
    for obj in model._default_manager.all().iterator():
        updates = {f.attname: f.digest(getattr(obj, f.source)) for f in index_fields}
        if any(getattr(obj, name) != value for name, value in updates.items()):
            model._default_manager.filter(pk=obj.pk).update(**updates)
            count += 1
    if count:
        report.reindexed[model._meta.label] = count


def rotate_all(reindex: bool = False) -> RotationReport:
    report = RotationReport()
    for model in apps.get_models():
        rotate_model(model, report)
        if reindex:
            reindex_model(model, report)
    rotate_authenticators(report)
    rotate_documents(report)
    return report


def rows_on_old_keys() -> int:
    ring = crypto.key_ring()
    remaining = 0
    for model in apps.get_models():
        for enc_field in encrypted_fields(model):
            rows = _raw_rows(model, enc_field.column)
            remaining += len([1 for _pk, token in rows if ring.needs_rotation(token)])
    return remaining
