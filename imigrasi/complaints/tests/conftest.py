"""Complaint helpers, and the SP4N-LAPOR! simulator as its own process over real HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from imigrasi.complaints import actions, lapor
from simulators.launch import running

SECRET = "lapor-test-secret"
DESCRIPTION = "Paspor saya belum jadi setelah 10 hari kerja dan petugas tidak memberi kepastian."


def filing(office: Any, **overrides: Any) -> actions.Filing:
    values: dict[str, Any] = {
        "category": "pelayanan-paspor",
        "office": office,
        "description": DESCRIPTION,
        "contact_name": "Rahmat Hidayat",
        "contact_email": "rahmat@example.id",
        "contact_phone": "081234567890",
    }
    values.update(overrides)
    return actions.Filing(**values)


def form_data(office: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "category": "pelayanan-paspor",
        "office": str(office.pk),
        "description": DESCRIPTION,
        "contact_name": "Rahmat Hidayat",
        "contact_email": "rahmat@example.id",
        "contact_phone": "081234567890",
        "client_token": "6f1c2e0a-9a1b-4c7e-8d2f-1a2b3c4d5e6f",
    }
    data.update(overrides)
    return data


def lapor_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "lapor_id": "LPR-2026-0001234",
        "tracking_id": None,
        "category": "waktu-layanan",
        "agency": "Direktorat Jenderal Imigrasi",
        "unit_code": "kanim-jakarta-selatan",
        "title": "Antrean panjang",
        "description": "Saya datang sesuai jadwal tetapi baru dipanggil empat jam kemudian.",
        "status": "diverifikasi",
        "created_at": "2026-12-01T02:00:00Z",
        "updated_at": "2026-12-01T04:00:00Z",
        "due_on": None,
        "confidential": False,
        "anonymous": False,
        "reporter": {"name": "Ni Luh Ayu", "email": "ayu@example.id", "phone": ""},
    }
    payload.update(overrides)
    return payload


def signed(body: bytes, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    timestamp = at or int(time.time())
    return {
        "HTTP_X_LAPOR_TIMESTAMP": str(timestamp),
        "HTTP_X_LAPOR_SIGNATURE": lapor.sign(secret, timestamp, body),
    }


def post_lapor(client: Any, payload: Any, **headers: str) -> Any:
    body = json.dumps(payload).encode()
    return client.generic(
        "POST",
        "/api/v1/lapor/complaints",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **(headers or signed(body)),
    )


class LaporSimulator:
    def __init__(self, url: str) -> None:
        self.url = url

    def mode(self, mode: str, **options: Any) -> None:
        answer = httpx.put(f"{self.url}/_control/mode", json={"mode": mode, **options}, timeout=5)
        answer.raise_for_status()

    def received(self) -> dict[str, Any]:
        return dict(httpx.get(f"{self.url}/_control/received", timeout=5).json())

    def push(self, **options: Any) -> dict[str, Any]:
        return dict(httpx.post(f"{self.url}/_control/push", json=options, timeout=20).json())

    def reset(self) -> None:
        self.mode("normal")
        httpx.delete(f"{self.url}/_control/received", timeout=5).raise_for_status()
        httpx.delete(f"{self.url}/_control/stats", timeout=5).raise_for_status()


@pytest.fixture(scope="session")
def lapor_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LaporSimulator]:
    directory = tmp_path_factory.mktemp("lapor")
    with running("simulators.lapor.server", directory, "--secret", SECRET) as url:
        yield LaporSimulator(url)


@pytest.fixture
def lapor_channel(settings: Any, lapor_process: LaporSimulator) -> Iterator[LaporSimulator]:
    settings.LAPOR_URL = lapor_process.url
    settings.LAPOR_SECRET = SECRET
    settings.LAPOR_TIMEOUT_SECONDS = 2.0
    lapor.reset_clients()
    lapor_process.reset()
    yield lapor_process
    lapor_process.reset()
    lapor.reset_clients()


@pytest.fixture
def lapor_secret(settings: Any) -> str:
    settings.LAPOR_SECRET = SECRET
    return SECRET


@pytest.fixture(autouse=True)
def _english_pages(client: Any) -> None:
    """Assertions read the English texts (Indonesian is the default language)."""
    client.cookies["imigrasi_lang"] = "en"
