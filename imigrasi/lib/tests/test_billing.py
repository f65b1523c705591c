"""The billing adapter against the payment channel simulator, a separate process over real HTTP.

The simulator plays the state billing system; a small receiver in this process plays the
platform's callback endpoint. Nothing in our client is patched.
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from imigrasi.lib.billing import (
    BadSignature,
    Bill,
    BillingClient,
    generate_keypair,
    public_key_for,
    sign_callback,
    verify_callback,
)
from imigrasi.lib.http import DependencyRejected, DependencyUnavailable, OutboundClient
from imigrasi.lib.identifiers import luhn_check_digit

ROOT = Path(__file__).resolve().parents[3]
AMOUNT = 350_000  # PNBP for a 48-page ordinary passport, Rupiah


# --- helpers ---------------------------------------------------------------------------------


def luhn_valid(number: str) -> bool:
    """Written independently of the simulator's implementation on purpose."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Any, timeout: float = 5.0, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {message}")
        time.sleep(0.01)


@dataclass(frozen=True)
class Callback:
    path: str
    headers: dict[str, str]
    body: bytes


class CallbackReceiver:
    """Plays the platform's callback endpoint: records every POST and answers 200."""

    def __init__(self, port: int = 0) -> None:
        self.calls: list[Callback] = []
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._changed:
                    receiver.calls.append(Callback(self.path, dict(self.headers.items()), body))
                    receiver._changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/payments/callback"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Callback]:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.calls) >= count, timeout):
                pytest.fail(f"expected {count} callback(s), got {len(self.calls)}")
            return list(self.calls)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class FaultyProxy:
    """A TCP proxy in front of the simulator: "forward" passes bytes through, "hang" accepts
    connections and never answers (a dependency that is up but stuck)."""

    def __init__(self, upstream_port: int) -> None:
        self.mode = "forward"
        self._upstream_port = upstream_port
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.02)
        self._closing = threading.Event()
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            self._sockets.append(conn)
            if self.mode == "hang":
                continue  # held open, never read, never answered
            upstream = socket.create_connection(("127.0.0.1", self._upstream_port))
            self._sockets.append(upstream)
            for source, target in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._closing.set()
        self._listener.close()
        for sock in self._sockets:
            sock.close()


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return generate_keypair()


@contextmanager
def running_simulator(workdir: Path, private_key_b64: str, *extra: str) -> Iterator[str]:
    """Start the payment channel simulator as a child process; yield its base URL."""
    port_file = workdir / "port"
    port_file.unlink(missing_ok=True)
    log_path = workdir / "simulator.log"
    command = [
        sys.executable,
        "-m",
        "simulators.payment_channel.server",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--port-file",
        str(port_file),
        "--private-key-b64",
        private_key_b64,
        # Fast callback retries so the "platform down" test takes a fraction of a second.
        "--callback-backoff",
        "0.05",
        "--callback-max-delay",
        "0.2",
        "--callback-timeout",
        "1",
        *extra,
    ]
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield _wait_for_simulator(process, port_file, log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert process.returncode == 0, log_path.read_text()  # SIGTERM is a clean shutdown


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory, keys: tuple[str, str]) -> Iterator[str]:
    with running_simulator(tmp_path_factory.mktemp("payment-channel"), keys[0]) as url:
        yield url


def _wait_for_simulator(process: subprocess.Popen[bytes], port_file: Path, log: Path) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"simulator exited with {process.returncode}:\n{log.read_text()}")
        if port_file.exists():
            url = f"http://127.0.0.1:{int(port_file.read_text())}"
            with suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=0.5).json() == {"status": "ok"}:
                    return url
        time.sleep(0.02)
    pytest.fail(f"simulator did not come up:\n{log.read_text()}")


@pytest.fixture
def billing(simulator: str) -> Iterator[BillingClient]:
    http = OutboundClient(simulator, name="billing", timeout=2.0, retries=1, backoff=0.01)
    yield BillingClient(simulator, client=http)
    http.close()


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    platform = CallbackReceiver()
    yield platform
    platform.close()


