#!/usr/bin/env python
"""`make run`'s processes: the web server, the task worker, the analytics refresher and the
simulators of outside systems (payment channel, population registry, tax office, receiving
agency).

One Ctrl+C stops them all. A child that crashes is restarted with backoff while the others keep
running (imigrasi.lib.supervisor). Production runs the same commands under its own supervisor
(systemd, Kubernetes): see docs/operations.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from imigrasi.lib.devsecrets import load_or_create_dev_secrets  # noqa: E402
from imigrasi.lib.supervisor import Supervisor  # noqa: E402 - after the path is set


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
    env["AGENCY_RECEIVER_SECRET"] = secrets.get("agency_webhook_secret", "")
    receiver_port = urlsplit(env.get("AGENCY_RECEIVER_URL", "http://127.0.0.1:8004")).port or 8004
    # SP4N-LAPOR!: signs both directions with the development secret; pushes complaints to us.
    # (load_or_create adds the key to a dev-secrets file written before complaints existed.)
    env["LAPOR_SECRET"] = (
        env.get("LAPOR_SECRET") or load_or_create_dev_secrets(var_dir)["lapor_secret"]
    )
    env.setdefault("LAPOR_PLATFORM_URL", f"http://127.0.0.1:{args.port}")
    lapor_port = urlsplit(env.get("LAPOR_URL", "http://127.0.0.1:8006")).port or 8006
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
        # Government systems (simulators/*): failure modes switchable over HTTP, see their
        # docstrings and docs/integrations.md.
        "population-registry": [
            sys.executable,
            "-m",
            "simulators.population_registry.server",
            "--host",
            "127.0.0.1",
            "--port",
            "8003",
            "--quiet",
        ],
        "tax-office": [
            sys.executable,
            "-m",
            "simulators.tax_office.server",
            "--host",
            "127.0.0.1",
            "--port",
            "8005",
            "--quiet",
        ],
        "agency-receiver": [
            sys.executable,
            "-m",
            "simulators.agency_receiver.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(receiver_port),
            "--quiet",
        ],
        "lapor": [
            sys.executable,
            "-m",
            "simulators.lapor.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(lapor_port),
            "--quiet",
        ],
        "worker": [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-reload"],
        # Safety nets for lost jobs: each delivery and registry check also schedules its own retry.
        "outbox-sweep": [sys.executable, "manage.py", "deliver_events", "--every", "60"],
        "registry-sweep": [sys.executable, "manage.py", "run_registry_checks", "--every", "120"],
        # Complaints past their SP4N-LAPOR! deadline, and status updates LAPOR! has not taken.
        "complaint-sweep": [sys.executable, "manage.py", "complaint_sla", "--every", "300"],
        # The one reminder of unanswered satisfaction-survey links (docs/feedback.md).
        "survey-reminders": [
            sys.executable,
            "manage.py",
            "send_survey_reminders",
            "--every",
            "3600",
        ],
        # Analytics marts every 5 minutes, the forecast once a day (docs/analytics.md).
        "analytics": [sys.executable, "manage.py", "refresh_analytics", "--every", "300"],
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
    supervisor = Supervisor(commands, cwd=ROOT, env=env)
    signal.signal(signal.SIGINT, lambda *_: supervisor.stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: supervisor.stopping.set())
    print(
        f"\nImigrasi Digital: http://{args.host}:{args.port}\n"
        f"Payment simulator (pay billing codes by hand): http://127.0.0.1:{payment_port}\n"
        "Population registry and tax office simulators: http://127.0.0.1:8003, :8005\n"
        f"SP4N-LAPOR! (complaints): http://127.0.0.1:{lapor_port}/_control/received\n"
        f"Receiving agency (decision events): http://127.0.0.1:{receiver_port}/_control/received\n"
        "Ctrl+C stops everything.\n",
        flush=True,
    )
    supervisor.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
