"""The demo complaints load, and loading them again adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from imigrasi.complaints import demo
from imigrasi.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_the_demo_complaints_load_once(office: Any) -> None:
    first = demo.load()
    again = demo.load()
    assert Complaint.objects.count() == 2
    assert {c.source for c in Complaint.objects.all()} == {"web", "lapor"}
    assert len(again) == 1 and first[0] == again[0]