def new_bill(billing: BillingClient, callback_url: str, **overrides: Any) -> Bill:
    arguments: dict[str, Any] = {
        "reference": f"APP-{uuid.uuid4().hex[:12].upper()}",
        "amount": AMOUNT,
        "expires_at": datetime.now(UTC) + timedelta(hours=2),
        "description": "PNBP paspor biasa 48 halaman",
        "callback_url": callback_url,
    }
    arguments.update(overrides)
    return billing.create_bill(**arguments)


class Payer:
    """A person paying bills at a channel: the simulator's payer side, not our client."""

    def __init__(self, simulator: str) -> None:
        self._http = httpx.Client(base_url=simulator, timeout=2.0)

    def pay(self, code: str, channel: str = "BNI Mobile", query: str = "") -> httpx.Response:
        return self._http.post(f"/v1/bills/{code}/pay{query}", json={"channel": channel})

    def replay(self, code: str) -> httpx.Response:
        return self._http.post(f"/v1/bills/{code}/replay-callback")

    def close(self) -> None:
        self._http.close()


@pytest.fixture(scope="module")
def payer(simulator: str) -> Iterator[Payer]:
    person = Payer(simulator)
    yield person
    person.close()


# --- bills -----------------------------------------------------------------------------------


def test_it_issues_a_15_digit_billing_code_with_a_valid_check_digit(billing, receiver) -> None:
    expires_at = datetime.now(UTC) + timedelta(hours=2)

    bill = new_bill(billing, receiver.url, reference="APP-2026-000001", expires_at=expires_at)

    assert len(bill.billing_code) == 15
    assert bill.billing_code.isascii() and bill.billing_code.isdigit()
    assert luhn_valid(bill.billing_code)
    assert bill.amount == AMOUNT
    assert bill.reference == "APP-2026-000001"
    assert bill.expires_at == expires_at
    assert billing.get_bill(bill.billing_code)["status"] == "unpaid"


def test_the_check_digit_is_luhn() -> None:
    assert luhn_check_digit("7992739871") == "3"  # the textbook example
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398714")


def test_the_same_reference_twice_returns_the_same_bill(billing, receiver) -> None:
    expires_at = datetime.now(UTC) + timedelta(hours=2)

    first = new_bill(billing, receiver.url, reference="APP-TWICE-1", expires_at=expires_at)
    second = new_bill(billing, receiver.url, reference="APP-TWICE-1", expires_at=expires_at)

    assert second == first


def test_the_same_reference_with_a_different_body_is_rejected_with_409(billing, receiver):
    expires_at = datetime.now(UTC) + timedelta(hours=2)
    new_bill(billing, receiver.url, reference="APP-CONFLICT-1", expires_at=expires_at)

    with pytest.raises(DependencyRejected) as caught:
        new_bill(
            billing,
            receiver.url,
            reference="APP-CONFLICT-1",
            expires_at=expires_at,
            amount=AMOUNT + 1,
        )

    assert caught.value.status == 409
    assert "Idempotency-Key" in caught.value.body["detail"]


def test_an_unknown_billing_code_is_rejected_with_404(billing) -> None:
    with pytest.raises(DependencyRejected) as caught:
        billing.get_bill("100000000000009")

    assert caught.value.status == 404


# --- payment callbacks -----------------------------------------------------------------------


def test_a_payment_delivers_a_signed_callback_that_verifies(payer, billing, receiver, keys) -> None:
    bill = new_bill(billing, receiver.url)

    answer = payer.pay(bill.billing_code, channel="ATM Mandiri")

    assert answer.status_code == 202
    [callback] = receiver.wait_for(1)
    assert callback.path == "/payments/callback"
    notice = verify_callback(callback.body, callback.headers, keys[1])
    assert notice.billing_code == bill.billing_code
    assert notice.amount == bill.amount
    assert notice.reference == bill.reference
    assert notice.channel == "ATM Mandiri"
    assert notice.transaction_id == answer.json()["transaction_id"]
    assert notice.paid_at.tzinfo is UTC
    assert abs(datetime.now(UTC) - notice.paid_at) < timedelta(minutes=1)
    assert billing.get_bill(bill.billing_code)["status"] == "paid"
    wait_until(
        lambda: billing.get_bill(bill.billing_code)["callback_status"] == "delivered",
        message="the simulator to record the delivery",
    )


