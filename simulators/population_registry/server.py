"""Population registry simulator: a Dukcapil-style NIK verification and family-card service.

Run::

    python -m simulators.population_registry.server --host 127.0.0.1 --port 8003 \\
        [--port-file PATH] [--mode MODE --delay S] [--dataset PATH] [--quiet]

``--port 0`` binds a free port and writes it to ``--port-file``. The residents are invented
(``residents.json`` beside this file: 58 people on 16 family cards in 9 provinces, including
SITI RAHMAWATI, NIK 3174055204910003, whom the platform's demo data uses); ``--dataset`` loads
another file of the same shape.

Real Dukcapil access is *verification*, not lookup (domain brief §5.6): an agency sends a NIK
with the data it was given and learns, field by field, whether they agree. This simulator keeps
that rule: the verification answer says "match"/"partial"/"no_match" and never returns a name
or date from the registry, so a client cannot use it to fish for someone's identity.

Contract (JSON; every agency endpoint needs a non-empty ``X-Client-Id`` header, else 401;
errors are ``{"detail": ...}``, 422s add ``"field"``):

``POST /v1/nik/verify`` body ``{nik, name, birth_date}``
    200 ``{"result": "match"|"partial"|"no_match", "fields": {"nik", "name", "birth_date"
    (booleans)}, "request_id"}``. "no_match" (all fields false) when the NIK is not registered;
    "partial" when it is but the name or the birth date differs. Names are compared on their
    letters and digits only, case-insensitively ("Siti  Rahmawati", "SITI RAHMAWATI" and
    "Siti-Rahmawati" agree; accents are ignored). 422 when ``nik`` is not 16 digits,
    ``name`` has no letter or digit or is longer than 150 characters, or ``birth_date`` is not
    a real date written YYYY-MM-DD; 400 when the body is not JSON.
``GET /v1/families/{kk}/members`` and ``GET /v1/nik/{nik}/family``
    200 ``{"kk", "members": [{nik, name, birth_date, sex, relationship, place_of_birth}]}``,
    head of family first. ``sex`` is "LAKI-LAKI" or "PEREMPUAN" and ``relationship`` a Kartu
    Keluarga term ("KEPALA KELUARGA", "ISTRI", "ANAK", "MERTUA", ...), as on the card. This is
    the agency back-end's lookup (an officer checking that a parent applying for a child is on
    the child's card), never something an applicant's request should reach. 404 when unknown,
    422 when the number is not 16 digits.
``GET /healthz``
    200 ``{"status": "ok", "mode": ...}``, whatever the mode.

Failure modes (``--mode`` at start, ``PUT /_control/mode`` at run time) and the request
counters (``GET /_control/stats``) are described in ``simulators.government_common``. JSON
Schemas of the 200 answers are in ``schemas/``. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
import uuid
from pathlib import Path
from typing import Any, Final

from simulators.government_common import (
    ApiError,
    Reply,
    Route,
    build_parser,
    json_reply,
    parse_json,
    require_16_digits,
    require_object,
    serve,
)

DATASET: Final = Path(__file__).resolve().parent / "residents.json"
DEFAULT_PORT: Final = 8003
MAX_NAME_LENGTH: Final = 150
MEMBER_FIELDS: Final = ("nik", "name", "birth_date", "sex", "relationship", "place_of_birth")
_DIGITS_16 = re.compile(r"[0-9]{16}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def comparable_name(name: str) -> str:
    """Letters and digits only, accents dropped, case folded: how two names are compared.

    Registry names are upper case without punctuation; what applicants type has apostrophes
    ("Nur'aini"), hyphens, double spaces and lower case. None of that makes it another person.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())


