"""Virus-scan hook: the built-in EICAR net, and ClamdScanner against the real simulator process.

The simulator runs as a separate process speaking TCP and a Unix socket; nothing here mocks a
socket. The EICAR string is built at run time by `eicar_test_file()`; its published SHA-256
pins it, so the detector and the test cannot agree on a wrong string.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from imigrasi.lib.virus_scan import (
    ClamdScanner,
    Scanner,
    ScannerUnavailable,
    ScanResult,
    SignatureScanner,
    contains_eicar,
    eicar_test_file,
    scanner_from_config,
)

REPO = Path(__file__).resolve().parents[3]
EICAR_SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
EICAR = eicar_test_file()
CLEAN_SCAN = b"%PDF-1.7\n" + bytes(range(256)) * 64  # looks like an upload, is harmless


def test_the_eicar_string_is_the_published_one() -> None:
    assert len(EICAR) == 68
    assert hashlib.sha256(EICAR).hexdigest() == EICAR_SHA256
    for source in ("virus_scan.py", "tests/test_virus_scan.py"):
        assert EICAR not in (REPO / "imigrasi/lib" / source).read_bytes()
    assert EICAR not in (REPO / "simulators/clamd/server.py").read_bytes()


# --- built-in scanner ------------------------------------------------------------------------


def test_signature_scanner_catches_the_eicar_test_file() -> None:
    result = SignatureScanner().scan(EICAR)
    assert result == ScanResult(clean=False, signature="Win.Test.EICAR_HDB-1", engine="builtin")


@pytest.mark.parametrize("padding", [b"\n", b"\r\n", b" \t\x1a", b" " * 60])
def test_signature_scanner_catches_the_padded_test_file(padding: bytes) -> None:
    assert len(EICAR + padding) <= 128
    result = SignatureScanner().scan(EICAR + padding)
    assert (result.clean, result.signature) == (False, "Win.Test.EICAR_HDB-1")


@pytest.mark.parametrize(
    "data",
    [
        b"\x00" * 1000 + EICAR + b"\x00" * 1000,  # embedded in a larger file
        EICAR + b" " * 100,  # padded beyond the 128-byte strict form
        EICAR + b"trailing text",  # followed by something other than whitespace
        b"\xff\xd8\xff\xe0" + EICAR,  # hiding in a fake JPEG
    ],
    ids=["embedded", "over-128", "non-whitespace", "in-jpeg"],
)
def test_signature_scanner_finds_the_string_anywhere(data: bytes) -> None:
    result = SignatureScanner().scan(data)
    assert result == ScanResult(clean=False, signature="Eicar-Test-Signature", engine="builtin")


@pytest.mark.parametrize("data", [b"", CLEAN_SCAN, EICAR[:-1], EICAR[1:]])
def test_signature_scanner_passes_clean_data(data: bytes) -> None:
    assert SignatureScanner().scan(data) == ScanResult(clean=True, signature=None, engine="builtin")


def test_contains_eicar() -> None:
    assert contains_eicar(b"x" + EICAR + b"y")
    assert not contains_eicar(CLEAN_SCAN)


# --- the simulator, as a real process ----------------------------------------------------------


def _start_simulator(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    ready = tmp_path / "clamd.port"
    process = subprocess.Popen(
        [sys.executable, "-m", "simulators.clamd.server", *args, "--port-file", str(ready)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 15
    while not ready.exists():
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"clamd simulator exited with {process.returncode}: {stderr}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("clamd simulator did not write its port file within 15 s")
        time.sleep(0.02)
    return process, ready.read_text().strip()


def _stop_simulator(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    if process.stderr:
        process.stderr.close()


@pytest.fixture(scope="module")
def clamd_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    process, port = _start_simulator(tmp_path_factory.mktemp("clamd"), "--port", "0")
    yield int(port)
    _stop_simulator(process)
    assert process.returncode == 0  # SIGTERM is a clean shutdown


@pytest.fixture(scope="module")
def clamd_socket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # AF_UNIX paths are limited to ~108 bytes; pytest's temporary directories can be longer.
    directory = Path(tempfile.mkdtemp(prefix="clamd-"))
    path = directory / "clamd.ctl"
    try:
        process, where = _start_simulator(
            tmp_path_factory.mktemp("clamd-unix"), "--unix-socket", str(path)
        )
        yield where
        _stop_simulator(process)
        assert not path.exists()  # the simulator removes its socket
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def clamd(clamd_port: int) -> ClamdScanner:
    return ClamdScanner(f"127.0.0.1:{clamd_port}", timeout=10)


def test_clamd_clean_stream_is_ok(clamd: ClamdScanner) -> None:
    assert clamd.scan(CLEAN_SCAN) == ScanResult(clean=True, signature=None, engine="clamd")
    assert clamd.scan(b"").clean


def test_clamd_finds_eicar_with_its_signature_name(clamd: ClamdScanner) -> None:
    result = clamd.scan(EICAR)
    assert result == ScanResult(clean=False, signature="Eicar-Test-Signature", engine="clamd")


def test_clamd_finds_eicar_across_chunk_boundaries(clamd_port: int) -> None:
    small_chunks = ClamdScanner(f"127.0.0.1:{clamd_port}", chunk_size=50)
    data = b"A" * 1_000_030 + EICAR + b"B" * 1000  # the string straddles two 50-byte chunks
    assert small_chunks.scan(data).signature == "Eicar-Test-Signature"


def test_clamd_ping(clamd: ClamdScanner) -> None:
    clamd.ping()


def test_clamd_stream_over_the_size_limit_is_unavailable(clamd: ClamdScanner) -> None:
    with pytest.raises(ScannerUnavailable, match="size limit exceeded"):
        clamd.scan(b"\x00" * (25 * 1024 * 1024 + 1))
    assert clamd.scan(CLEAN_SCAN).clean  # and the daemon keeps serving


def test_clamd_serves_connections_concurrently(clamd_port: int, clamd: ClamdScanner) -> None:
    # A client that connected but sends nothing must not block everyone else.
    with socket.create_connection(("127.0.0.1", clamd_port), timeout=5):
        started = time.monotonic()
        assert clamd.scan(EICAR).signature == "Eicar-Test-Signature"
        assert time.monotonic() - started < 2


def test_clamd_over_a_unix_socket(clamd_socket: str) -> None:
    scanner = scanner_from_config(f"unix://{clamd_socket}")
    assert isinstance(scanner, ClamdScanner)
    scanner.ping()
    assert scanner.scan(b"\x00" * 500 + EICAR).signature == "Eicar-Test-Signature"
    assert scanner.scan(CLEAN_SCAN).clean


def test_clamd_simulator_speaks_the_newline_and_legacy_framing(clamd_port: int) -> None:
    for request, expected in [
        (b"nPING\n", b"PONG\n"),
        (b"PING\n", b"PONG\n"),
        (b"zVERSION\0", b"ClamAV "),
        (b"zSCAN /etc/passwd\0", b"UNKNOWN COMMAND\0"),
    ]:
        with socket.create_connection(("127.0.0.1", clamd_port), timeout=5) as sock:
            sock.sendall(request)
            reply = sock.recv(4096)
        assert reply.startswith(expected), (request, reply)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_closed_port_is_unavailable() -> None:
    with pytest.raises(ScannerUnavailable, match="cannot connect"):
        ClamdScanner(f"127.0.0.1:{_free_port()}", timeout=2).scan(EICAR)
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(f"127.0.0.1:{_free_port()}", timeout=2).ping()


def test_a_missing_unix_socket_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(str(tmp_path / "nope.ctl")).scan(b"x")


def test_a_silent_daemon_times_out_as_unavailable() -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(ScannerUnavailable):
            ClamdScanner(f"127.0.0.1:{port}", timeout=0.3).scan(b"hello")
        assert time.monotonic() - started < 2


# --- configuration -------------------------------------------------------------------------


@pytest.mark.parametrize("address", [None, ""])
def test_no_address_means_the_builtin_scanner(address: str | None) -> None:
    assert isinstance(scanner_from_config(address), SignatureScanner)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("tcp://clamav:3310", "clamav:3310"),
        ("tcp://127.0.0.1:3310/", "127.0.0.1:3310"),
        ("tcp://[::1]:3310", "[::1]:3310"),
        ("unix:///run/clamav/clamd.ctl", "/run/clamav/clamd.ctl"),
    ],
)
def test_clamd_addresses(address: str, expected: str) -> None:
    scanner = scanner_from_config(address, timeout=3)
    assert isinstance(scanner, ClamdScanner)
    assert (scanner.address, scanner.timeout) == (expected, 3)


@pytest.mark.parametrize(
    "address",
    ["clamav:3310", "http://clamav:3310", "tcp://clamav", "tcp://clamav:99999", "unix://rel.ctl"],
)
def test_bad_addresses_fail_loudly(address: str) -> None:
    with pytest.raises(ValueError, match="clamd"):
        scanner_from_config(address)


def test_scanners_satisfy_the_protocol() -> None:
    scanners: list[Scanner] = [SignatureScanner(), ClamdScanner("localhost:3310")]
    assert all(callable(scanner.scan) for scanner in scanners)