def test_a_tampered_callback_fails_verification(payer, billing, receiver, keys) -> None:
    bill = new_bill(billing, receiver.url)

    assert payer.pay(bill.billing_code, query="?tamper=1").status_code == 202

    [callback] = receiver.wait_for(1)
    with pytest.raises(BadSignature, match="signature does not match"):
        verify_callback(callback.body, callback.headers, keys[1])


def test_a_replayed_callback_is_byte_for_byte_identical(payer, billing, receiver, keys):
    bill = new_bill(billing, receiver.url)
    payer.pay(bill.billing_code)
    receiver.wait_for(1)

    answer = payer.replay(bill.billing_code)

    assert answer.status_code == 202
    first, replayed = receiver.wait_for(2)
    assert replayed.body == first.body
    for header in ("X-Billing-Timestamp", "X-Billing-Signature"):
        assert replayed.headers[header] == first.headers[header]
    # Still validly signed: only the transaction_id tells the platform it is a replay.
    notices = [verify_callback(c.body, c.headers, keys[1]) for c in (first, replayed)]
    assert notices[0].transaction_id == notices[1].transaction_id


def test_a_stale_or_future_callback_is_refused(payer, billing, receiver, keys) -> None:
    bill = new_bill(billing, receiver.url)
    payer.pay(bill.billing_code)
    [callback] = receiver.wait_for(1)
    signed_at = datetime.fromtimestamp(int(callback.headers["X-Billing-Timestamp"]), tz=UTC)

    for now in (signed_at + timedelta(minutes=6), signed_at - timedelta(minutes=6)):
        with pytest.raises(BadSignature, match="window"):
            verify_callback(callback.body, callback.headers, keys[1], now=now)
    late_but_in_time = signed_at + timedelta(minutes=4)
    assert verify_callback(callback.body, callback.headers, keys[1], now=late_but_in_time)


def test_paying_an_expired_bill_is_refused_with_410(payer, billing, receiver) -> None:
    expires_at = datetime.now(UTC) + timedelta(seconds=0.3)
    bill = new_bill(billing, receiver.url, expires_at=expires_at)
    time.sleep(max(0.0, (expires_at - datetime.now(UTC)).total_seconds()) + 0.02)

    answer = payer.pay(bill.billing_code)

    assert answer.status_code == 410
    assert billing.get_bill(bill.billing_code)["status"] == "expired"
    assert receiver.calls == []


def test_paying_a_bill_twice_is_refused_with_409(payer, billing, receiver) -> None:
    bill = new_bill(billing, receiver.url)
    assert payer.pay(bill.billing_code).status_code == 202

    assert payer.pay(bill.billing_code, channel="DANA").status_code == 409
    assert len(receiver.wait_for(1)) == 1


def test_a_platform_that_is_down_receives_the_callback_when_it_comes_back(
    payer, billing, keys
) -> None:
    port = closed_port()
    bill = new_bill(billing, f"http://127.0.0.1:{port}/payments/callback")
    payer.pay(bill.billing_code)
    wait_until(
        lambda: billing.get_bill(bill.billing_code)["callback_attempts"] >= 2,
        message="failed delivery attempts",
    )

    platform = CallbackReceiver(port=port)
    try:
        [callback] = platform.wait_for(1)
    finally:
        platform.close()

    assert verify_callback(callback.body, callback.headers, keys[1]).billing_code == (
        bill.billing_code
    )
    wait_until(lambda: billing.get_bill(bill.billing_code)["callback_status"] == "delivered")


