"""OutboundClient against a real in-test HTTP server: retries, classification, circuit, logs."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections import Counter
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from imigrasi.lib.http import DependencyRejected, DependencyUnavailable, OutboundClient

NIK = "3171010112270001"  # personal data that must never reach a log line


class ScriptedServer:
    """Answers by path:

    /flaky/<name>    503 for the first two hits of <name>, then 200
    /always/<code>   that status with a JSON body holding personal data
    /slow            sleeps 1 s (longer than the test timeouts), then 200
    /slow-ok         sleeps 0.2 s, then 200
    /ok              200
    """

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.headers: dict[str, list[dict[str, str]]] = {}
        self.release = threading.Event()
        self._lock = threading.Lock()
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                path = self.path
                with scripted._lock:
                    scripted.hits[path] += 1
                    count = scripted.hits[path]
                    scripted.headers.setdefault(path, []).append(dict(self.headers.items()))
                status: int = 200
                body: dict[str, Any] = {"ok": True}
                if path.startswith("/flaky/") and count <= 2:
                    status, body = 503, {"detail": "busy", "nik": NIK}
                elif path.startswith("/always/"):
                    status = int(path.rsplit("/", 1)[1])
                    body = {"detail": "scripted", "nik": NIK}
                elif path == "/slow":
                    scripted.release.wait(1.0)
                elif path == "/slow-ok":
                    scripted.release.wait(0.2)
                data = json.dumps(body).encode()
                # The client may have given up already (timeout tests): that is fine.
                with suppress(ConnectionError):
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    if status in {429, 503}:
                        self.send_header("Retry-After", "7")
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def server():
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


@pytest.fixture
def make_client(server):
    clients: list[OutboundClient] = []

    def make(**options) -> OutboundClient:
        settings: dict[str, Any] = {
            "name": "scripted",
            "timeout": 1.0,
            "retries": 2,
            "backoff": 0.01,
        }
        settings.update(options)
        client = OutboundClient(settings.pop("base_url", server.url), **settings)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_idempotent_get_succeeds_after_two_503s(server, make_client) -> None:
    response = make_client().request("GET", "/flaky/get")

    assert response.status_code == 200
    assert server.hits["/flaky/get"] == 3


def test_a_post_without_an_idempotency_key_is_sent_only_once(server, make_client) -> None:
    with pytest.raises(DependencyUnavailable) as caught:
        make_client().request("POST", "/flaky/post", json={"a": 1})

    assert caught.value.status == 503
    assert caught.value.reason == "status"
    assert server.hits["/flaky/post"] == 1


def test_a_post_with_an_idempotency_key_is_retried_and_carries_the_key(server, make_client):
    response = make_client().request(
        "POST", "/flaky/keyed", json={"a": 1}, idempotency_key="APP-2026-0001"
    )

    assert response.status_code == 200
    assert server.hits["/flaky/keyed"] == 3
    assert [h.get("Idempotency-Key") for h in server.headers["/flaky/keyed"]] == [
        "APP-2026-0001"
    ] * 3


def test_a_4xx_is_rejected_at_once_with_its_json_body(server, make_client) -> None:
    with pytest.raises(DependencyRejected) as caught:
        make_client().request("GET", "/always/422")

    assert caught.value.status == 422
    assert caught.value.body == {"detail": "scripted", "nik": NIK}
    assert NIK not in str(caught.value)
    assert server.hits["/always/422"] == 1


def test_retries_stop_after_the_configured_number(server, make_client) -> None:
    with pytest.raises(DependencyUnavailable) as caught:
        make_client(retries=2).request("GET", "/always/503")

    assert caught.value.status == 503
    assert caught.value.retry_after == 7.0  # the dependency's Retry-After, for the caller
    assert server.hits["/always/503"] == 3


def test_a_500_is_unavailable_but_not_retried(server, make_client) -> None:
    with pytest.raises(DependencyUnavailable):
        make_client().request("GET", "/always/500")

    assert server.hits["/always/500"] == 1


def test_a_429_means_try_later_not_rejected(server, make_client) -> None:
    with pytest.raises(DependencyUnavailable) as caught:
        make_client().request("GET", "/always/429")

    assert caught.value.status == 429
    assert server.hits["/always/429"] == 3


def test_a_timeout_is_unavailable(server, make_client) -> None:
    started = time.monotonic()
    with pytest.raises(DependencyUnavailable) as caught:
        make_client(timeout=0.1, retries=0).request("GET", "/slow")

    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 0.9


def test_a_refused_connection_is_unavailable(make_client) -> None:
    client = make_client(base_url=f"http://127.0.0.1:{closed_port()}", retries=1)

    with pytest.raises(DependencyUnavailable) as caught:
        client.request("GET", "/v1/anything")

    assert caught.value.reason == "connect"


def test_an_unknown_host_is_unavailable(make_client) -> None:
    client = make_client(base_url="http://billing.invalid", retries=0)

    with pytest.raises(DependencyUnavailable) as caught:
        client.request("GET", "/v1/anything")

    assert caught.value.reason in {"connect", "timeout"}


def test_the_circuit_opens_fails_fast_and_lets_one_trial_through(server, make_client):
    client = make_client(retries=0, circuit_failures=2, circuit_reset=0.3)
    for _ in range(2):
        with pytest.raises(DependencyUnavailable):
            client.request("GET", "/always/503")
    assert client.circuit_open

    with pytest.raises(DependencyUnavailable) as caught:
        client.request("GET", "/ok")
    assert caught.value.reason == "circuit_open"
    assert 0 < (caught.value.retry_after or 0) <= 0.3
    assert server.hits["/ok"] == 0

    time.sleep(0.35)
    trial = threading.Thread(target=client.request, args=("GET", "/slow-ok"))
    trial.start()
    deadline = time.monotonic() + 2
    while server.hits["/slow-ok"] == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    # The trial is in flight: everyone else still fails fast.
    with pytest.raises(DependencyUnavailable) as caught:
        client.request("GET", "/ok")
    assert caught.value.reason == "circuit_open"
    trial.join()

    assert not client.circuit_open
    assert client.request("GET", "/ok").status_code == 200


def test_a_failed_trial_opens_the_circuit_again(server, make_client) -> None:
    client = make_client(retries=0, circuit_failures=2, circuit_reset=0.1)
    for _ in range(2):
        with pytest.raises(DependencyUnavailable):
            client.request("GET", "/always/503")
    time.sleep(0.15)

    with pytest.raises(DependencyUnavailable) as caught:
        client.request("GET", "/always/503")
    assert caught.value.reason == "status"  # the trial went out
    with pytest.raises(DependencyUnavailable) as caught:
        client.request("GET", "/always/503")
    assert caught.value.reason == "circuit_open"
    assert server.hits["/always/503"] == 3


def test_a_4xx_does_not_count_towards_the_circuit(server, make_client) -> None:
    client = make_client(retries=0, circuit_failures=2)
    for _ in range(3):
        with pytest.raises(DependencyRejected):
            client.request("GET", "/always/404")

    assert not client.circuit_open


def test_failures_are_logged_as_warnings_without_bodies(server, make_client, caplog) -> None:
    client = make_client(retries=1)
    with caplog.at_level(logging.WARNING, logger="imigrasi.lib.http"):
        with pytest.raises(DependencyRejected):
            client.request("POST", "/always/400", json={"nik": NIK})
        with pytest.raises(DependencyUnavailable):
            client.request("GET", "/always/503")

    assert [r.levelno for r in caplog.records] == [logging.WARNING] * 3
    assert "scripted POST /always/400: rejected with 400" in caplog.text
    assert NIK not in caplog.text


def test_it_refuses_an_absolute_url_in_place_of_a_path(server, make_client) -> None:
    with pytest.raises(ValueError, match="path"):
        make_client().request("GET", "http://elsewhere.example/v1/bills")


def test_it_refuses_a_base_url_that_is_not_http() -> None:
    with pytest.raises(ValueError, match="http"):
        OutboundClient("ftp://billing.example", name="billing")


def test_the_per_system_rate_limit_spaces_requests_and_never_exceeds_it(
    server, make_client, monkeypatch
) -> None:
    monkeypatch.setattr("imigrasi.lib.http.RATE_LIMIT_WAIT_SECONDS", 3.0)
    client = make_client(rate_per_second=5)
    started = time.monotonic()
    for _ in range(7):
        client.request("GET", "/ok")
    # Five fit the first second; the sixth and seventh wait for the window to move on.
    assert time.monotonic() - started >= 0.9
    assert server.hits["/ok"] == 7


def test_a_request_that_cannot_get_a_turn_in_time_is_unavailable_not_lost(
    server, make_client, monkeypatch
) -> None:
    monkeypatch.setattr("imigrasi.lib.http.RATE_LIMIT_WAIT_SECONDS", 0.05)
    client = make_client(rate_per_second=1, retries=0)
    client.request("GET", "/ok")
    with pytest.raises(DependencyUnavailable) as caught:
        client.request("GET", "/ok")
    assert caught.value.reason == "rate_limited" and caught.value.retry_after
    assert server.hits["/ok"] == 1


def test_retries_wait_with_jittered_exponential_backoff(server, make_client) -> None:
    client = make_client(backoff=0.2)
    started = time.monotonic()
    client.request("GET", "/flaky/backoff")
    # Waits of [0.1, 0.2] then [0.2, 0.4] seconds ("equal jitter").
    assert 0.3 <= time.monotonic() - started < 1.0
