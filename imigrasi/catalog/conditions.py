"""Conditions that make a requirement or a fee line apply ("child → both parents' e-KTP").

Catalog rows name a condition by code; the code is evaluated against an application's facts
(the answers the applicant gave). Keeping the vocabulary here, small and tested, lets editors
recombine conditions in the admin without letting them write code.

Fact keys (set by the application wizard): ``age_group`` ("adult"/"child"),
``name_changed``, ``citizenship_by`` ("birth"/"naturalisation"/"election"),
``has_old_passport``, ``old_passport_before_2009``, ``parents_divorced``,
``both_parents_attend``, ``force_majeure``, ``married_abroad``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

Facts = Mapping[str, Any]

_RULES: dict[str, tuple[Any, Callable[[Facts], bool]]] = {
    "always": (_("Always"), lambda f: True),
    "adult": (_("Applicant is 17 or older, or married"), lambda f: f.get("age_group") == "adult"),
    "child": (_("Applicant is under 17 and unmarried"), lambda f: f.get("age_group") == "child"),
    "name_changed": (_("Name has changed"), lambda f: bool(f.get("name_changed"))),
    "naturalised": (
        _("Citizenship by naturalisation or election"),
        lambda f: f.get("citizenship_by") in {"naturalisation", "election"},
    ),
    "has_old_passport": (_("Has an old passport"), lambda f: bool(f.get("has_old_passport"))),
    "old_passport_needs_full_set": (
        _("Old passport issued before 2009 or abroad"),
        lambda f: bool(f.get("old_passport_before_2009")),
    ),
    "parents_divorced": (_("Parents are divorced"), lambda f: bool(f.get("parents_divorced"))),
    "one_parent_absent": (
        _("One parent cannot attend"),
        lambda f: f.get("both_parents_attend") is False,
    ),
    "force_majeure": (
        _("Lost or damaged through a disaster (force majeure)"),
        lambda f: bool(f.get("force_majeure")),
    ),
    "not_force_majeure": (
        _("Not through a disaster"),
        lambda f: not f.get("force_majeure"),
    ),
    "married_abroad": (_("Marriage registered abroad"), lambda f: bool(f.get("married_abroad"))),
}

CONDITION_CHOICES = [(code, label) for code, (label, _rule) in _RULES.items()]


def applies(condition: str, facts: Facts) -> bool:
    """Unknown codes never apply (and the model's choices keep them out of the data)."""
    rule = _RULES.get(condition)
    return bool(rule and rule[1](facts))
