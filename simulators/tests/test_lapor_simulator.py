"""The SP4N-LAPOR! simulator on its own, as a process over real HTTP."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from simulators.lapor.server import sign
from simulators.launch import running

SECRET = "simulator-test-secret"
CLIENT_ID = {"X-Client-Id": "ditjen-imigrasi"}


@pytest.fixture(scope="module")
def lapor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running(
        "simulators.lapor.server", tmp_path_factory.mktemp("lapor"), "--secret", SECRET
    ) as url:
        yield url


def update(**overrides: Any) -> dict[str, Any]:
    body = {
        "update_id": str(uuid.uuid4()),
        "lapor_id": "LPR-2026-0000001",
        "tracking_id": "PG1234567897",
        "status": "ditindaklanjuti",
        "platform_status": "followed_up",
        "response": None,
        "updated_at": "2026-12-01T04:00:00Z",
    }
    body.update(overrides)
    return body


def post(url: str, body: dict[str, Any], secret: str = SECRET) -> httpx.Response:
    raw = json.dumps(body).encode()
    now = int(time.time())
    headers = {
        **CLIENT_ID,
        "Content-Type": "application/json",
        "X-Lapor-Timestamp": str(now),
        "X-Lapor-Signature": sign(secret, now, raw),
    }
    return httpx.post(f"{url}/v1/status-updates", content=raw, headers=headers, timeout=5)


def test_it_records_a_signed_update_once_and_counts_the_repeat_as_a_duplicate(lapor: str) -> None:
    httpx.delete(f"{lapor}/_control/received", timeout=5)
    body = update()
    first, again = post(lapor, body), post(lapor, body)
    assert first.json() == {"received": True, "update_id": body["update_id"], "duplicate": False}
    assert again.json()["duplicate"] is True
    received = httpx.get(f"{lapor}/_control/received", timeout=5).json()
    assert received["updates"] == [body] and received["duplicates"] == 1


def test_it_refuses_a_wrong_signature_and_a_body_that_breaks_the_contract(lapor: str) -> None:
    assert post(lapor, update(), secret="wrong").status_code == 401
    bad = post(lapor, update(status="finished"))
    assert bad.status_code == 422 and bad.json()["field"] == "status"


def test_it_can_be_switched_down_and_back(lapor: str) -> None:
    httpx.put(f"{lapor}/_control/mode", json={"mode": "error", "status": 503}, timeout=5)
    try:
        assert post(lapor, update()).status_code == 503
    finally:
        httpx.put(f"{lapor}/_control/mode", json={"mode": "normal"}, timeout=5)
    assert post(lapor, update()).status_code == 200


def test_its_realistic_complaints_fit_the_exchange_shape() -> None:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    from simulators.lapor.server import COMPLAINTS, HERE, new_complaint

    schema = json.loads((HERE / "schemas" / "lapor_complaint.json").read_text())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for base in json.loads(COMPLAINTS.read_text())["complaints"]:
        complaint = new_complaint(base)
        assert list(validator.iter_errors(complaint)) == [], base["title"]
