"""Plumbing shared by the government-system simulators (population registry, tax office).

Both stand in for agency web services that the platform reaches through
``imigrasi.lib.http.OutboundClient``. What the platform must survive is less the happy path
than the bad days: a slow registry, a 503 during maintenance, a connection that drops, the
agency's daily quota, a proxy that answers 200 with garbage. So every simulator built on this
module can be switched, at run time and over HTTP, into one of these modes:

``normal``
    Answers per contract.
``slow``
    Sleeps ``delay`` seconds (default 2) before answering normally; tests pair a short delay
    with a shorter client timeout.
``error``
    Answers ``status`` (500, 502, 503 or 504; default 503) with ``{"detail": ...}``.
``down``
    Reads the request, then closes the connection without a byte of answer (what a crashed
    upstream behind a TCP proxy looks like). The listening socket stays open so that the mode
    can be switched back.
``quota``
    Answers 429 with ``Retry-After: retry_after`` (seconds, default 30).
``malformed``
    Every answer that would be a 200 is still a 200, but its body breaks the documented shape
    (``variant``): ``truncated`` (default; JSON cut in half), ``missing_fields`` (the first
    member of the object removed), ``wrong_types`` (every member replaced by its JSON text) or
    ``html`` (a proxy's maintenance page, ``text/html``). Error answers pass unchanged.

Control API (no ``X-Client-Id`` needed; it is test plumbing, not part of the agency contract):

``PUT /_control/mode`` body ``{"mode": ..., "delay": s, "status": n, "retry_after": s,
"variant": ...}``
    Options not given return to their defaults, so the last PUT alone describes the state.
    200 with the new state; 422 ``{"detail", "field"}`` for a bad value.
``GET /_control/mode``
    200 with the current state.
``GET /_control/stats`` / ``DELETE /_control/stats``
    200 ``{"total": n, "endpoints": {"POST /v1/...": n, ...}}`` (every endpoint listed, zero
    included); DELETE sets the counters to zero first. Every request that reaches an agency
    endpoint counts, whatever the mode or the answer, so tests can prove "retried three times"
    or "never called".

Order of checks on an agency endpoint: count it; ``down``; ``slow``; the ``X-Client-Id``
header (401 without one: real access is granted per agency); ``error``/``quota``; the endpoint
itself; ``malformed`` rewrites its 200 answer. ``GET /healthz`` ignores the mode (it says the
process runs, and which mode it is in) and needs no client id.

Errors are ``{"detail": "..."}``; 422s also carry ``"field"``, the name of the offending input.
Standard library only; no Django.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, Final
from urllib.parse import urlsplit

logger = logging.getLogger("simulators.government")

MODES: Final = ("normal", "slow", "error", "down", "quota", "malformed")
ERROR_STATUSES: Final = (500, 502, 503, 504)
MALFORMED_VARIANTS: Final = ("truncated", "missing_fields", "wrong_types", "html")
DEFAULT_DELAY: Final = 2.0
MAX_DELAY: Final = 60.0
DEFAULT_ERROR_STATUS: Final = 503
DEFAULT_RETRY_AFTER: Final = 30
MAX_BODY_BYTES: Final = 64 * 1024
_DIGITS_16 = re.compile(r"[0-9]{16}")


# --- answers and errors ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


class ApiError(Exception):
    """An error answer; ``field`` names the input at fault (422s) so clients can show it."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        field: str | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
        self.headers = headers

    def reply(self) -> Reply:
        body: dict[str, str] = {"detail": self.detail}
        if self.field is not None:
            body["field"] = self.field
        return json_reply(self.status, body, self.headers)


def json_reply(status: int, data: Any, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, json.dumps(data).encode(), headers=headers)


def parse_json(body: bytes) -> Any:
    """The request body as JSON; 400 when it is not JSON at all (422 is for wrong content)."""
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ApiError(400, "the body is not valid JSON") from exc


def require_object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ApiError(422, "the body must be a JSON object", field="body")
    return payload


def require_16_digits(value: str, field_name: str) -> str:
    """Path parameters (NIK, KK) are exactly 16 ASCII digits; anything else names the field."""
    if not _DIGITS_16.fullmatch(value):
        raise ApiError(422, f"{field_name} must be 16 digits", field=field_name)
    return value


# --- routes ----------------------------------------------------------------------------------

Handler = Callable[[re.Match[str], bytes], Reply]
# A simulator's own test plumbing under /_control/ (method, path, body); None: not handled.
ControlHandler = Callable[[str, str, bytes], "Reply | None"]


@dataclass(frozen=True)
class Route:
    """One agency endpoint. ``name`` (e.g. ``"GET /v1/nik/{nik}/family"``) keys the stats."""

    method: str
    pattern: re.Pattern[str]
    name: str
    handle: Handler


