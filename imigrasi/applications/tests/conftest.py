"""Fixtures for the applications capability: the catalog, and the payment simulator process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from imigrasi.applications.demo import DemoCase, build_application
from imigrasi.lib.billing import generate_keypair

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def payment_simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Our billing-system stand-in, as a separate process over real HTTP."""
    private, public = generate_keypair()
    port_file = tmp_path_factory.mktemp("payments") / "port"
    env = {**os.environ, "PAYMENT_SIMULATOR_PRIVATE_KEY_B64": private}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulators.payment_channel.server",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--quiet",
            "--callback-backoff",
            "0.2",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 15
    while not (port_file.exists() and port_file.read_text().strip()):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("payment simulator did not start")
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port_file.read_text().strip()}"
    yield {"url": url, "private": private, "public": public}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def gateway(payment_simulator: dict[str, str], settings: Any) -> dict[str, str]:
    settings.PAYMENT_GATEWAY_URL = payment_simulator["url"]
    settings.PAYMENT_CALLBACK_PUBLIC_KEY = payment_simulator["public"]
    return payment_simulator


def pay_at_simulator(gateway: dict[str, str], code: str, *, tamper: bool = False) -> dict[str, Any]:
    suffix = "?tamper=1" if tamper else ""
    response = httpx.post(
        f"{gateway['url']}/v1/bills/{code}/pay{suffix}", json={"channel": "BNI Mobile"}, timeout=5
    )
    response.raise_for_status()
    return dict(response.json())


def make(
    target: str,
    *,
    account: str = "siti@example.id",
    service: str = "paspor-baru-dewasa",
    office: str = "kanim-jakarta-selatan",
    nik: str = "3174055204910003",
    name: str = "SITI RAHMAWATI",
    birth: str = "1991-04-12",
    sex: str = "F",
    **extra: Any,
) -> Any:
    """An application driven to ``target`` through the real actions."""
    return build_application(
        DemoCase(account, service, office, target, name, birth, sex, nik, extra=extra)
    )
