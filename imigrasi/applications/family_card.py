"""Filling in a child's details from the parent's family card (Kartu Keluarga).

A parent applying for their child (a child passport, or any citizen's application for a
person recorded as "my child") may ask the population registry for the children on their
family card and pick one: name, date of birth, sex and NIK are then stored exactly as if the
parent had typed them (``actions.do_answer_question``: same validation, same audit entries),
so the parent checks them on the next pages and can still change them.

The registry is asked only on a POST (the parent pressed the button), never on a GET. If it
does not answer, nothing changes: the parent is told, and types the details as before.

Between "look up" and "choose", the children found travel in a signed, time-limited token in
the page (the parent sees exactly these details on screen anyway), so choosing does not ask
the registry a second time and the server keeps no copy of the registry's answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError

from imigrasi.accounts.models import User
from imigrasi.applications import actions
from imigrasi.applications.models import Application, Relationship
from imigrasi.applications.questions import age_on
from imigrasi.applications.workflow import Status
from imigrasi.registry.actions import family_members
from imigrasi.registry.adapters import FamilyMember

LIST_SIGNING_NAMESPACE = "applications.family_card"
TOKEN_MAX_AGE = 15 * 60  # seconds: long enough to read the list, short enough to go stale
ADULT_AGE = 17  # a child passport is for unmarried children under 17 (domain brief §2.2)
# Stored in this order: the NIK is checked against the date of birth and sex already given.
FILLED_KEYS = ("full_name", "date_of_birth", "sex", "nik")


def offers_family_card(application: Application) -> bool:
    """A draft of a citizen's service for the account's child."""
    return (
        application.status == Status.DRAFT
        and application.service.citizenship == "citizen"
        and (
            application.service.max_age is not None
            or application.person.relationship == Relationship.CHILD
        )
    )


def minors(members: list[FamilyMember], today: dt.date) -> list[FamilyMember]:
    """The card's children (relation "ANAK") under 17 today, youngest last as on the card."""
    return [
        m
        for m in members
        if m.is_child and (age_on(m.birth_date.isoformat(), today) or 0) < ADULT_AGE
    ]


def look_up_children(
    application: Application, parent_nik: str, actor: User, today: dt.date
) -> list[FamilyMember] | None:
    """The minors on the parent's card; [] when none or the NIK is unknown; None when the
    registry cannot answer now (the lookup is audited by the registry app)."""
    members = family_members(
        parent_nik, actor=actor, reference=application.number, subject_id=application.account_id
    )
    if members is None:
        return None
    return minors(members, today)


def pack(children: list[FamilyMember]) -> str:
    return signing.dumps(
        [
            {
                "full_name": c.name,
                "date_of_birth": c.birth_date.isoformat(),
                "sex": c.sex if c.sex in {"F", "M"} else "",
                "nik": c.nik,
            }
            for c in children
        ],
        salt=LIST_SIGNING_NAMESPACE,
        compress=True,
    )


def unpack(token: str) -> list[dict[str, str]] | None:
    """The children of a token this server signed in the last TOKEN_MAX_AGE seconds."""
    try:
        value: Any = signing.loads(token, salt=LIST_SIGNING_NAMESPACE, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return None
    return value


def do_fill_in_child(application: Application, child: dict[str, str], actor: User) -> list[str]:
    """Store the chosen child's details as answers; returns the keys that could not be
    stored (their validation message would tell the parent why on the question's page)."""
    refused: list[str] = []
    for key in FILLED_KEYS:
        value = child.get(key, "")
        if not value:
            refused.append(key)
            continue
        try:
            application = actions.do_answer_question(application, key, value, actor)
        except (ValidationError, actions.ApplicationError):
            refused.append(key)
    return refused
