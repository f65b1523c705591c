"""Receiving-agency simulator: what a population registry or manpower ministry runs to take
our decision events (imigrasi/outbox), for tests and demos.

Run::

    python -m simulators.agency_receiver.server --port 8004 --secret whsec_... [--port-file P]

The secret may also come from ``AGENCY_RECEIVER_SECRET`` (keeps it out of ``ps``); several
secrets, comma-separated, are all accepted (a rotation in progress).

``POST /events`` (any path under /events)
    Verifies the ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers with
    the ``standardwebhooks`` package (five-minute tolerance). A bad or missing signature: 401,
    nothing recorded. A valid message: 204; a message id seen before: 204 again and counted
    as a duplicate (receivers must be idempotent: the sender retries after timeouts).
``GET /_control/received``
    ``{"messages": [{id, type, data}], "duplicates": n, "rejected": n}``.
``PUT /_control/mode`` body ``{"mode": "normal"|"error"|"slow"|"down", "delay": s}``
    error: 503 without recording; slow: sleep ``delay`` seconds first; down: close the
    connection without an answer. ``DELETE /_control/received`` forgets everything.
``GET /healthz``
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

MODES = ("normal", "error", "slow", "down")


class State:
    def __init__(self, secrets: list[str]) -> None:
        self.hooks = [Webhook(secret) for secret in secrets]
        self.lock = threading.Lock()
        self.messages: dict[str, dict[str, Any]] = {}
        self.duplicates = 0
        self.rejected = 0
        self.mode = "normal"
        self.delay = 0.0

    def verify(self, body: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
        for hook in self.hooks:
            try:
                return dict(hook.verify(body, headers))
            except WebhookVerificationError:
                continue
        return None

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "messages": list(self.messages.values()),
                "duplicates": self.duplicates,
                "rejected": self.rejected,
                "mode": self.mode,
            }


def make_handler(state: State, quiet: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            if not quiet:
                super().log_message(format, *args)

        def _send(self, status: int, body: Any = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:
            if self.path == "/healthz":
                self._send(200, {"status": "ok"})
            elif self.path == "/_control/received":
                self._send(200, state.snapshot())
            else:
                self._send(404, {"detail": "not found"})

        def do_DELETE(self) -> None:
            if self.path != "/_control/received":
                self._send(404, {"detail": "not found"})
                return
            with state.lock:
                state.messages.clear()
                state.duplicates = state.rejected = 0
            self._send(204)

        def do_PUT(self) -> None:
            if self.path != "/_control/mode":
                self._send(404, {"detail": "not found"})
                return
            try:
                wanted = json.loads(self._body() or b"{}")
                mode = str(wanted["mode"])
                delay = float(wanted.get("delay", 0))
            except (ValueError, KeyError, TypeError):
                self._send(422, {"detail": "mode: one of " + ", ".join(MODES)})
                return
            if mode not in MODES:
                self._send(422, {"detail": "mode: one of " + ", ".join(MODES)})
                return
            with state.lock:
                state.mode, state.delay = mode, delay
            self._send(200, {"mode": mode, "delay": delay})

        def do_POST(self) -> None:
            body = self._body()
            if not self.path.startswith("/events"):
                self._send(404, {"detail": "not found"})
                return
            mode, delay = state.mode, state.delay
            if mode == "down":
                self.close_connection = True
                self.connection.close()
                return
            if mode == "slow":
                time.sleep(delay)
            if mode == "error":
                self._send(503, {"detail": "temporarily unavailable"})
                return
            headers = {key: value for key, value in self.headers.items()}
            envelope = state.verify(body, headers)
            if envelope is None:
                with state.lock:
                    state.rejected += 1
                self._send(401, {"detail": "bad signature"})
                return
            message_id = headers.get("webhook-id") or headers.get("Webhook-Id") or ""
            with state.lock:
                if message_id in state.messages:
                    state.duplicates += 1
                else:
                    state.messages[message_id] = {
                        "id": message_id,
                        "type": envelope.get("type"),
                        "data": envelope.get("data"),
                    }
            self._send(204)

    return Handler


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8004)
    parser.add_argument("--port-file", type=Path)
    parser.add_argument("--secret", default=os.environ.get("AGENCY_RECEIVER_SECRET", ""))
    parser.add_argument("--mode", choices=MODES, default="normal")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    secrets = [s for s in args.secret.split(",") if s]
    if not secrets:
        parser.error("--secret (or AGENCY_RECEIVER_SECRET) is required")
    state = State(secrets)
    state.mode = args.mode
    server = ThreadingHTTPServer((args.host, args.port), make_handler(state, args.quiet))
    server.daemon_threads = True
    if args.port_file:
        temporary = args.port_file.with_suffix(".tmp")
        temporary.write_text(str(server.server_address[1]))
        temporary.replace(args.port_file)
    if not args.quiet:
        print(
            f"Agency receiver on http://{args.host}:{server.server_address[1]}/events", flush=True
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
