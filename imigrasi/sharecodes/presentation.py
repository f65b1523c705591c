"""A status answer in words and in JSON: one shape for the API, the web page and the tests."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from imigrasi.credentials.presentation import document_type_label
from imigrasi.sharecodes.actions import StatusAnswer

STATUS_TITLES: dict[str, Promise] = {
    "valid": _("Valid"),
    "expired": _("Expired"),
    "cancelled": _("Cancelled"),
}
STATUS_EXPLANATIONS: dict[str, Promise] = {
    "valid": _("The person holds this permission and it is in force."),
    "expired": _("The permission has ended. The person no longer holds it."),
    "cancelled": _("The permission was cancelled by the immigration office."),
}
# One refusal for every reason (unknown, mistyped, expired or revoked code, wrong date of
# birth): a checker must not learn which, or guessing would get easier.
NOT_FOUND = _(
    "We cannot show a status for these details. Check the share code and the date of birth "
    "with the person. A share code stops working when it expires or the person revokes it."
)


def as_json(answer: StatusAnswer) -> dict[str, Any]:
    return {
        "status": answer.status,
        "document_type": answer.document_type,
        "valid_from": answer.valid_from,
        "valid_until": answer.valid_until,
        "work_entitlement": {
            "may_work": answer.work.may_work,
            "scope": str(answer.work.scope),
            "description": answer.work.description,
        },
    }


def as_page(answer: StatusAnswer) -> dict[str, Any]:
    return {
        "status": answer.status,
        "title": str(STATUS_TITLES[answer.status]),
        "explanation": str(STATUS_EXPLANATIONS[answer.status]),
        "document": document_type_label(answer.document_type),
        "valid_from": answer.valid_from,
        "valid_until": answer.valid_until,
        "may_work": answer.work.may_work,
        "work": answer.work.description,
    }
