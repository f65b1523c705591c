"""The receiving agency, as its own process over real HTTP (simulators/agency_receiver)."""

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

from imigrasi.outbox import actions
from imigrasi.outbox.models import Subscriber, SubscriberSecret
from imigrasi.outbox.signing import new_secret

ROOT = Path(__file__).resolve().parents[3]


class Receiver:
    def __init__(self, url: str, secret: str) -> None:
        self.url = url
        self.secret = secret

    def received(self) -> dict[str, Any]:
        return dict(httpx.get(f"{self.url}/_control/received", timeout=5).json())

    def mode(self, mode: str, delay: float = 0) -> None:
        answer = httpx.put(
            f"{self.url}/_control/mode", json={"mode": mode, "delay": delay}, timeout=5
        )
        answer.raise_for_status()

    def reset(self) -> None:
        httpx.delete(f"{self.url}/_control/received", timeout=5).raise_for_status()
        self.mode("normal")


def start_receiver(tmp: Path, secrets: str) -> tuple[subprocess.Popen[bytes], str]:
    port_file = tmp / "port"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulators.agency_receiver.server",
            *("--port", "0", "--port-file", str(port_file), "--quiet"),
        ],
        cwd=ROOT,
        env={**os.environ, "AGENCY_RECEIVER_SECRET": secrets},
    )
    deadline = time.monotonic() + 15
    while not (port_file.exists() and port_file.read_text().strip()):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("agency receiver did not start")
        time.sleep(0.05)
    return process, f"http://127.0.0.1:{port_file.read_text().strip()}"


@pytest.fixture(scope="session")
def receiver_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    secret = new_secret()
    process, url = start_receiver(tmp_path_factory.mktemp("receiver"), secret)
    yield Receiver(url, secret)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def receiver(receiver_process: Receiver) -> Iterator[Receiver]:
    actions._client.cache_clear()  # each test starts with closed circuits
    receiver_process.reset()
    yield receiver_process
    receiver_process.reset()


def subscribe(url: str, secret: str, event_types: list[str], code: str = "dukcapil") -> Subscriber:
    subscriber = Subscriber.objects.create(
        code=code,
        name={"dukcapil": "Ditjen Dukcapil", "kemnaker": "Kementerian Ketenagakerjaan"}.get(
            code, code
        ),
        url=f"{url}/events",
        event_types=event_types,
    )
    SubscriberSecret.objects.create(subscriber=subscriber, secret=secret)
    return subscriber