# --- run-time controls -----------------------------------------------------------------------


@dataclass
class ModeState:
    mode: str = "normal"
    delay: float = DEFAULT_DELAY
    status: int = DEFAULT_ERROR_STATUS
    retry_after: int = DEFAULT_RETRY_AFTER
    variant: str = MALFORMED_VARIANTS[0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "delay": self.delay,
            "status": self.status,
            "retry_after": self.retry_after,
            "variant": self.variant,
        }


def mode_from_payload(payload: Any) -> ModeState:
    """Validate a ``PUT /_control/mode`` body; unspecified options take their defaults."""
    data = require_object(payload)
    mode = data.get("mode")
    if mode not in MODES:
        raise ApiError(422, f"mode must be one of {', '.join(MODES)}", field="mode")
    state = ModeState(mode=mode)
    delay = data.get("delay", DEFAULT_DELAY)
    if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY:
        raise ApiError(422, f"delay must be a number of seconds, 0 to {MAX_DELAY:g}", field="delay")
    state.delay = float(delay)
    status = data.get("status", DEFAULT_ERROR_STATUS)
    if type(status) is not int or status not in ERROR_STATUSES:
        raise ApiError(422, "status must be one of 500, 502, 503, 504", field="status")
    state.status = status
    retry_after = data.get("retry_after", DEFAULT_RETRY_AFTER)
    if type(retry_after) is not int or not 1 <= retry_after <= 3600:  # bool is not accepted
        raise ApiError(422, "retry_after must be whole seconds, 1 to 3600", field="retry_after")
    state.retry_after = retry_after
    variant = data.get("variant", MALFORMED_VARIANTS[0])
    if variant not in MALFORMED_VARIANTS:
        raise ApiError(
            422, f"variant must be one of {', '.join(MALFORMED_VARIANTS)}", field="variant"
        )
    state.variant = variant
    return state


