"""Payment channel simulator: the billing system's HTTP contract, for tests and demos.

Run::

    python -m simulators.payment_channel.server --host 127.0.0.1 --port 8001 \\
        --private-key-b64 KEY [--port-file PATH] [--data-file PATH]

``--port 0`` binds a free port and writes it to ``--port-file``. The private key may also come
from ``PAYMENT_SIMULATOR_PRIVATE_KEY_B64`` (keeps it out of ``ps``); the matching public key,
which the platform needs to verify callbacks, is printed at start-up.

Contract (JSON in and out; errors are ``{"detail": "..."}``):

``POST /v1/bills`` with header ``Idempotency-Key`` and body
    ``{reference, amount, expires_at, description, callback_url}`` (``amount`` a positive
    integer of Rupiah, ``expires_at`` ISO 8601 with a UTC offset and in the future).
    201 ``{billing_code, amount, expires_at, reference, description, status: "unpaid", ...}``;
    the same key with the same body again: 200 with the same bill; the same key with a
    different body: 409; invalid input or a missing key: 422; a body that is not JSON: 400.
``GET /v1/bills/{code}``
    200 with the bill, ``status`` one of "unpaid", "paid", "expired"; 404 if unknown.
``POST /v1/bills/{code}/pay`` body ``{channel}`` (``?tamper=1`` signs the callback wrongly)
    A payer at a channel. 410 if the bill expired, 409 if already paid, else the bill is paid
    and 202 ``{transaction_id, callback_status: "pending"}``; the callback is then delivered
    in the background.
``POST /v1/bills/{code}/replay-callback``
    Sends the last callback again byte for byte: same body, timestamp and signature. 202;
    409 if the bill has not been paid yet.
``GET /`` and ``POST /ui/pay/{code}`` (form field ``channel``)
    A small HTML page to pay bills by hand during a demo; the form redirects back (303).
``GET /healthz``
    200 ``{"status": "ok"}``.

Callback: ``POST`` to the bill's ``callback_url`` with body ``{billing_code, amount, paid_at,
channel, transaction_id, reference}`` and headers ``X-Billing-Timestamp`` (unix seconds) and
``X-Billing-Signature`` (base64 Ed25519 signature of ``f"{timestamp}.".encode() + body``, see
``imigrasi.lib.billing``). Anything but a 2xx answer (or no answer) is retried after
``backoff * 2**n`` seconds (capped at ``--callback-max-delay``), up to ``--callback-attempts``
attempts, so a platform that is down receives the payment when it comes back.
``transaction_id`` is NTPN-like: 16 upper-case hexadecimal characters, unique per payment.

Billing codes: 15 digits, the first never 0 (spreadsheets and people drop leading zeros), the
last a Luhn (mod 10) check digit over the first 14, which catches every single mistyped digit
and most swaps of neighbouring digits. This is our simulator's convention: the platform must
not assume real SIMPONI codes carry a Luhn digit.

State lives in memory and, with ``--data-file``, in a JSON file rewritten atomically after
every change, so a restart keeps bills and resumes callback deliveries that were pending.
This is a development tool: it binds to 127.0.0.1 by default and has no authentication.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import html
import json
import logging
import os
import re
import secrets
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from imigrasi.lib.billing import public_key_for, sign_callback
from imigrasi.lib.identifiers import luhn_check_digit

logger = logging.getLogger("simulators.payment_channel")

CHANNELS = (
    "BNI Mobile",
    "Livin' by Mandiri",
    "ATM Mandiri",
    "BRImo",
    "Teller BRI",
    "Kantor Pos",
    "Indomaret",
    "Alfamart",
    "Tokopedia",
    "DANA",
)
MAX_BODY_BYTES = 64 * 1024
_CODE = r"(?P<code>[0-9]{15})"
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("GET", re.compile(r"/"), "page"),
    ("GET", re.compile(r"/healthz"), "health"),
    ("POST", re.compile(r"/v1/bills"), "create_bill"),
    ("GET", re.compile(rf"/v1/bills/{_CODE}"), "get_bill"),
    ("POST", re.compile(rf"/v1/bills/{_CODE}/pay"), "pay"),
    ("POST", re.compile(rf"/v1/bills/{_CODE}/replay-callback"), "replay"),
    ("POST", re.compile(rf"/ui/pay/{_CODE}"), "ui_pay"),
]


# --- billing codes ---------------------------------------------------------------------------


def luhn_is_valid(number: str) -> bool:
    if not number.isascii() or not number.isdigit() or len(number) < 2:
        return False
    return luhn_check_digit(number[:-1]) == number[-1]


def new_billing_code() -> str:
    payload = str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(13))
    return payload + luhn_check_digit(payload)


# --- state -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    private_key_b64: str
    data_file: Path | None = None
    callback_attempts: int = 10
    callback_backoff: float = 0.5
    callback_max_delay: float = 60.0
    callback_timeout: float = 5.0


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    location: str | None = None
    allow: str | None = None


class ApiError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _now() -> datetime:
    return datetime.now(UTC)


def _json_reply(status: int, data: Any) -> Reply:
    return Reply(status, json.dumps(data).encode())


class Simulator:
    """The billing system's state and rules, independent of the HTTP plumbing."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        # One client for all deliveries: thread-safe, pooled, and it loads the CA bundle once
        # (tens of milliseconds) instead of per callback.
        self._http = httpx.Client(timeout=settings.callback_timeout, follow_redirects=False)
        self.bills: dict[str, dict[str, Any]] = {}
        self.idempotency: dict[str, dict[str, str]] = {}
        if settings.data_file and settings.data_file.exists():
            saved = json.loads(settings.data_file.read_text(encoding="utf-8"))
            self.bills = saved.get("bills", {})
            self.idempotency = saved.get("idempotency", {})

    # Lifecycle

    def resume_deliveries(self) -> None:
        """After a restart, keep delivering callbacks that had not reached the platform."""
        with self._lock:
            pending = [
                code for code, bill in self.bills.items() if bill["callback_status"] == "pending"
            ]
        for code in pending:
            self._start_delivery(code)

    def stop(self) -> None:
        self._stopping.set()
        self._http.close()

    def _save(self) -> None:
        """Write the state atomically (caller holds the lock)."""
        path = self.settings.data_file
        if path is None:
            return
        data = json.dumps({"bills": self.bills, "idempotency": self.idempotency}, indent=1)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
        os.replace(tmp, path)

    # Views of a bill

    @staticmethod
    def status_of(bill: dict[str, Any], now: datetime | None = None) -> str:
        if bill["status"] == "paid":
            return "paid"
        expires_at = datetime.fromisoformat(bill["expires_at"])
        return "expired" if (now or _now()) >= expires_at else "unpaid"

    def public(self, bill: dict[str, Any]) -> dict[str, Any]:
        return {
            "billing_code": bill["billing_code"],
            "amount": bill["amount"],
            "expires_at": bill["expires_at"],
            "reference": bill["reference"],
            "description": bill["description"],
            "status": self.status_of(bill),
            "paid_at": bill["paid_at"],
            "channel": bill["channel"],
            "transaction_id": bill["transaction_id"],
            "callback_status": bill["callback_status"],
            "callback_attempts": bill["callback_attempts"],
        }

    # Operations

    def create_bill(self, payload: Any, idempotency_key: str | None) -> Reply:
        if not idempotency_key or len(idempotency_key) > 200:
            raise ApiError(422, "the Idempotency-Key header is required (1-200 characters)")
        request = _validate_bill_request(payload)
        fingerprint = hashlib.sha256(
            json.dumps(request, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        with self._lock:
            seen = self.idempotency.get(idempotency_key)
            if seen is not None:
                if seen["fingerprint"] != fingerprint:
                    raise ApiError(409, "this Idempotency-Key was used with a different body")
                return _json_reply(200, self.public(self.bills[seen["billing_code"]]))
            # Checked only for new bills: a retry of a create must still get its bill back
            # even when it arrives after the expiry.
            if datetime.fromisoformat(request["expires_at"]) <= _now():
                raise ApiError(422, "expires_at must be in the future")
            code = new_billing_code()
            while code in self.bills:
                code = new_billing_code()
            bill = {
                **request,
                "billing_code": code,
                "created_at": _now().isoformat(),
                "status": "unpaid",
                "paid_at": None,
                "channel": None,
                "transaction_id": None,
                "callback": None,
                "callback_status": None,
                "callback_attempts": 0,
            }
            self.bills[code] = bill
            self.idempotency[idempotency_key] = {"fingerprint": fingerprint, "billing_code": code}
            self._save()
            return _json_reply(201, self.public(bill))

    def get_bill(self, code: str) -> Reply:
        with self._lock:
            return _json_reply(200, self.public(self._bill(code)))

    def pay(self, code: str, channel: Any, *, tamper: bool = False) -> Reply:
        if not isinstance(channel, str) or not channel.strip() or len(channel) > 100:
            raise ApiError(422, "channel is required (1-100 characters)")
        with self._lock:
            bill = self._bill(code)
            status = self.status_of(bill)
            if status == "paid":
                raise ApiError(409, "this bill has already been paid")
            if status == "expired":
                raise ApiError(410, "this bill has expired")
            paid_at = _now()
            transaction_id = secrets.token_hex(8).upper()
            body = json.dumps(
                {
                    "billing_code": code,
                    "amount": bill["amount"],
                    "paid_at": paid_at.isoformat(),
                    "channel": channel.strip(),
                    "transaction_id": transaction_id,
                    "reference": bill["reference"],
                },
                separators=(",", ":"),
            ).encode()
            headers = sign_callback(
                body, self.settings.private_key_b64, timestamp=int(paid_at.timestamp())
            )
            signature = headers["X-Billing-Signature"]
            if tamper:
                signature = _corrupt(signature)
            bill.update(
                status="paid",
                paid_at=paid_at.isoformat(),
                channel=channel.strip(),
                transaction_id=transaction_id,
                callback={
                    "body": body.decode(),
                    "timestamp": headers["X-Billing-Timestamp"],
                    "signature": signature,
                },
                callback_status="pending",
                callback_attempts=0,
            )
            self._save()
        self._start_delivery(code)
        return _json_reply(202, {"transaction_id": transaction_id, "callback_status": "pending"})

    def replay(self, code: str) -> Reply:
        with self._lock:
            bill = self._bill(code)
            if bill["callback"] is None:
                raise ApiError(409, "this bill has not been paid: there is no callback to replay")
            bill["callback_status"] = "pending"
            transaction_id = bill["transaction_id"]
            self._save()
        self._start_delivery(code)
        return _json_reply(202, {"transaction_id": transaction_id, "callback_status": "pending"})

    def _bill(self, code: str) -> dict[str, Any]:
        bill = self.bills.get(code)
        if bill is None:
            raise ApiError(404, "no bill with this billing code")
        return bill

    # Callback delivery

    def _start_delivery(self, code: str) -> None:
        with self._lock:
            callback = dict(self.bills[code]["callback"])
            url = self.bills[code]["callback_url"]
        thread = threading.Thread(
            target=self._deliver, args=(code, url, callback), name=f"callback-{code}", daemon=True
        )
        thread.start()

    def _deliver(self, code: str, url: str, callback: dict[str, str]) -> None:
        """POST the stored callback until the platform answers 2xx or attempts run out."""
        settings = self.settings
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "payment-channel-simulator",
            "X-Billing-Timestamp": callback["timestamp"],
            "X-Billing-Signature": callback["signature"],
        }
        body = callback["body"].encode()
        for attempt in range(settings.callback_attempts):
            if self._stopping.is_set():
                return
            try:
                delivered = self._http.post(url, content=body, headers=headers).is_success
            except httpx.HTTPError as exc:
                logger.info("callback %s attempt %d: %s", code, attempt + 1, type(exc).__name__)
                delivered = False
            with self._lock:
                bill = self.bills[code]
                bill["callback_attempts"] += 1
                if delivered:
                    bill["callback_status"] = "delivered"
                elif attempt + 1 == settings.callback_attempts:
                    bill["callback_status"] = "failed"
                self._save()
            if delivered:
                return
            delay = min(settings.callback_backoff * 2**attempt, settings.callback_max_delay)
            if attempt + 1 < settings.callback_attempts and self._stopping.wait(delay):
                return

    # The hand-payment page

    def page(self, result: str | None) -> Reply:
        messages = {
            "paid": "Payment accepted; the callback is on its way.",
            "expired": "That bill has expired and can no longer be paid.",
            "already-paid": "That bill had already been paid.",
            "invalid": "Choose a payment channel.",
            "not-found": "No bill with that billing code.",
        }
        with self._lock:
            bills = sorted(self.bills.values(), key=lambda b: b["created_at"], reverse=True)
            rows = [self._row(bill) for bill in bills]
        message = messages.get(result or "")
        status = f'<p role="status">{html.escape(message)}</p>\n' if message else ""
        body = (
            "<!doctype html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "<title>Payment channel simulator</title>\n</head>\n<body>\n<main>\n"
            "<h1>Payment channel simulator</h1>\n"
            "<p>Stands in for the state billing system (SIMPONI / MPN G2). Paying a bill here "
            "sends a signed payment callback to the platform.</p>\n"
            f"{status}"
            "<table>\n<caption>Bills, newest first</caption>\n<thead>\n<tr>"
            '<th scope="col">Billing code</th><th scope="col">Reference</th>'
            '<th scope="col">Amount</th><th scope="col">Expires (UTC)</th>'
            '<th scope="col">Status</th><th scope="col">Payment</th>'
            "</tr>\n</thead>\n<tbody>\n"
            + ("".join(rows) or '<tr><td colspan="6">No bills yet.</td></tr>\n')
            + "</tbody>\n</table>\n</main>\n</body>\n</html>\n"
        )
        return Reply(200, body.encode(), content_type="text/html; charset=utf-8")

    def _row(self, bill: dict[str, Any]) -> str:
        code = html.escape(bill["billing_code"])
        status = self.status_of(bill)
        expires = datetime.fromisoformat(bill["expires_at"]).astimezone(UTC)
        amount = f"Rp{bill['amount']:,}".replace(",", ".")
        if status == "unpaid":
            options = "".join(f"<option>{html.escape(c)}</option>" for c in CHANNELS)
            action = (
                f'<form method="post" action="/ui/pay/{code}">'
                f'<label for="channel-{code}">Channel</label> '
                f'<select id="channel-{code}" name="channel">{options}</select> '
                f'<button type="submit" aria-describedby="bill-{code}">Pay</button></form>'
            )
        else:
            action = html.escape(bill["channel"]) if bill["channel"] else "&ndash;"
        return (
            f'<tr><th scope="row" id="bill-{code}">{code}</th>'
            f"<td>{html.escape(bill['reference'])}</td><td>{amount}</td>"
            f"<td>{expires:%Y-%m-%d %H:%M:%S}</td><td>{status}</td><td>{action}</td></tr>\n"
        )

    def ui_pay(self, code: str, form_body: bytes) -> Reply:
        form = parse_qs(form_body.decode("utf-8", "replace"))
        try:
            self.pay(code, form.get("channel", [""])[0])
            result = "paid"
        except ApiError as exc:
            result = {404: "not-found", 409: "already-paid", 410: "expired"}.get(
                exc.status, "invalid"
            )
        return Reply(303, b"", content_type="text/plain", location=f"/?result={result}")


def _corrupt(signature_b64: str) -> str:
    """A well-formed signature (valid base64, 64 bytes) that does not match: flip the first bit."""
    raw = bytearray(base64.b64decode(signature_b64))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode("ascii")


def _validate_bill_request(payload: Any) -> dict[str, Any]:
    """Check and normalise a create-bill body; raises ``ApiError(422)``."""
    if not isinstance(payload, dict):
        raise ApiError(422, "the body must be a JSON object")
    reference = payload.get("reference")
    if not isinstance(reference, str) or not reference.strip() or len(reference) > 64:
        raise ApiError(422, "reference is required (1-64 characters)")
    amount = payload.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount < 10**12:
        raise ApiError(422, "amount must be a positive whole number of Rupiah")
    description = payload.get("description")
    if not isinstance(description, str) or not description.strip() or len(description) > 200:
        raise ApiError(422, "description is required (1-200 characters)")
    raw_expiry = payload.get("expires_at")
    try:
        expires_at = datetime.fromisoformat(raw_expiry) if isinstance(raw_expiry, str) else None
    except ValueError:
        expires_at = None
    if expires_at is None or expires_at.utcoffset() is None:
        raise ApiError(422, "expires_at must be an ISO 8601 date-time with a UTC offset")
    callback_url = payload.get("callback_url")
    parts = urlsplit(callback_url) if isinstance(callback_url, str) else None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ApiError(422, "callback_url must be an absolute http(s) URL")
    return {
        "reference": reference,
        "amount": amount,
        "expires_at": expires_at.astimezone(UTC).isoformat(),
        "description": description,
        "callback_url": callback_url,
    }


# --- HTTP plumbing ---------------------------------------------------------------------------


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], simulator: Simulator) -> None:
        super().__init__(address, Handler)
        self.simulator = simulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up before reading the answer is routine; anything else is not.
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.info("%s hung up before the answer was sent", client_address[0])
        else:
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: SimulatorServer
    server_version = "PaymentChannelSimulator/1.0"
    protocol_version = "HTTP/1.1"  # keep-alive, so clients' connection pools are exercised
    # Headers and body are separate writes; with Nagle on, a kept-alive connection waits for
    # the client's delayed ACK (~40 ms) on every answer.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        try:
            body = self._read_body()
            reply = self._route(method, body)
        except ApiError as exc:
            reply = _json_reply(exc.status, {"detail": exc.detail})
        except Exception:
            logger.exception("unexpected error")
            reply = _json_reply(500, {"detail": "internal error"})
        self._send(reply)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise ApiError(411, "send a Content-Length")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self.close_connection = True  # the unread body must not be parsed as a request
            raise ApiError(413, f"bodies are limited to {MAX_BODY_BYTES} bytes")
        return self.rfile.read(length) if length else b""

    def _route(self, method: str, body: bytes) -> Reply:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        simulator = self.server.simulator
        allowed: list[str] = []
        for route_method, pattern, name in _ROUTES:
            match = pattern.fullmatch(url.path)
            if match is None:
                continue
            if route_method != method:
                allowed.append(route_method)
                continue
            code = match.groupdict().get("code", "")
            if name == "page":
                return simulator.page(query.get("result", [None])[0])
            if name == "health":
                return _json_reply(200, {"status": "ok"})
            if name == "get_bill":
                return simulator.get_bill(code)
            if name == "ui_pay":
                return simulator.ui_pay(code, body)
            payload = _parse_json(body)
            if name == "create_bill":
                return simulator.create_bill(payload, self.headers.get("Idempotency-Key"))
            if name == "pay":
                channel = payload.get("channel") if isinstance(payload, dict) else None
                return simulator.pay(code, channel, tamper=query.get("tamper") == ["1"])
            return simulator.replay(code)
        if allowed:
            reply = _json_reply(405, {"detail": "method not allowed"})
            return Reply(reply.status, reply.body, allow=", ".join(allowed))
        raise ApiError(404, "not found")

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store")
        if reply.location:
            self.send_header("Location", reply.location)
        if reply.allow:
            self.send_header("Allow", reply.allow)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)


