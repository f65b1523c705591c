"""Virus-scan hook for uploads: ClamAV (clamd) when configured, a built-in safety net otherwise.

Every stored upload passes through a `Scanner`. Production points `scanner_from_config` at a
clamd daemon; development, tests and CI without ClamAV get `SignatureScanner`, which only knows
the EICAR test file, so the whole "infected upload" path (refusal, audit entry, message) can be
exercised end to end without a real virus and without a daemon.

When clamd cannot give an answer (down, timed out, replied ERROR) the scanner raises
`ScannerUnavailable` instead of guessing: the caller keeps the document as "scan pending" and
retries, rather than accepting unscanned bytes or refusing a good document.

This module is framework-free (no Django); the EICAR string is built at run time and never
appears literally in the source, so antivirus tools do not quarantine the repository.
"""

from __future__ import annotations

import base64
import socket
import struct
import time
from dataclasses import dataclass
from typing import Final, Protocol

__all__ = [
    "ClamdScanner",
    "ScanResult",
    "Scanner",
    "ScannerUnavailable",
    "SignatureScanner",
    "contains_eicar",
    "eicar_test_file",
    "scanner_from_config",
]


@dataclass(frozen=True)
class ScanResult:
    """`clean` is the verdict; `signature` names what was found; `engine` says who decided."""

    clean: bool
    signature: str | None
    engine: str


class ScannerUnavailable(Exception):
    """No verdict could be obtained; the caller marks the document "scan pending, retried"."""


class Scanner(Protocol):
    """Anything that can give a verdict on a byte string."""

    def scan(self, data: bytes) -> ScanResult: ...


# The 68-byte EICAR test string, reversed and base64-encoded, in two pieces.
_EICAR_PIECES: Final = (
    "KkgrSCQhRUxJRi1UU0VULVNVUklWSVROQS1EUkFETkFU",
    "Uy1SQUNJRSR9NylDQzcpXlAoNDVYWlBcNFtQQUAlUCFPNVg=",
)
_EICAR_LENGTH: Final = 68
# The EICAR rules: the string may be followed by these whitespace characters only, and the
# whole file must not exceed 128 bytes.
_EICAR_PADDING: Final = b" \t\r\n\x1a"
_EICAR_MAX_FILE: Final = 128
# Names as ClamAV reports them: the exact test file is matched by its hash signature, the
# string inside a larger file by the classic signature name.
EICAR_FILE_SIGNATURE: Final = "Win.Test.EICAR_HDB-1"
EICAR_SIGNATURE: Final = "Eicar-Test-Signature"


def eicar_test_file() -> bytes:
    """The standard antivirus test file, for tests and scanner self-checks (harmless)."""
    return base64.b64decode("".join(_EICAR_PIECES))[::-1]


def contains_eicar(data: bytes) -> bool:
    """True when the EICAR string occurs anywhere in `data` (embedded, padded, concatenated)."""
    return eicar_test_file() in data


def _is_eicar_test_file(data: bytes) -> bool:
    """The strict form: the file starts with the string and the rest is allowed padding."""
    return (
        len(data) <= _EICAR_MAX_FILE
        and data[:_EICAR_LENGTH] == eicar_test_file()
        and not data[_EICAR_LENGTH:].strip(_EICAR_PADDING)
    )


class SignatureScanner:
    """Built-in default when no ClamAV is configured: detects the EICAR test file only.

    This is a safety net, not an antivirus. It exists so that the scan hook is always wired
    (an installation without ClamAV still runs every upload through a scanner, and the
    "infected" path is testable with EICAR). Production configures ClamAV through
    `scanner_from_config("tcp://clamav:3310")` or a Unix socket; deployment checks should
    refuse to go live with the built-in scanner.
    """

    engine: Final = "builtin"

    def scan(self, data: bytes) -> ScanResult:
        """Match the strict EICAR test file first, then the string anywhere in the data."""
        if _is_eicar_test_file(data):
            return ScanResult(clean=False, signature=EICAR_FILE_SIGNATURE, engine=self.engine)
        if contains_eicar(data):
            return ScanResult(clean=False, signature=EICAR_SIGNATURE, engine=self.engine)
        return ScanResult(clean=True, signature=None, engine=self.engine)


_MAX_REPLY: Final = 4096


