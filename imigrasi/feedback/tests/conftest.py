"""Survey fixtures: invitations made the way the platform makes them (through the actions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from imigrasi.feedback import actions
from imigrasi.feedback.models import Invitation, Source

ANSWERS = {f"u{i}": "3" for i in range(1, 10)}


def invite(
    office_code: str = "kanim-jakarta-selatan",
    service_code: str = "paspor-baru-dewasa",
    account: Any = None,
    reference: str = "IM000000001",
    served_on: dt.date | None = None,
) -> tuple[Invitation, str]:
    """An open invitation and its link's token."""
    from imigrasi.catalog.models import Office, Service

    invitation = actions._invite(
        source=Source.APPLICATION,
        reference=reference,
        office=Office.objects.get(code=office_code),
        service=Service.objects.get(code=service_code),
        account_id=account.pk if account is not None else None,
        served_on=served_on or timezone.localdate(),
    )
    assert invitation is not None
    return invitation, actions.token_for(invitation)


@pytest.fixture
def invitation(catalog: None, applicant: Any) -> tuple[Invitation, str]:
    return invite(account=applicant)


@pytest.fixture
def walk_in_invitation(catalog: None) -> tuple[Invitation, str]:
    return invite(reference="walk-in-1")
