"""Document bytes: checked (imigrasi.lib.uploads), scanned, encrypted, stored, read back.

Storage is the ``documents`` alias of STORAGES (local files by default, an S3-compatible bucket
in production); what it holds is ciphertext bound to the application, so a leaked bucket or
backup reveals nothing and a file copied to another application does not decrypt.
"""

from __future__ import annotations

import uuid
from functools import lru_cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from imigrasi.applications.models import Application, Document
from imigrasi.lib import crypto
from imigrasi.lib.uploads import CleanFile, UploadLimits, inspect_upload
from imigrasi.lib.virus_scan import Scanner, ScanResult, scanner_from_config


@lru_cache(maxsize=1)
def _scanner(address: str) -> Scanner:
    return scanner_from_config(address or None)


def scanner() -> Scanner:
    return _scanner(settings.CLAMD_ADDRESS)


def upload_limits() -> UploadLimits:
    return UploadLimits(max_bytes=settings.UPLOAD_MAX_BYTES)


def inspect(data: bytes) -> CleanFile:
    return inspect_upload(data, upload_limits())


def scan(data: bytes) -> ScanResult:
    """May raise ScannerUnavailable: the caller keeps the file with status "pending"."""
    return scanner().scan(data)


def _context(application: Application) -> str:
    return f"documents:{application.public_id}"


def save_encrypted(application: Application, clean: CleanFile) -> str:
    name = f"{application.public_id}/{uuid.uuid4().hex}{clean.extension}.enc"
    blob = crypto.key_ring().encrypt_bytes(clean.content, _context(application))
    return storages["documents"].save(name, ContentFile(blob))


def read_decrypted(document: Document) -> bytes:
    with storages["documents"].open(document.storage_name, "rb") as handle:
        blob = handle.read()
    return crypto.key_ring().decrypt_bytes(blob, _context(document.application))
