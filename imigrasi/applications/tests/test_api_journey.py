"""A full journey per service family through the mobile API, over real HTTP.

The platform runs as a live server; the payment simulator is a separate process that issues
the billing code and, when we "pay", calls the platform back with a signed notification.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from conftest import STAFF_TOTP, TEST_PASSWORD, make_user, totp_now
from imigrasi.applications.demo import VISITOR_MRZ, specimen_scan
from imigrasi.applications.models import Application
from imigrasi.applications.tests.conftest import pay_at_simulator

pytestmark = pytest.mark.django_db(transaction=True)


class Api:
    def __init__(self, base: str, email: str, code: str | None = None) -> None:
        self.base = base
        self.http = httpx.Client(base_url=f"{base}/api/v1", timeout=20)
        body = {"email": email, "password": TEST_PASSWORD}
        if code:
            body["code"] = code
        token = self.http.post("/auth/token", json=body)
        assert token.status_code == 200, token.text
        self.http.headers["Authorization"] = f"Bearer {token.json()['token']}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.http, name)


def answer_everything(api: Api, number: str, answers: dict[str, Any]) -> dict[str, Any]:
    for _ in range(40):
        current = api.get(f"/applications/{number}").json()
        key = current["next_question"]
        if key is None:
            return current
        response = api.put(f"/applications/{number}/answers/{key}", json={"value": answers[key]})
        assert response.status_code == 200, (key, response.text)
    raise AssertionError("questions never ended")


def upload_everything(api: Api, number: str) -> None:
    for row in api.get(f"/applications/{number}/documents").json():
        response = api.post(
            f"/applications/{number}/documents/{row['requirement']}",
            files={"file": ("scan.png", specimen_scan(row["name"]), "image/png")},
        )
        assert response.status_code == 201, response.text


def wait_for(api: Api, number: str, predicate: Any, timeout: float = 15) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = api.get(f"/applications/{number}/status").json()
        if predicate(status):
            return status
        time.sleep(0.2)
    raise AssertionError(f"timed out; last status {status}")


PASSPORT_ANSWERS = {
    "full_name": "Siti Rahmawati",
    "date_of_birth": "1991-04-12",
    "sex": "F",
    "nik": "3174055204910003",
    "place_of_birth": "Jakarta",
    "phone": "081234567890",
    "address": "Jl. Melati No. 12, Jakarta Selatan",
    "citizenship_by": "birth",
    "name_changed": "no",
    "has_old_passport": "no",
    "travel_purpose": "umrah_hajj",
    "variant": "elektronik-10",
    "acceleration": "no",
    "office": "kanim-jakarta-selatan",
}
VISA_ANSWERS = {
    "mrz": VISITOR_MRZ,
    "phone": "+61412345678",
    "address": "Jl. Sunset Road No. 8, Kuta, Badung, Bali",
    "arrival_date": "2027-01-10",
    "variant": "1-tahun",
    "office": "kanim-ngurah-rai",
    "voa_purpose": "tourism",
}


@pytest.fixture
def live(live_server, settings, gateway, catalog, office):
    settings.PUBLIC_BASE_URL = live_server.url
    return live_server


@pytest.mark.parametrize(
    ("service", "answers", "expected_total", "paid_status"),
    [
        ("paspor-baru-dewasa", PASSPORT_ANSWERS, 950_000, "in_review"),
        ("evoa", VISA_ANSWERS, 500_000, "in_verification"),
        (
            "itas-perpanjangan",
            {**VISA_ANSWERS, "current_permit_number": "2C21JE1234-W"},
            None,
            "in_verification",
        ),
    ],
)
def test_a_full_journey_through_the_api(
    live, gateway, applicant, service, answers, expected_total, paid_status
):
    api = Api(live.url, applicant.email)
    start = api.post("/applications", json={"service": service, "relationship": "self"})
    assert start.status_code == 201, start.text
    number = start.json()["number"]

    # Sending too early is refused with a clear reason, and nothing is lost.
    early = api.post(f"/applications/{number}/submit", json={"declaration": True})
    assert early.status_code == 409
    assert early.json()["code"] == "not_ready"

    state = answer_everything(api, number, answers)
    upload_everything(api, number)
    sent = api.post(f"/applications/{number}/submit", json={"declaration": True})
    assert sent.status_code == 200, sent.text
    if expected_total is not None:
        assert sent.json()["fee_total"] == expected_total
    assert state["status"]["status"] == "draft"

    status = wait_for(api, number, lambda s: s["billing"] and s["billing"]["code"])
    assert status["status"] == "awaiting_payment"
    code = status["billing"]["code"]
    assert len(code) == 15 and code.isdigit()

    # A double submission changes nothing.
    again = api.post(f"/applications/{number}/submit", json={"declaration": True})
    assert again.status_code == 409 and again.json()["code"] == "already_submitted"

    pay_at_simulator(gateway, code)
    status = wait_for(api, number, lambda s: s["status"] == paid_status)
    assert status["billing"] is None  # paid: nothing left to pay
    events = api.get(f"/applications/{number}/events").json()
    assert [e["to_status"] for e in events if e["kind"] == "status"] == [
        "awaiting_payment",
        paid_status,
    ]
    receipt = api.get(f"/applications/{number}/receipt")
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_an_officer_decides_through_the_staff_pages_after_an_api_journey(
    live, gateway, applicant, officer
):
    api = Api(live.url, applicant.email)
    number = api.post("/applications", json={"service": "paspor-baru-dewasa"}).json()["number"]
    answer_everything(api, number, PASSPORT_ANSWERS)
    upload_everything(api, number)
    api.post(f"/applications/{number}/submit", json={"declaration": True})
    code = wait_for(api, number, lambda s: s["billing"] and s["billing"]["code"])["billing"]["code"]
    pay_at_simulator(gateway, code)
    wait_for(api, number, lambda s: s["status"] == "in_review")

    staff = httpx.Client(base_url=live.url, timeout=20)
    staff_token = staff.post(
        "/api/v1/auth/token",
        json={"email": officer.email, "password": TEST_PASSWORD, "code": totp_now(STAFF_TOTP)},
    )
    assert staff_token.status_code == 200
    application = Application.objects.get(number=number)
    assert application.office is not None
    assert application.office.code == "kanim-jakarta-selatan"
    assert application.due_at is not None


def test_the_stream_delivers_new_events(live, applicant):
    api = Api(live.url, applicant.email)
    number = api.post("/applications", json={"service": "paspor-baru-dewasa"}).json()["number"]
    with api.stream("GET", f"/applications/{number}/events/stream") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = []
        for line in response.iter_lines():
            lines.append(line)
            if line.startswith("data:"):
                break
    assert lines[0] == "retry: 3000"
    assert any(line.startswith("event: created") for line in lines)


def test_other_people_cannot_see_or_touch_the_application(live, applicant, other_applicant):
    owner = Api(live.url, applicant.email)
    number = owner.post("/applications", json={"service": "paspor-baru-dewasa"}).json()["number"]
    intruder = Api(live.url, other_applicant.email)
    for method, path, body in [
        ("GET", f"/applications/{number}", None),
        ("GET", f"/applications/{number}/questions", None),
        ("PUT", f"/applications/{number}/answers/full_name", {"value": "Budi"}),
        ("GET", f"/applications/{number}/documents", None),
        ("POST", f"/applications/{number}/submit", {"declaration": True}),
        ("GET", f"/applications/{number}/events", None),
        ("POST", f"/applications/{number}/withdraw", None),
    ]:
        response = intruder.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.status_code)
    anonymous = httpx.get(f"{live.url}/api/v1/applications/{number}")
    assert anonymous.status_code == 401
    make_user("x@example.id")  # the database stays usable after the checks


def test_a_person_id_that_is_not_a_uuid_is_named_in_a_422(catalog, applicant):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    response = client.post(
        "/api/v1/applications",
        {"service": "paspor-baru-dewasa", "person_id": "bukan-uuid"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["person_id"]


def test_a_multipart_upload_without_a_boundary_is_a_clear_400(catalog, applicant):
    from django.test import Client

    from imigrasi.applications.tests.conftest import make

    application = make("draft", account=applicant.email)
    client = Client(raise_request_exception=False)
    client.force_login(applicant)
    response = client.post(
        f"/api/v1/applications/{application.number}/documents/ektp",
        b"--x\r\nnot really multipart",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert application.documents.count() == 0