def test_a_person_can_pay_a_bill_by_hand_on_the_simulator_page(
    simulator, billing, receiver, keys
) -> None:
    bill = new_bill(billing, receiver.url)
    with httpx.Client(base_url=simulator, timeout=2.0) as browser:
        page = browser.get("/")
        assert page.headers["Content-Type"].startswith("text/html")
        assert '<html lang="en">' in page.text
        assert f'action="/ui/pay/{bill.billing_code}"' in page.text
        assert f'<label for="channel-{bill.billing_code}">' in page.text

        answer = browser.post(f"/ui/pay/{bill.billing_code}", data={"channel": "Kantor Pos"})

        assert answer.status_code == 303
        assert answer.headers["Location"] == "/?result=paid"
        assert 'role="status"' in browser.get(answer.headers["Location"]).text
    [callback] = receiver.wait_for(1)
    assert verify_callback(callback.body, callback.headers, keys[1]).channel == "Kantor Pos"


@pytest.mark.slow
def test_bills_survive_a_restart_with_a_data_file(tmp_path, keys, receiver) -> None:
    data_file = tmp_path / "bills.json"
    arguments = (tmp_path, keys[0], "--data-file", str(data_file))
    with running_simulator(*arguments) as url, OutboundClient(url, name="billing") as http:
        bill = new_bill(BillingClient(url, client=http), receiver.url)

    with running_simulator(*arguments) as url, OutboundClient(url, name="billing") as http:
        billing = BillingClient(url, client=http)
        assert billing.get_bill(bill.billing_code)["status"] == "unpaid"
        again = new_bill(
            billing, receiver.url, reference=bill.reference, expires_at=bill.expires_at
        )
        assert again == bill


# --- a billing system that is down -----------------------------------------------------------


def test_create_bill_against_a_closed_port_is_unavailable_quickly(receiver) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    billing = BillingClient(
        url, client=OutboundClient(url, name="billing", timeout=0.5, retries=1, backoff=0.01)
    )
    started = time.monotonic()

    with pytest.raises(DependencyUnavailable) as caught:
        new_bill(billing, receiver.url)

    assert caught.value.reason == "connect"
    assert time.monotonic() - started < 1.0


def test_the_circuit_opens_fails_fast_and_recovers_after_the_reset(simulator, receiver):
    proxy = FaultyProxy(upstream_port=int(simulator.rsplit(":", 1)[1]))
    http = OutboundClient(
        proxy.url, name="billing", timeout=0.15, retries=0, circuit_failures=3, circuit_reset=0.3
    )
    billing = BillingClient(proxy.url, client=http)
    try:
        proxy.mode = "hang"
        for _ in range(3):
            with pytest.raises(DependencyUnavailable) as caught:
                new_bill(billing, receiver.url)
            assert caught.value.reason == "timeout"
        opened_at = time.monotonic()

        started = time.perf_counter()
        with pytest.raises(DependencyUnavailable) as caught:
            new_bill(billing, receiver.url)
        assert time.perf_counter() - started < 0.05
        assert caught.value.reason == "circuit_open"

        proxy.mode = "forward"
        time.sleep(max(0.0, opened_at + 0.3 - time.monotonic()) + 0.02)
        bill = new_bill(billing, receiver.url)
        assert luhn_valid(bill.billing_code)
        assert not http.circuit_open
    finally:
        http.close()
        proxy.close()


# --- verify_callback on its own ---------------------------------------------------------------

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
GOOD_NOTICE = {
    "billing_code": "820241129000013",
    "amount": AMOUNT,
    "paid_at": "2026-11-29T02:59:30+00:00",
    "channel": "Indomaret",
    "transaction_id": "0A1B2C3D4E5F6A7B",
    "reference": "APP-2026-000042",
}


def signed(keys: tuple[str, str], body: bytes, at: datetime = NOW) -> dict[str, str]:
    return sign_callback(body, keys[0], timestamp=int(at.timestamp()))