def _parse_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ApiError(400, "the body is not valid JSON") from exc


# --- command line ----------------------------------------------------------------------------


def _write_port_file(path: Path, port: int) -> None:
    """Written atomically so a process polling for the file never reads half a number."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(f"{port}\n")
    os.replace(tmp, path)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulators.payment_channel.server",
        description="Payment channel simulator (stand-in for SIMPONI / MPN G2 billing).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    parser.add_argument("--port-file", type=Path, help="write the bound port here")
    parser.add_argument("--data-file", type=Path, help="persist bills to this JSON file")
    parser.add_argument(
        "--private-key-b64",
        default=os.environ.get("PAYMENT_SIMULATOR_PRIVATE_KEY_B64"),
        help="raw 32-byte Ed25519 private key, base64 (or PAYMENT_SIMULATOR_PRIVATE_KEY_B64)",
    )
    parser.add_argument("--callback-attempts", type=int, default=10)
    parser.add_argument("--callback-backoff", type=float, default=0.5, help="first delay, s")
    parser.add_argument("--callback-max-delay", type=float, default=60.0)
    parser.add_argument("--callback-timeout", type=float, default=5.0)
    parser.add_argument("--quiet", action="store_true", help="do not log every request")
    args = parser.parse_args(argv)
    if not args.private_key_b64:
        parser.error("--private-key-b64 (or PAYMENT_SIMULATOR_PRIVATE_KEY_B64) is required")
    try:
        public_key = public_key_for(args.private_key_b64)
    except ValueError as exc:
        parser.error(str(exc))
    if args.callback_attempts < 1:
        parser.error("--callback-attempts must be at least 1")

    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s payment-channel %(message)s",
        stream=sys.stderr,
    )
    simulator = Simulator(
        Settings(
            private_key_b64=args.private_key_b64,
            data_file=args.data_file,
            callback_attempts=args.callback_attempts,
            callback_backoff=args.callback_backoff,
            callback_max_delay=args.callback_max_delay,
            callback_timeout=args.callback_timeout,
        )
    )
    server = SimulatorServer((args.host, args.port), simulator)
    port = server.server_address[1]
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    logger.warning(
        "listening on http://%s:%d/ ; callbacks verify with public key %s",
        args.host,
        port,
        public_key,
    )
    if args.port_file:
        _write_port_file(args.port_file, port)
    simulator.resume_deliveries()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
        with contextlib.suppress(OSError):
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
