#!/usr/bin/env python
"""`make run`'s process supervisor: the web server, the task worker and the payment simulator.

Three processes, one Ctrl+C. If any of them stops, the others are stopped too, so a broken
start never leaves a half-working system behind. Production runs the same three commands under
its own supervisor (systemd, Kubernetes): see docs/operations.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--payment-port", type=int, default=0, help="default: port + 1")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    payment_port = args.payment_port or args.port + 1
    var_dir = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    secrets = json.loads((var_dir / "dev-secrets.json").read_text())

    env = dict(os.environ)
    env.setdefault("PAYMENT_GATEWAY_URL", f"http://127.0.0.1:{payment_port}")
    env.setdefault("PUBLIC_BASE_URL", f"http://{args.host}:{args.port}")
    # Through the environment, not the command line: keys do not belong in `ps` output.
    env["PAYMENT_SIMULATOR_PRIVATE_KEY_B64"] = secrets["payment_private_key"]
    commands = {
        "payments": [
            sys.executable,
            "-m",
            "simulators.payment_channel.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(payment_port),
            "--data-file",
            str(var_dir / "payment-simulator.json"),
            "--quiet",
        ],
        "worker": [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-reload"],
        "web": [
            str(VENV_BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            args.host,
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
            "--blocking-threads",
            str(args.threads),
            "--no-ws",
            "--log-level",
            "warning",
            "imigrasi.wsgi:application",
        ],
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    for name, command in commands.items():
        processes[name] = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    print(
        f"\nImigrasi Digital: http://{args.host}:{args.port}\n"
        f"Payment simulator (pay billing codes by hand): http://127.0.0.1:{payment_port}\n"
        "Ctrl+C stops everything.\n",
        flush=True,
    )

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(
                    f"{name} stopped (exit {process.returncode}); stopping the others",
                    file=sys.stderr,
                )
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.5)
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
