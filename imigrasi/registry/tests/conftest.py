"""The population registry and the tax office, as their own processes over real HTTP.

Both simulators start once per test session (``--port 0 --port-file``); each test gets them
in normal mode with zeroed counters, settings pointing at them, and fresh outbound clients,
so a circuit opened by one test never fails the next one fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from imigrasi.registry import adapters
from simulators.launch import running

SITI = {"nik": "3174055204910003", "name": "SITI RAHMAWATI", "birth_date": "1991-04-12"}
UNKNOWN_NIK = "3174055204910099"  # well-formed, not registered


class Simulator:
    def __init__(self, url: str) -> None:
        self.url = url

    def mode(self, mode: str, **options: Any) -> None:
        answer = httpx.put(f"{self.url}/_control/mode", json={"mode": mode, **options}, timeout=5)
        answer.raise_for_status()

    def calls(self, endpoint: str | None = None) -> int:
        stats = httpx.get(f"{self.url}/_control/stats", timeout=5).json()
        return int(stats["endpoints"][endpoint] if endpoint else stats["total"])

    def reset(self) -> None:
        self.mode("normal")
        httpx.delete(f"{self.url}/_control/stats", timeout=5).raise_for_status()


@pytest.fixture(scope="session")
def registry_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    directory = tmp_path_factory.mktemp("population-registry")
    with running("simulators.population_registry.server", directory) as url:
        yield Simulator(url)


@pytest.fixture(scope="session")
def tax_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    with running("simulators.tax_office.server", tmp_path_factory.mktemp("tax-office")) as url:
        yield Simulator(url)


@pytest.fixture
def registries(
    settings: Any, registry_process: Simulator, tax_process: Simulator
) -> Iterator[tuple[Simulator, Simulator]]:
    settings.POPULATION_REGISTRY_URL = registry_process.url
    settings.TAX_OFFICE_URL = tax_process.url
    settings.REGISTRY_CLIENT_ID = "kanim-jakarta-selatan"
    settings.REGISTRY_TIMEOUT_SECONDS = 2.0
    settings.REGISTRY_MAX_ATTEMPTS = 3
    adapters.reset_clients()
    registry_process.reset()
    tax_process.reset()
    yield registry_process, tax_process
    registry_process.reset()
    tax_process.reset()
    adapters.reset_clients()


@pytest.fixture
def registry(registries: tuple[Simulator, Simulator]) -> Simulator:
    return registries[0]


@pytest.fixture
def tax_office(registries: tuple[Simulator, Simulator]) -> Simulator:
    return registries[1]
