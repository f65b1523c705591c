"""Adapters for the population registry (Dukcapil-style) and the tax office (DJP-style).

Like ``imigrasi/lib/billing.py`` these only describe endpoints and answers; talking is left to
``imigrasi.lib.http.OutboundClient``, so the two outcomes callers handle are the usual ones:
``DependencyUnavailable`` (keep the work pending, try later) and ``DependencyRejected`` (our
request was wrong).

Every 200 answer is checked against the agency's published JSON Schema (copied to
``schemas/`` so the app does not need the simulators package at run time). An answer that
breaks it — a proxy's maintenance page, JSON cut in half, a field of the wrong type — is
``DependencyUnavailable(reason="bad_response")``: the agency is misbehaving, our request may
be perfectly good, and the check must stay pending rather than end in a 500 or a wrong
verdict. Validation errors are never put into messages: jsonschema quotes the offending value,
which may be a NIK or a name.

One client per system and configuration, kept for the life of the process (it owns the
connection pool and the circuit state). ``retries=0``: a check's own schedule in
``imigrasi.registry.actions`` is the retry policy, and the synchronous family lookup runs
inside a web request, which must not wait longer than one timeout.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from imigrasi.lib.http import DependencyUnavailable, OutboundClient

SCHEMAS = Path(__file__).resolve().parent / "schemas"
POPULATION_REGISTRY = "population registry"
TAX_OFFICE = "tax office"
CLIENT_ID_HEADER = "X-Client-Id"
# The Kartu Keluarga writes sex in words; we keep the ICAO letter used everywhere else.
SEX_CODES = {"LAKI-LAKI": "M", "PEREMPUAN": "F"}
CHILD = "ANAK"  # the Kartu Keluarga relationship of a child to the head of family

# ASCII digits only: `\d` would also accept Arabic-Indic and other Unicode digits.
_NIK = re.compile(r"[0-9]{16}")
_NPWP = re.compile(r"[0-9]{15,16}")
_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True)
class NikVerdict:
    """Field-by-field agreement of what we sent with the registry: booleans only, by design
    (verification, not lookup: the registry never tells us who a NIK belongs to)."""

    result: str  # "match" | "partial" | "no_match"
    nik: bool
    name: bool
    birth_date: bool
    request_id: str  # the registry's id of this verification, for support requests

    @property
    def fields(self) -> dict[str, bool]:
        return {"nik": self.nik, "name": self.name, "birth_date": self.birth_date}


@dataclass(frozen=True)
class FamilyMember:
    """One person on a Kartu Keluarga. Personal fields stay out of ``repr`` so that a stray
    ``logger.info("%s", member)`` cannot put a NIK or a name into the logs."""

    nik: str = field(repr=False)
    name: str = field(repr=False)
    birth_date: dt.date = field(repr=False)
    sex: str  # "M" | "F"
    relationship: str  # as on the card: "KEPALA KELUARGA", "ISTRI", "ANAK", ...
    place_of_birth: str = field(repr=False)

    @property
    def is_child(self) -> bool:
        return self.relationship == CHILD


@dataclass(frozen=True)
class NpwpVerdict:
    """Whether an NPWP may be relied on today. The number itself is not repeated here."""

    format: str  # "legacy15" | "nik16" | "npwp16"
    valid: bool  # registered and active
    status: str  # "active" | "inactive" | "unknown"
    taxpayer_type: str | None  # "individual" | "corporate" | None when unknown


def normalise_npwp(raw: str) -> str:
    """Drop the spaces, dots and dashes of ``99.999.999.9-999.999``, as the tax office does."""
    return _SEPARATORS.sub("", raw or "")


def is_well_formed_npwp(raw: str) -> bool:
    """15 digits (legacy) or 16 (NIK or NPWP16) once separators are dropped."""
    return _NPWP.fullmatch(normalise_npwp(raw)) is not None


def is_well_formed_nik(nik: str) -> bool:
    return _NIK.fullmatch(nik or "") is not None


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


_clients: dict[tuple[str, str, float, int], OutboundClient] = {}
_clients_lock = threading.Lock()


def client_for(name: str, base_url: str) -> OutboundClient:
    """The process's client for one system. Keyed by configuration, so that a changed
    setting (a test's override) gets its own client instead of one pointed elsewhere."""
    rate = settings.REGISTRY_RATE_PER_SECOND
    key = (name, base_url, float(settings.REGISTRY_TIMEOUT_SECONDS), rate)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = OutboundClient(
                base_url,
                name=name,
                timeout=key[2],
                retries=0,
                rate_per_second=rate if rate > 0 else None,
            )
    return client


def reset_clients() -> None:
    """Close every client and forget its circuit state (tests; after a reconfiguration)."""
    with _clients_lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        client.close()


class _Adapter:
    name: str

    def __init__(self, client: OutboundClient) -> None:
        self._http = client

    def _headers(self) -> dict[str, str]:
        return {CLIENT_ID_HEADER: settings.REGISTRY_CLIENT_ID}

    def _answer(self, response: httpx.Response, schema: str, method: str, path: str) -> Any:
        """The parsed answer if it keeps the contract, else ``bad_response``."""
        try:
            data = response.json()
        except ValueError:
            data = None
        if data is None or not _validator(schema).is_valid(data):
            raise self._bad_response(method, path, "answer does not match the published schema")
        return data

    def _bad_response(self, method: str, path: str, why: str) -> DependencyUnavailable:
        return DependencyUnavailable(
            f"{self.name}: {why}",
            dependency=self.name,
            method=method,
            path=path,
            reason="bad_response",
        )


class PopulationRegistry(_Adapter):
    """NIK verification and the family card (Kartu Keluarga) of a resident."""

    name = POPULATION_REGISTRY

    def __init__(self, client: OutboundClient | None = None) -> None:
        super().__init__(client or client_for(self.name, settings.POPULATION_REGISTRY_URL))

    def verify_nik(self, nik: str, name: str, birth_date: dt.date) -> NikVerdict:
        """Do this NIK, name and date of birth belong together? The POST changes nothing at
        the registry, but it is still sent once per call: the check's schedule retries."""
        path = "/v1/nik/verify"
        response = self._http.request(
            "POST",
            path,
            json={"nik": nik, "name": name, "birth_date": birth_date.isoformat()},
            headers=self._headers(),
        )
        data = self._answer(response, "nik_verify.json", "POST", path)
        fields = data["fields"]
        verdict = NikVerdict(
            result=data["result"],
            nik=fields["nik"],
            name=fields["name"],
            birth_date=fields["birth_date"],
            request_id=data["request_id"],
        )
        if verdict.result != _result_of(verdict):
            # The schema cannot say "match means every field agrees"; a verdict that
            # contradicts itself is not one to show an officer.
            raise self._bad_response("POST", path, "result contradicts the fields")
        return verdict

    def family_of(self, nik: str) -> list[FamilyMember]:
        """The people on the resident's family card, head of family first. An unknown NIK is
        ``DependencyRejected`` with status 404 (the registry's answer, not an outage)."""
        if not is_well_formed_nik(nik):
            raise ValueError("a NIK is 16 digits")
        path = f"/v1/nik/{quote(nik, safe='')}/family"
        log_path = "/v1/nik/{nik}/family"  # never the NIK itself in an exception message
        response = self._http.request("GET", path, headers=self._headers())
        data = self._answer(response, "family_members.json", "GET", log_path)
        return [
            FamilyMember(
                nik=member["nik"],
                name=member["name"],
                birth_date=dt.date.fromisoformat(member["birth_date"]),
                sex=SEX_CODES[member["sex"]],
                relationship=member["relationship"],
                place_of_birth=member["place_of_birth"],
            )
            for member in data["members"]
        ]


class TaxOffice(_Adapter):
    """NPWP validation (legacy 15 digits, NIK as NPWP, NPWP16)."""

    name = TAX_OFFICE

    def __init__(self, client: OutboundClient | None = None) -> None:
        super().__init__(client or client_for(self.name, settings.TAX_OFFICE_URL))

    def validate_npwp(self, npwp: str) -> NpwpVerdict:
        """Is this NPWP registered and active? A number that is not 15 or 16 digits is
        refused by the tax office (``DependencyRejected``, 422); callers check
        ``is_well_formed_npwp`` first."""
        path = "/v1/npwp/validate"
        digits = normalise_npwp(npwp)
        response = self._http.request("POST", path, json={"npwp": digits}, headers=self._headers())
        data = self._answer(response, "npwp_validate.json", "POST", path)
        if data["npwp"] != digits:
            raise self._bad_response("POST", path, "answer is about another number")
        return NpwpVerdict(
            format=data["format"],
            valid=data["valid"],
            status=data["status"],
            taxpayer_type=data["taxpayer_type"],
        )


def _result_of(verdict: NikVerdict) -> str:
    if verdict.nik and verdict.name and verdict.birth_date:
        return "match"
    return "partial" if verdict.nik else "no_match"
