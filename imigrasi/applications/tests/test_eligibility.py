from __future__ import annotations

import pytest

from imigrasi.applications.eligibility import walk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("answers", "service"),
    [
        ({"citizen": "yes", "adult": "yes", "passport": "never"}, "paspor-baru-dewasa"),
        ({"citizen": "yes", "adult": "yes", "passport": "expiring"}, "paspor-penggantian"),
        ({"citizen": "yes", "adult": "no", "child_passport": "lost"}, "paspor-hilang"),
        ({"citizen": "no", "situation": "frequent", "frequent": "business"}, "visa-d2"),
        ({"citizen": "no", "situation": "spouse"}, "visa-e31a"),
    ],
)
def test_the_tree_routes_to_the_right_service(answers, service):
    assert walk(answers).service_code == service


def test_a_valid_passport_stops_the_person_from_paying_for_nothing():
    step = walk({"citizen": "yes", "adult": "yes", "passport": "valid"})
    assert step.service_code is None and step.stop_reason


def test_the_pages_work_without_an_account_one_question_at_a_time(catalog, client):
    first = client.get("/permohonan/layanan-yang-tepat/")
    assert first.status_code == 200 and b'name="citizen"' in first.content
    second = client.get("/permohonan/layanan-yang-tepat/", {"citizen": "yes"})
    assert b'name="adult"' in second.content and b'value="yes"' in second.content
    done = client.get(
        "/permohonan/layanan-yang-tepat/", {"citizen": "yes", "adult": "yes", "passport": "lost"}
    )
    assert b"/permohonan/mulai/paspor-hilang/" in done.content
    odd = client.get("/permohonan/layanan-yang-tepat/", {"citizen": "maybe"})
    assert odd.status_code == 200 and b'name="citizen"' in odd.content