class PopulationRegistry:
    """The residents and the verification rules, independent of the HTTP plumbing."""

    def __init__(self, families: list[dict[str, Any]]) -> None:
        self.families: dict[str, list[dict[str, str]]] = {}
        self.kk_of: dict[str, str] = {}
        for family in families:
            kk = family["kk"]
            if not _DIGITS_16.fullmatch(kk) or kk in self.families:
                raise ValueError(f"family card {kk!r}: not 16 digits or listed twice")
            members = [
                {key: str(member[key]) for key in MEMBER_FIELDS} for member in family["members"]
            ]
            for member in members:
                if not _DIGITS_16.fullmatch(member["nik"]) or member["nik"] in self.kk_of:
                    raise ValueError(f"NIK {member['nik']!r}: not 16 digits or listed twice")
                dt.date.fromisoformat(member["birth_date"])
                self.kk_of[member["nik"]] = kk
            self.families[kk] = members

    @classmethod
    def from_file(cls, path: Path) -> PopulationRegistry:
        return cls(json.loads(path.read_text(encoding="utf-8"))["families"])

    def resident(self, nik: str) -> dict[str, str] | None:
        kk = self.kk_of.get(nik)
        if kk is None:
            return None
        return next(member for member in self.families[kk] if member["nik"] == nik)

    # Endpoints

    def verify(self, match: re.Match[str], body: bytes) -> Reply:
        nik, name, birth_date = _verify_request(parse_json(body))
        resident = self.resident(nik)
        if resident is None:
            fields = {"nik": False, "name": False, "birth_date": False}
        else:
            fields = {
                "nik": True,
                "name": comparable_name(resident["name"]) == comparable_name(name),
                "birth_date": resident["birth_date"] == birth_date.isoformat(),
            }
        if all(fields.values()):
            result = "match"
        elif fields["nik"]:
            result = "partial"
        else:
            result = "no_match"
        # Only booleans and our own id: nothing from the registry leaves in this answer.
        return json_reply(
            200, {"result": result, "fields": fields, "request_id": f"dkc-{uuid.uuid4().hex}"}
        )

    def family_members(self, match: re.Match[str], body: bytes) -> Reply:
        kk = require_16_digits(match["kk"], "kk")
        members = self.families.get(kk)
        if members is None:
            raise ApiError(404, "no family card with this number")
        return json_reply(200, {"kk": kk, "members": members})

    def family_of_nik(self, match: re.Match[str], body: bytes) -> Reply:
        nik = require_16_digits(match["nik"], "nik")
        kk = self.kk_of.get(nik)
        if kk is None:
            raise ApiError(404, "no resident with this NIK")
        return json_reply(200, {"kk": kk, "members": self.families[kk]})

    def routes(self) -> list[Route]:
        # Path parameters match any segment so that a wrong one is a 422 naming it, not a 404.
        return [
            Route("POST", re.compile(r"/v1/nik/verify"), "POST /v1/nik/verify", self.verify),
            Route(
                "GET",
                re.compile(r"/v1/families/(?P<kk>[^/]+)/members"),
                "GET /v1/families/{kk}/members",
                self.family_members,
            ),
            Route(
                "GET",
                re.compile(r"/v1/nik/(?P<nik>[^/]+)/family"),
                "GET /v1/nik/{nik}/family",
                self.family_of_nik,
            ),
        ]


def _verify_request(payload: Any) -> tuple[str, str, dt.date]:
    """Check a verification body; raises ``ApiError(422)`` naming the first bad field."""
    data = require_object(payload)
    nik = data.get("nik")
    if not isinstance(nik, str) or not _DIGITS_16.fullmatch(nik):
        raise ApiError(422, "nik must be a string of 16 digits", field="nik")
    name = data.get("name")
    if not isinstance(name, str) or not comparable_name(name) or len(name) > MAX_NAME_LENGTH:
        raise ApiError(
            422, f"name is required (1-{MAX_NAME_LENGTH} characters, with letters)", field="name"
        )
    raw_date = data.get("birth_date")
    try:
        if not isinstance(raw_date, str) or not _DATE.fullmatch(raw_date):
            raise ValueError(raw_date)
        birth_date = dt.date.fromisoformat(raw_date)
    except ValueError as exc:
        raise ApiError(
            422, "birth_date must be a date written YYYY-MM-DD", field="birth_date"
        ) from exc
    return nik, name, birth_date


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(
        "python -m simulators.population_registry.server",
        "Population registry simulator (stand-in for Dukcapil NIK verification).",
        DEFAULT_PORT,
    )
    parser.add_argument(
        "--dataset", type=Path, default=DATASET, help="residents JSON (default: residents.json)"
    )
    args = parser.parse_args(argv)
    try:
        registry = PopulationRegistry.from_file(args.dataset)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        parser.error(f"--dataset {args.dataset}: {exc}")
    return serve(args, registry.routes(), "population-registry")


if __name__ == "__main__":
    sys.exit(main())
