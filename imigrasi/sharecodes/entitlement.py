"""Whether a permission lets its holder work in Indonesia: one table, by service code.

The rule follows the visa index (Permenkumham 22/2023, domain brief §3): visit visas (B, C, D
and e-VoA) never allow employment, business visits included; limited-stay visas for work
(E23) allow work for the sponsoring employer only; the remote-worker visa (E33G) allows work
only for the employer abroad; family (E31), investor (E28) and second-home/retiree (E33) stays
allow no employment (a spouse of a citizen needs a separate "rangkap kegiatan" permission);
a permanent stay permit (ITAP) allows work. An extension keeps the rule of the permit it
extends, which the service code alone does not tell: the employer is asked to check the
permit itself. Codes not in the table (a service added later) answer "unknown", never "yes".

The table is here, not in the catalog, so the catalog's migrations stay with its owners; a
test keeps every visa and stay-permit service of the catalog in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkScope(models.TextChoices):
    ANY_EMPLOYER = "any_employer", _("May work for any employer")
    SPONSOR_ONLY = "sponsor_only", _("May work only for the sponsoring employer")
    EMPLOYER_ABROAD_ONLY = (
        "employer_abroad_only",
        _("May work only for an employer outside Indonesia, not for an Indonesian employer"),
    )
    WITH_SEPARATE_PERMISSION = (
        "with_separate_permission",
        _("May not work unless a separate work permission (rangkap kegiatan) was granted"),
    )
    NONE = "none", _("May not work")
    UNKNOWN = (
        "unknown",
        _("Not shown for this permission: ask the holder for the permit it extends"),
    )


@dataclass(frozen=True)
class WorkEntitlement:
    may_work: bool
    scope: WorkScope

    @property
    def description(self) -> str:
        return str(self.scope.label)


_NO = WorkEntitlement(False, WorkScope.NONE)
_SPONSOR = WorkEntitlement(True, WorkScope.SPONSOR_ONLY)

# service code → entitlement. Work (E23) codes are listed ahead of their catalog entries.
WORK_ENTITLEMENT: dict[str, WorkEntitlement] = {
    "evoa": _NO,
    "evoa-perpanjangan": _NO,
    "visa-c1": _NO,
    "visa-c2": _NO,  # business visit: meetings, no employment
    "visa-d1": _NO,
    "visa-d2": _NO,
    "visa-e23": _SPONSOR,
    "visa-e23-pekerja": _SPONSOR,
    "itas-e23": _SPONSOR,
    "visa-e33g": WorkEntitlement(False, WorkScope.EMPLOYER_ABROAD_ONLY),
    "visa-e31a": WorkEntitlement(False, WorkScope.WITH_SEPARATE_PERMISSION),
    "visa-e28c": _NO,  # an investor without a company of their own: no employment
    "visa-e33-lansia": _NO,
    "itas-perpanjangan": WorkEntitlement(False, WorkScope.UNKNOWN),
    "itap": WorkEntitlement(True, WorkScope.ANY_EMPLOYER),
    "epo": _NO,  # leaving Indonesia
}
UNKNOWN = WorkEntitlement(False, WorkScope.UNKNOWN)


def work_entitlement(service_code: str) -> WorkEntitlement:
    return WORK_ENTITLEMENT.get(service_code, UNKNOWN)