def test_it_accepts_lower_case_header_names_and_converts_paid_at_to_utc(keys) -> None:
    notice_data = {**GOOD_NOTICE, "paid_at": "2026-11-29T09:59:30+07:00"}  # WIB
    body = json.dumps(notice_data).encode()
    headers = {name.lower(): value for name, value in signed(keys, body).items()}

    notice = verify_callback(body, headers, keys[1], now=NOW)

    assert notice.paid_at == datetime(2026, 11, 29, 2, 59, 30, tzinfo=UTC)
    assert notice.paid_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"billing_code": "82024112900001"}, "billing_code"),
        ({"billing_code": "8202411290000\u0661\u0663"}, "billing_code"),  # Arabic-Indic digits
        ({"billing_code": 820241129000013}, "billing_code"),
        ({"amount": 0}, "amount"),
        ({"amount": -350000}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": 350000.0}, "amount"),
        ({"paid_at": "2026-11-29T02:59:30"}, "paid_at"),
        ({"paid_at": "yesterday"}, "paid_at"),
        ({"channel": ""}, "channel"),
        ({"transaction_id": None}, "transaction_id"),
    ],
)
def test_it_refuses_a_signed_but_malformed_notice(keys, change, reason) -> None:
    body = json.dumps({**GOOD_NOTICE, **change}).encode()

    with pytest.raises(BadSignature, match=reason):
        verify_callback(body, signed(keys, body), keys[1], now=NOW)


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe", b""])
def test_it_refuses_a_signed_body_that_is_not_a_json_object(keys, body) -> None:
    with pytest.raises(BadSignature, match="JSON"):
        verify_callback(body, signed(keys, body), keys[1], now=NOW)


def test_it_refuses_a_notice_with_a_missing_field(keys) -> None:
    body = json.dumps({k: v for k, v in GOOD_NOTICE.items() if k != "amount"}).encode()

    with pytest.raises(BadSignature, match="missing field 'amount'"):
        verify_callback(body, signed(keys, body), keys[1], now=NOW)


def test_it_refuses_bad_signature_headers(keys) -> None:
    body = json.dumps(GOOD_NOTICE).encode()
    good = signed(keys, body)
    short = base64.b64encode(b"\x00" * 32).decode()
    cases = [
        ({}, "missing"),
        ({"X-Billing-Timestamp": good["X-Billing-Timestamp"]}, "missing"),
        ({**good, "X-Billing-Timestamp": "17e8"}, "timestamp"),
        ({**good, "X-Billing-Timestamp": "-1"}, "timestamp"),
        ({**good, "X-Billing-Signature": "not base64!"}, "base64"),
        ({**good, "X-Billing-Signature": short}, "length"),
        # A signature for another timestamp: the timestamp is part of what is signed.
        ({**good, "X-Billing-Timestamp": str(int(NOW.timestamp()) + 1)}, "does not match"),
    ]
    for headers, reason in cases:
        with pytest.raises(BadSignature, match=reason):
            verify_callback(body, headers, keys[1], now=NOW)


def test_a_notice_signed_by_another_key_is_refused(keys) -> None:
    body = json.dumps(GOOD_NOTICE).encode()
    other_private, _ = generate_keypair()
    headers = sign_callback(body, other_private, timestamp=int(NOW.timestamp()))

    with pytest.raises(BadSignature, match="does not match"):
        verify_callback(body, headers, keys[1], now=NOW)


def test_generated_keys_are_raw_32_byte_ed25519_keys_in_base64(keys) -> None:
    private_b64, public_b64 = keys

    assert len(base64.b64decode(private_b64)) == 32
    assert len(base64.b64decode(public_b64)) == 32
    assert public_key_for(private_b64) == public_b64


def test_a_misconfigured_public_key_is_a_configuration_error(keys) -> None:
    body = json.dumps(GOOD_NOTICE).encode()

    with pytest.raises(ValueError, match="public key"):
        verify_callback(body, signed(keys, body), "too-short", now=NOW)
