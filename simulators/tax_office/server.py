"""Tax office simulator: a DJP-style NPWP validation service.

Run::

    python -m simulators.tax_office.server --host 127.0.0.1 --port 8005 \\
        [--port-file PATH] [--mode MODE --delay S] [--dataset PATH] [--quiet]

``--port 0`` binds a free port and writes it to ``--port-file``. The taxpayers are invented
(``taxpayers.json`` beside this file: 23, among them corporate visa sponsors such as
"PT SINAR NUSANTARA TEKNOLOGI", individuals, a branch office and a few inactive numbers; SITI
RAHMAWATI's NIK 3174055204910003 is an active individual); ``--dataset`` loads another file.

Why three formats (domain brief §5.7): the old NPWP has 15 digits, usually written
``99.999.999.9-999.999``; since PMK 112/PMK.03/2022 resident individuals use their 16-digit NIK
as NPWP, and everyone else the 16-digit NPWP16, which is "0" followed by the old 15 digits
(a NIK never starts with 0, province codes start at 11). Sponsors still type all three.

Contract (JSON; every agency endpoint needs a non-empty ``X-Client-Id`` header, else 401;
errors are ``{"detail": ...}``, 422s add ``"field"``):

``POST /v1/npwp/validate`` body ``{npwp}``
    ``npwp`` is a string (a JSON number would lose leading zeros); spaces, dots and dashes are
    ignored. 200 ``{"npwp": digits only, "format": "legacy15"|"nik16"|"npwp16", "valid",
    "status": "active"|"inactive"|"unknown", "taxpayer_type": "individual"|"corporate"|null}``.
    ``valid`` is true only for a registered, active number, i.e. one that may be relied on
    today; an unknown number is ``status: "unknown"`` with ``taxpayer_type: null``. An NPWP16
    and its legacy 15 digits are the same taxpayer. The taxpayer's name is never returned.
    422 when ``npwp`` is missing, not a string, has other characters, or is not 15 or 16
    digits long; 400 when the body is not JSON.
``GET /healthz``
    200 ``{"status": "ok", "mode": ...}``, whatever the mode.

Failure modes (``--mode`` at start, ``PUT /_control/mode`` at run time) and the request
counters (``GET /_control/stats``) are described in ``simulators.government_common``. The JSON
Schema of the 200 answer is in ``schemas/``. Standard library only.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Final

from simulators.government_common import (
    ApiError,
    Reply,
    Route,
    build_parser,
    json_reply,
    parse_json,
    require_object,
    serve,
)

DATASET: Final = Path(__file__).resolve().parent / "taxpayers.json"
DEFAULT_PORT: Final = 8005
STATUSES: Final = ("active", "inactive")
TAXPAYER_TYPES: Final = ("individual", "corporate")
_SEPARATORS = re.compile(r"[\s.\-]")
_NPWP = re.compile(r"[0-9]{15,16}")


def classify(raw: Any) -> tuple[str, str, str]:
    """``(normalised, format, lookup key)`` of an NPWP as typed; raises ``ApiError(422)``.

    The lookup key is the legacy 15 digits for both legacy and NPWP16 forms, the NIK itself
    for NIK-as-NPWP.
    """
    if not isinstance(raw, str):
        raise ApiError(422, "npwp is required, as a string", field="npwp")
    digits = _SEPARATORS.sub("", raw)
    if not _NPWP.fullmatch(digits):
        raise ApiError(
            422,
            "npwp must be 15 digits (legacy, dots and dash allowed) or 16 (NIK or NPWP16)",
            field="npwp",
        )
    if len(digits) == 15:
        return digits, "legacy15", digits
    if digits.startswith("0"):
        return digits, "npwp16", digits[1:]
    return digits, "nik16", digits


class TaxOffice:
    """The taxpayer register and the validation rule, independent of the HTTP plumbing."""

    def __init__(self, taxpayers: list[dict[str, Any]]) -> None:
        self.register: dict[str, dict[str, str]] = {}
        for taxpayer in taxpayers:
            _, _, key = classify(taxpayer["npwp"])
            if key in self.register:
                raise ValueError(f"NPWP {taxpayer['npwp']!r} is listed twice")
            if taxpayer["status"] not in STATUSES:
                raise ValueError(f"NPWP {taxpayer['npwp']!r}: status must be one of {STATUSES}")
            if taxpayer["taxpayer_type"] not in TAXPAYER_TYPES:
                raise ValueError(f"NPWP {taxpayer['npwp']!r}: unknown taxpayer_type")
            # Only what the answer may contain is kept: the name stays in the file.
            self.register[key] = {
                "status": taxpayer["status"],
                "taxpayer_type": taxpayer["taxpayer_type"],
            }

    @classmethod
    def from_file(cls, path: Path) -> TaxOffice:
        return cls(json.loads(path.read_text(encoding="utf-8"))["taxpayers"])

    def validate(self, match: re.Match[str], body: bytes) -> Reply:
        normalised, npwp_format, key = classify(require_object(parse_json(body)).get("npwp"))
        taxpayer = self.register.get(key)
        status = taxpayer["status"] if taxpayer else "unknown"
        return json_reply(
            200,
            {
                "npwp": normalised,
                "format": npwp_format,
                "valid": status == "active",
                "status": status,
                "taxpayer_type": taxpayer["taxpayer_type"] if taxpayer else None,
            },
        )

    def routes(self) -> list[Route]:
        return [
            Route("POST", re.compile(r"/v1/npwp/validate"), "POST /v1/npwp/validate", self.validate)
        ]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(
        "python -m simulators.tax_office.server",
        "Tax office simulator (stand-in for DJP NPWP validation).",
        DEFAULT_PORT,
    )
    parser.add_argument(
        "--dataset", type=Path, default=DATASET, help="taxpayers JSON (default: taxpayers.json)"
    )
    args = parser.parse_args(argv)
    try:
        office = TaxOffice.from_file(args.dataset)
    except (OSError, ValueError, KeyError, TypeError, ApiError) as exc:
        parser.error(f"--dataset {args.dataset}: {exc}")
    return serve(args, office.routes(), "tax-office")


if __name__ == "__main__":
    sys.exit(main())
