from __future__ import annotations

import pytest
from django.urls import reverse

from imigrasi.audit.models import AuditEntry
from imigrasi.audit.recording import record_event

pytestmark = pytest.mark.django_db


def test_an_auditor_sees_the_log_and_that_viewing_is_itself_logged(
    staff_client, auditor, applicant
):
    record_event(actor=applicant, action="account.logged_in", obj=applicant)
    client = staff_client(auditor)
    response = client.get(reverse("staff:audit:entries"), {"action": "account."})
    assert response.status_code == 200
    assert b"account.logged_in" in response.content
    assert AuditEntry.objects.filter(action="audit.viewed", actor_id=auditor.pk).exists()


@pytest.mark.parametrize("persona", ["officer", "supervisor", "content_editor"])
def test_other_staff_roles_are_refused(staff_client, persona, request):
    user = request.getfixturevalue(persona)
    response = staff_client(user).get(reverse("staff:audit:entries"))
    assert response.status_code == 403


def test_an_applicant_is_refused(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("staff:audit:entries")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("staff:audit:entries"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_verify_button_reports_an_intact_chain(staff_client, auditor, applicant):
    record_event(actor=applicant, action="x")
    response = staff_client(auditor).post(reverse("staff:audit:verify"))
    assert response.status_code == 200
    assert response.context["report"].ok
    assert AuditEntry.objects.filter(action="audit.chain_verified").exists()


def test_invalid_filters_are_reported_not_crashed(staff_client, auditor):
    response = staff_client(auditor).get(reverse("staff:audit:entries"), {"actor_id": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors["actor_id"]