@dataclass
class Controls:
    """The current failure mode and per-endpoint request counters, shared by all threads."""

    endpoint_names: Sequence[str]
    state: ModeState = field(default_factory=ModeState)
    _counts: dict[str, int] = field(init=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._counts = dict.fromkeys(self.endpoint_names, 0)

    def current(self) -> ModeState:
        with self._lock:
            return ModeState(**vars(self.state))

    def switch(self, state: ModeState) -> None:
        with self._lock:
            self.state = state
        logger.info("mode is now %s", state.as_dict())

    def count(self, name: str) -> None:
        with self._lock:
            self._counts[name] = self._counts.get(name, 0) + 1

    def stats(self, *, reset: bool = False) -> dict[str, Any]:
        with self._lock:
            if reset:
                self._counts = dict.fromkeys(self._counts, 0)
            return {"total": sum(self._counts.values()), "endpoints": dict(self._counts)}


def malformed(reply: Reply, variant: str) -> Reply:
    """A 200 whose body breaks the documented shape in the chosen way."""
    if variant == "html":
        page = b"<html><body><h1>Layanan sedang dalam pemeliharaan</h1></body></html>"
        return Reply(200, page, content_type="text/html; charset=utf-8")
    if variant == "truncated":
        return Reply(200, reply.body[: max(1, len(reply.body) // 2)])
    data = json.loads(reply.body)
    if variant == "missing_fields" and data:
        data.pop(next(iter(data)))
    elif variant == "wrong_types":
        data = {key: json.dumps(value) for key, value in data.items()}
    return json_reply(200, data)


# --- HTTP plumbing ---------------------------------------------------------------------------


class GovernmentServer(ThreadingHTTPServer):
    # Daemon threads: a request sleeping in "slow" mode must not hold up a shutdown.
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        routes: Sequence[Route],
        controls: Controls,
        name: str,
        extra_control: ControlHandler | None = None,
    ) -> None:
        super().__init__(address, GovernmentHandler)
        self.routes = routes
        self.controls = controls
        self.name = name
        self.extra_control = extra_control

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout in "slow" mode) before the answer is routine.
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.info("%s hung up before the answer was sent", client_address[0])
        else:
            super().handle_error(request, client_address)


class GovernmentHandler(BaseHTTPRequestHandler):
    server: GovernmentServer
    server_version = "GovernmentSimulator/1.0"
    protocol_version = "HTTP/1.1"  # keep-alive, so clients' connection pools are exercised
    disable_nagle_algorithm = True  # headers and body are separate writes

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        _current.headers = self.headers
        try:
            body = self._read_body()
            reply = self._route(method, urlsplit(self.path).path, body)
        except ApiError as exc:
            reply = exc.reply()
        except Exception:
            logger.exception("unexpected error")
            reply = json_reply(500, {"detail": "internal error"})
        if reply is None:  # "down": no answer at all
            self.close_connection = True
            return
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

    def _route(self, method: str, path: str, body: bytes) -> Reply | None:
        controls = self.server.controls
        if path == "/healthz":
            self._only(method, "GET")
            return json_reply(200, {"status": "ok", "mode": controls.current().mode})
        if path == "/_control/mode":
            self._only(method, "GET", "PUT")
            if method == "PUT":
                controls.switch(mode_from_payload(parse_json(body)))
            return json_reply(200, controls.current().as_dict())
        if path == "/_control/stats":
            self._only(method, "GET", "DELETE")
            return json_reply(200, controls.stats(reset=method == "DELETE"))
        extra = self.server.extra_control
        if extra is not None and path.startswith("/_control/"):
            reply = extra(method, path, body)
            if reply is not None:
                return reply
        allowed: list[str] = []
        for route in self.server.routes:
            match = route.pattern.fullmatch(path)
            if match is None:
                continue
            if route.method != method:
                allowed.append(route.method)
                continue
            return self._agency_endpoint(route, match, body)
        if allowed:
            raise _method_not_allowed(allowed)
        raise ApiError(404, "not found")

    def _agency_endpoint(self, route: Route, match: re.Match[str], body: bytes) -> Reply | None:
        controls = self.server.controls
        controls.count(route.name)
        state = controls.current()
        if state.mode == "down":
            return None
        if state.mode == "slow":
            time.sleep(state.delay)
        if not (self.headers.get("X-Client-Id") or "").strip():
            raise ApiError(401, "the X-Client-Id header is required (access is per agency)")
        if state.mode == "error":
            detail = "internal error" if state.status == 500 else "service temporarily unavailable"
            return json_reply(state.status, {"detail": detail})
        if state.mode == "quota":
            return json_reply(
                429,
                {"detail": "the agency's request quota is used up"},
                headers=(("Retry-After", str(state.retry_after)),),
            )
        reply = route.handle(match, body)
        if state.mode == "malformed" and reply.status == 200:
            return malformed(reply, state.variant)
        return reply

    def _only(self, method: str, *allowed: str) -> None:
        if method not in allowed:
            raise _method_not_allowed(list(allowed))

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in reply.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s %s", self.server.name, self.address_string(), format % args)


_current = threading.local()


def current_headers() -> Any:
    """The headers of the request this thread is answering (for handlers that check a
    signature; ``Route`` handlers are given only the path match and the body)."""
    return getattr(_current, "headers", None) or {}


def _method_not_allowed(allowed: list[str]) -> ApiError:
    return ApiError(405, "method not allowed", headers=(("Allow", ", ".join(allowed)),))


# --- command line ----------------------------------------------------------------------------


def build_parser(prog: str, description: str, default_port: int) -> argparse.ArgumentParser:
    """The flags every simulator shares; callers add their own before parsing."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port, help="0 picks a free port")
    parser.add_argument("--port-file", type=Path, help="write the bound port here")
    parser.add_argument("--mode", choices=MODES, default="normal", help="failure mode at start")
    parser.add_argument(
        "--delay", type=_delay, default=DEFAULT_DELAY, help="seconds of delay in slow mode"
    )
    parser.add_argument("--quiet", action="store_true", help="do not log every request")
    return parser


def _delay(text: str) -> float:
    seconds = float(text)
    if not 0 <= seconds <= MAX_DELAY:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_DELAY:g} seconds")
    return seconds


def write_port_file(path: Path, port: int) -> None:
    """Written atomically so a process polling for the file never reads half a number."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(f"{port}\n")
    os.replace(tmp, path)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def serve(
    args: argparse.Namespace,
    routes: Sequence[Route],
    name: str,
    extra_control: ControlHandler | None = None,
) -> int:
    """Bind, announce the port, serve until SIGTERM or Ctrl+C. ``extra_control`` answers a
    simulator's own ``/_control/...`` paths (no client id, no failure mode)."""
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format=f"%(asctime)s {name} %(message)s",
        stream=sys.stderr,
    )
    controls = Controls([route.name for route in routes])
    controls.switch(ModeState(mode=args.mode, delay=args.delay))
    server = GovernmentServer((args.host, args.port), routes, controls, name, extra_control)
    port = server.server_address[1]
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    logger.warning("listening on http://%s:%d/ in mode %s", args.host, port, args.mode)
    if args.port_file:
        write_port_file(args.port_file, port)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        with contextlib.suppress(OSError):
            server.server_close()
    return 0
