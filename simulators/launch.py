"""Start a simulator as its own process on a free port, for tests and benchmarks.

Every simulator takes ``--port 0 --port-file PATH --quiet``: the operating system picks the
port and the simulator writes it once it listens, so nothing races for a fixed port.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SimulatorDidNotStart(RuntimeError):
    pass


@contextmanager
def running(module: str, directory: Path, *extra: str, timeout: float = 15) -> Iterator[str]:
    """Run ``python -m module`` until the block ends; yield its base URL."""
    port_file = directory / "port"
    command = [sys.executable, "-m", module, "--port", "0", "--port-file", str(port_file)]
    process = subprocess.Popen([*command, "--quiet", *extra], cwd=ROOT)  # noqa: S603 - our module
    try:
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or process.poll() is not None:
                raise SimulatorDidNotStart(module)
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port_file.read_text().strip()}"
    finally:
        process.terminate()
        process.wait(timeout=10)
