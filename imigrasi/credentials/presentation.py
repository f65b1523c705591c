"""What a check means, in words: one verdict per reason, and the facts of a valid document.

Shared by the public check page, the holder's own page and the API's ``message``, so a border
officer, a hotel clerk and an app all read the same sentence for the same outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imigrasi.credentials.models import DocumentType
from imigrasi.lib.credentials import Reason, Verification

TITLES: dict[str, Promise] = {
    "ok": gettext_lazy("Valid document"),
    "expired": gettext_lazy("This document has expired"),
    "not_yet_valid": gettext_lazy("This document is not valid yet"),
    "revoked": gettext_lazy("This document has been revoked"),
    "unknown_key": gettext_lazy("Not signed by us"),
    "bad_signature": gettext_lazy("The code has been changed"),
    "malformed": gettext_lazy("This is not a document code, or it is damaged"),
}
EXPLANATIONS: dict[str, Promise] = {
    "ok": gettext_lazy(
        "We issued this document and it has not been revoked. Check that the details below "
        "match the holder's passport."
    ),
    "expired": gettext_lazy(
        "We issued this document, but its validity has ended. Do not accept it as a current "
        "permission."
    ),
    "not_yet_valid": gettext_lazy(
        "The code is dated later than now. Check the date and time of the device you are "
        "using, then check again."
    ),
    "revoked": gettext_lazy(
        "We issued this document and then withdrew it. Do not accept it. The holder can ask "
        "the immigration office for more information."
    ),
    "unknown_key": gettext_lazy(
        "The code was not signed with any of the Directorate General of Immigration's keys. "
        "Do not accept the document."
    ),
    "bad_signature": gettext_lazy(
        "The signature does not match the contents: the code was altered after we signed "
        "it. Do not accept the document."
    ),
    "malformed": gettext_lazy(
        "We could not read a code from the text. Scan the QR code again, or copy the whole "
        "text exactly as it appears. If it still fails, do not rely on the document."
    ),
}


@dataclass(frozen=True)
class Verdict:
    reason: Reason
    valid: bool
    title: str
    explanation: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    # A genuine document whose validity period starts later (an e-visa issued before travel).
    starts_on: str = ""


def _date(value: object) -> str:
    if isinstance(value, str) and len(value) == 10:
        with suppress(ValueError):
            return _date(dt.date.fromisoformat(value))  # a full birth date, read like the rest
    if isinstance(value, dt.date):
        return str(formats.date_format(value, "j F Y"))
    return str(value)  # a partial birth date ("1980", "1980-04") is shown as written


def document_type_label(value: str) -> str:
    return str(DocumentType(value).label) if value in DocumentType.values else value


def facts_of(claims: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The minimal facts, labelled, in the order an inspector compares them with a passport."""
    facts = [
        (_("Document"), document_type_label(str(claims["document_type"]))),
        (_("Name"), str(claims["holder_name"])),
        (_("Date of birth"), _date(claims["date_of_birth"])),
        (_("Nationality"), str(claims["nationality"])),
        (_("Document number"), str(claims["document_number"])),
    ]
    if claims.get("valid_from") is not None:
        facts.append((_("Valid from"), _date(claims["valid_from"])))
    if claims.get("valid_until") is not None:
        facts.append((_("Valid until"), _date(claims["valid_until"])))
    if claims.get("work_permitted") is not None:
        facts.append((_("Work permitted"), _("Yes") if claims["work_permitted"] else _("No")))
    return facts


def verdict_for(result: Verification, today: dt.date) -> Verdict:
    """The facts only for a valid code: a refused one shows nothing about anybody."""
    claims = result.claims if result.valid else None
    starts = claims.get("valid_from") if claims is not None else None
    return Verdict(
        reason=result.reason,
        valid=result.valid,
        title=str(TITLES[result.reason]),
        explanation=str(EXPLANATIONS[result.reason]),
        facts=facts_of(claims) if claims is not None else [],
        starts_on=_date(starts) if isinstance(starts, dt.date) and starts > today else "",
    )
