"""clamd stand-in: enough of the ClamAV daemon protocol to test the upload scan hook for real.

Run it as its own process:

    python -m simulators.clamd.server --port 0 --port-file /tmp/clamd.port   # port chosen by OS
    python -m simulators.clamd.server --port 3310
    python -m simulators.clamd.server --unix-socket /tmp/clamd.ctl --port-file /tmp/ready

What it speaks (see clamd(8), "COMMANDS"):

* command framing: "zCOMMAND\\0" (reply ends with NUL), "nCOMMAND\\n" (reply ends with a
  newline) and the deprecated bare "COMMAND\\n";
* PING → "PONG"; VERSION → a version line;
* INSTREAM: then chunks, each a 4-byte big-endian length followed by that many bytes, ended by
  a zero length. Reply "stream: OK", or "stream: Eicar-Test-Signature FOUND" when the stream
  contains the EICAR test string anywhere, or "INSTREAM size limit exceeded. ERROR" once the
  stream passes StreamMaxLength (25 MB, clamd's default);
* anything else → "UNKNOWN COMMAND".

Connections are served concurrently (one thread each). The only "signature" is EICAR, so the
simulator is safe to run anywhere; it uses the standard library and the EICAR detector of
`imigrasi.lib.virus_scan` (no Django).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import socketserver
import struct
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Final

from imigrasi.lib.virus_scan import contains_eicar, eicar_test_file

STREAM_MAX_LENGTH: Final = 25 * 1024 * 1024  # clamd.conf StreamMaxLength default
SIGNATURE: Final = "Eicar-Test-Signature"
VERSION: Final = "ClamAV 1.4.3/27500/simulator"
_MAX_COMMAND: Final = 64
_IDLE_TIMEOUT: Final = 30.0  # seconds a client may stay silent (clamd's ReadTimeout is 120)
_DRAIN_LIMIT: Final = 64 * 1024 * 1024
_DRAIN_SECONDS: Final = 5.0


class ProtocolError(Exception):
    """The client sent something that is not a clamd command."""


class ClamdHandler(socketserver.StreamRequestHandler):
    """One client connection: read one command, answer it, close (clamd without IDSESSION)."""

    timeout = _IDLE_TIMEOUT  # applied to the socket by StreamRequestHandler.setup()

    def handle(self) -> None:
        try:
            command, terminator = self._read_command()
        except (ProtocolError, OSError):
            return
        try:
            if command == "PING":
                self._reply("PONG", terminator)
            elif command == "VERSION":
                self._reply(VERSION, terminator)
            elif command == "INSTREAM":
                self._instream(terminator)
            else:
                self._reply("UNKNOWN COMMAND", terminator)
        except OSError:
            return  # the client went away or stalled; nothing to answer

    def _read_command(self) -> tuple[str, bytes]:
        first = self.rfile.read(1)
        if not first:
            raise ProtocolError("connection closed before a command")
        if first == b"z":
            terminator = b"\0"
            buffer = b""
        elif first == b"n":
            terminator = b"\n"
            buffer = b""
        else:  # deprecated unprefixed form, newline-terminated
            terminator = b"\n"
            buffer = first
        while not buffer.endswith(terminator):
            if len(buffer) > _MAX_COMMAND:
                raise ProtocolError("command too long")
            byte = self.rfile.read(1)
            if not byte:
                raise ProtocolError("connection closed inside a command")
            buffer += byte
        return buffer[: -len(terminator)].decode("ascii", "replace").strip(), terminator

    def _reply(self, text: str, terminator: bytes) -> None:
        self.wfile.write(text.encode() + terminator)
        self.wfile.flush()

    def _instream(self, terminator: bytes) -> None:
        total = 0
        found = False
        overlap = b""  # the string may straddle two chunks
        keep = len(eicar_test_file()) - 1
        while True:
            header = self.rfile.read(4)
            if len(header) < 4:
                return  # client gave up mid-stream
            (length,) = struct.unpack(">I", header)
            if length == 0:
                break
            if total + length > STREAM_MAX_LENGTH:
                self._reply("INSTREAM size limit exceeded. ERROR", terminator)
                self._drain()
                return
            chunk = self.rfile.read(length)
            if len(chunk) < length:
                return
            total += length
            window = overlap + chunk
            found = found or contains_eicar(window)
            overlap = window[-keep:]
        self._reply(f"stream: {SIGNATURE} FOUND" if found else "stream: OK", terminator)

    def _drain(self) -> None:
        """Swallow what the client is still sending so that it can read the ERROR reply.

        Closing a socket with unread input makes the kernel send a reset, which can destroy
        the reply before the client reads it; real clients (ours included) only read after
        they have finished sending.
        """
        self.connection.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + _DRAIN_SECONDS
        drained = 0
        while drained < _DRAIN_LIMIT:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.connection.settimeout(left)
            part = self.connection.recv(256 * 1024)
            if not part:
                return
            drained += len(part)


class ThreadingTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class ThreadingUnixServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def _write_atomically(path: Path, text: str) -> None:
    """Readers poll for the file: they must never see it half-written."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1", help="TCP address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=3310, help="TCP port; 0 lets the OS choose")
    parser.add_argument("--port-file", type=Path, help="write the bound port here once listening")
    parser.add_argument("--unix-socket", type=Path, help="listen on this Unix socket instead")
    args = parser.parse_args(argv)

    server: socketserver.BaseServer
    if args.unix_socket is not None:
        args.unix_socket.unlink(missing_ok=True)
        server = ThreadingUnixServer(str(args.unix_socket), ClamdHandler)
        where = str(args.unix_socket)
    else:
        tcp = ThreadingTCPServer((args.host, args.port), ClamdHandler)
        server = tcp
        where = str(tcp.server_address[1])
    signal.signal(signal.SIGTERM, _stop)
    if args.port_file is not None:
        _write_atomically(args.port_file, where)
    print(f"clamd simulator listening on {where}", file=sys.stderr, flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    finally:
        server.server_close()
        if args.unix_socket is not None:
            args.unix_socket.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