class ClamdScanner:
    """Scan through a clamd daemon with the INSTREAM command (nothing touches the disk).

    `address` is "host:port" (or "[v6-address]:port") for TCP, or an absolute path for a Unix
    socket. `timeout` bounds a whole call, not each socket operation, so a daemon that trickles
    bytes cannot hold a request thread for longer. Every failure to get a verdict becomes
    `ScannerUnavailable`: connection refused, DNS failure, timeout, an ERROR reply (e.g. the
    stream is over clamd's StreamMaxLength) or a reply we do not understand.
    """

    engine: Final = "clamd"

    def __init__(self, address: str, *, timeout: float = 10.0, chunk_size: int = 64 * 1024) -> None:
        if timeout <= 0 or chunk_size <= 0:
            raise ValueError("timeout and chunk_size must be positive")
        self.address = address
        self.timeout = timeout
        self.chunk_size = chunk_size
        self._unix_path: str | None = None
        self._host = ""
        self._port = 0
        if address.startswith("/"):
            self._unix_path = address
        else:
            host, sep, port = address.rpartition(":")
            if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"clamd address must be host:port or /socket/path: {address!r}")
            self._host = host.removeprefix("[").removesuffix("]")
            self._port = int(port)

    def __repr__(self) -> str:
        return f"ClamdScanner({self.address!r}, timeout={self.timeout})"

    def ping(self) -> None:
        """Health check: zPING must be answered with PONG, else `ScannerUnavailable`."""
        deadline = time.monotonic() + self.timeout
        with self._connect(deadline) as sock:
            self._send(sock, b"zPING\0", deadline)
            reply = self._read_reply(sock, deadline)
        if reply != "PONG":
            raise ScannerUnavailable(f"clamd at {self.address} answered PING with {reply!r}")

    def scan(self, data: bytes) -> ScanResult:
        """Stream `data` with zINSTREAM: 4-byte big-endian length + chunk, then a zero length."""
        deadline = time.monotonic() + self.timeout
        with self._connect(deadline) as sock:
            try:
                self._send(sock, b"zINSTREAM\0", deadline)
                view = memoryview(data)
                for start in range(0, len(data), self.chunk_size):
                    chunk = view[start : start + self.chunk_size]
                    self._send(sock, struct.pack(">I", len(chunk)) + chunk, deadline)
                self._send(sock, struct.pack(">I", 0), deadline)
            except ScannerUnavailable as send_error:
                # clamd answers and stops reading as soon as a stream passes StreamMaxLength;
                # its reply explains the failure better than the broken pipe does.
                try:
                    reply = self._read_reply(sock, deadline)
                except ScannerUnavailable:
                    raise send_error from None
                raise ScannerUnavailable(f"clamd: {reply!r} ({send_error})") from send_error
            reply = self._read_reply(sock, deadline)
        return self._verdict(reply)

    def _verdict(self, reply: str) -> ScanResult:
        if reply == "stream: OK":
            return ScanResult(clean=True, signature=None, engine=self.engine)
        if reply.startswith("stream: ") and reply.endswith(" FOUND"):
            signature = reply.removeprefix("stream: ").removesuffix(" FOUND").strip()
            if signature:
                return ScanResult(clean=False, signature=signature, engine=self.engine)
        if reply.endswith("ERROR"):
            raise ScannerUnavailable(f"clamd at {self.address} replied {reply!r}")
        raise ScannerUnavailable(f"clamd at {self.address} sent an unexpected reply {reply!r}")

    def _connect(self, deadline: float) -> socket.socket:
        try:
            if self._unix_path is not None:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.settimeout(_remaining(deadline))
                    sock.connect(self._unix_path)
                except BaseException:
                    sock.close()
                    raise
                return sock
            sock = socket.create_connection((self._host, self._port), timeout=_remaining(deadline))
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except OSError as exc:  # refused, unreachable, DNS failure, timeout
            raise ScannerUnavailable(f"cannot connect to clamd at {self.address}: {exc}") from exc

    def _send(self, sock: socket.socket, payload: bytes, deadline: float) -> None:
        try:
            sock.settimeout(_remaining(deadline))
            sock.sendall(payload)
        except OSError as exc:
            raise ScannerUnavailable(f"sending to clamd at {self.address} failed: {exc}") from exc

    def _read_reply(self, sock: socket.socket, deadline: float) -> str:
        """Read one NUL-terminated reply (z-commands); EOF also ends it."""
        reply = bytearray()
        try:
            while b"\0" not in reply and len(reply) < _MAX_REPLY:
                sock.settimeout(_remaining(deadline))
                part = sock.recv(_MAX_REPLY)
                if not part:
                    break
                reply += part
        except OSError as exc:
            raise ScannerUnavailable(f"reading from clamd at {self.address}: {exc}") from exc
        text = bytes(reply).split(b"\0", 1)[0].decode("utf-8", "replace").strip()
        if not text:
            raise ScannerUnavailable(f"clamd at {self.address} closed without a reply")
        return text


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("clamd call deadline passed")
    return left


def scanner_from_config(address: str | None, *, timeout: float = 10.0) -> Scanner:
    """Build the scanner named by configuration (e.g. the CLAMD_ADDRESS setting).

    None or "" → `SignatureScanner` (development and CI without ClamAV);
    "tcp://host:port" → clamd over TCP; "unix:///path/to/clamd.ctl" → clamd over a Unix socket.
    Anything else raises ValueError, so a typo fails at start-up instead of silently falling
    back to the safety net.
    """
    if not address:
        return SignatureScanner()
    if address.startswith("tcp://"):
        return ClamdScanner(address.removeprefix("tcp://").rstrip("/"), timeout=timeout)
    if address.startswith("unix://"):
        path = address.removeprefix("unix://")
        if not path.startswith("/"):
            raise ValueError(f"unix:// clamd address needs an absolute path: {address!r}")
        return ClamdScanner(path, timeout=timeout)
    raise ValueError(f"clamd address must start with tcp:// or unix://: {address!r}")
