"""The population-registry and tax-office simulators, as real processes over real HTTP.

Each simulator runs once per module (``--port 0 --port-file``, like the payment simulator's
fixture); every test that changes the failure mode puts it back to normal afterwards, so tests
do not depend on their order.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from imigrasi.lib.identifiers import PROVINCE_CODES, parse_nik
from simulators.launch import running

ROOT = Path(__file__).resolve().parents[2]
REGISTRY_DIR = ROOT / "simulators" / "population_registry"
TAX_DIR = ROOT / "simulators" / "tax_office"
CLIENT_ID = {"X-Client-Id": "kanim-jakarta-selatan"}

SITI = {"nik": "3174055204910003", "name": "SITI RAHMAWATI", "birth_date": "1991-04-12"}
SITI_KK = "3174051201240003"
UNKNOWN_NIK = "3174055204910099"  # well-formed, not registered
# The residents were written on this date; ages are taken as of then so the test does not rot.
DATA_SET_DATE = dt.date(2026, 12, 1)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("population-registry")
    with running("simulators.population_registry.server", directory) as url:
        yield url


@pytest.fixture(scope="module")
def tax_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running("simulators.tax_office.server", tmp_path_factory.mktemp("tax-office")) as url:
        yield url


@contextmanager
def client_for(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, headers=CLIENT_ID, timeout=5) as client:
        try:
            yield client
        finally:
            client.put("/_control/mode", json={"mode": "normal"}).raise_for_status()


@pytest.fixture
def registry(registry_url: str) -> Iterator[httpx.Client]:
    with client_for(registry_url) as client:
        yield client


@pytest.fixture
def tax(tax_url: str) -> Iterator[httpx.Client]:
    with client_for(tax_url) as client:
        yield client


@dataclass(frozen=True)
class Simulator:
    """A running simulator and one well-formed request to it, for the tests both must pass."""

    client: httpx.Client
    path: str
    body: dict[str, str]
    schema: Draft202012Validator

    def call(self, **kwargs: Any) -> httpx.Response:
        return self.client.post(self.path, json=self.body, **kwargs)


@pytest.fixture(params=["population_registry", "tax_office"])
def simulator(request: pytest.FixtureRequest) -> Simulator:
    if request.param == "population_registry":
        client = request.getfixturevalue("registry")
        return Simulator(client, "/v1/nik/verify", SITI, validator(REGISTRY_DIR, "nik_verify"))
    client = request.getfixturevalue("tax")
    body = {"npwp": "01.316.742.5-061.000"}
    return Simulator(client, "/v1/npwp/validate", body, validator(TAX_DIR, "npwp_validate"))


def validator(directory: Path, name: str) -> Draft202012Validator:
    schema = json.loads((directory / "schemas" / f"{name}.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def verify(client: httpx.Client, **changes: str) -> httpx.Response:
    return client.post("/v1/nik/verify", json={**SITI, **changes})


def npwp(client: httpx.Client, value: Any) -> httpx.Response:
    return client.post("/v1/npwp/validate", json={"npwp": value})


def set_mode(client: httpx.Client, **settings: Any) -> dict[str, Any]:
    response = client.put("/_control/mode", json=settings)
    assert response.status_code == 200, response.text
    return dict(response.json())


# --- NIK verification ------------------------------------------------------------------------


def test_the_registered_nik_name_and_birth_date_are_a_match(registry: httpx.Client) -> None:
    response = verify(registry)

    assert response.status_code == 200
    assert response.json()["result"] == "match"
    assert response.json()["fields"] == {"nik": True, "name": True, "birth_date": True}


@pytest.mark.parametrize(
    "name",
    [
        "siti rahmawati",
        "  Siti   Rahmawati ",
        "Siti-Rahmawati",
        "SITI RAHMAWATI.",
        "Sití Rahmawati",
        "Siti Rahma'wati",
    ],
)
def test_names_agree_whatever_their_case_spacing_punctuation_or_accents(
    registry: httpx.Client, name: str
) -> None:
    assert verify(registry, name=name).json()["result"] == "match"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"name": "SITI RAHMAWATI PUTRI"}, {"nik": True, "name": False, "birth_date": True}),
        ({"birth_date": "1991-04-21"}, {"nik": True, "name": True, "birth_date": False}),
        (
            {"name": "DEWI ANGGRAINI", "birth_date": "1995-11-02"},
            {"nik": True, "name": False, "birth_date": False},
        ),
    ],
)
def test_a_registered_nik_with_another_name_or_birth_date_is_a_partial_match(
    registry: httpx.Client, changes: dict[str, str], fields: dict[str, bool]
) -> None:
    answer = verify(registry, **changes).json()

    assert answer["result"] == "partial"
    assert answer["fields"] == fields


def test_an_unregistered_nik_is_no_match_with_every_field_false(registry: httpx.Client) -> None:
    answer = verify(registry, nik=UNKNOWN_NIK).json()

    assert answer["result"] == "no_match"
    assert answer["fields"] == {"nik": False, "name": False, "birth_date": False}


@pytest.mark.parametrize(
    "changes",
    [{}, {"name": "BUDI"}, {"birth_date": "2000-01-01"}, {"nik": "3174054309190002"}],
    ids=["match", "wrong-name", "wrong-date", "someone-else-s-nik"],
)
def test_a_verification_answer_never_echoes_registry_data(
    registry: httpx.Client, changes: dict[str, str]
) -> None:
    response = verify(registry, **changes)
    text = response.text

    assert set(response.json()) == {"result", "fields", "request_id"}
    assert all(isinstance(value, bool) for value in response.json()["fields"].values())
    for registered in ("SITI", "RAHMAWATI", "NAYLA", "1991", "2019", "09-03", "04-12"):
        assert registered not in text.upper()


def test_each_verification_gets_its_own_request_id(registry: httpx.Client) -> None:
    ids = {verify(registry).json()["request_id"] for _ in range(3)}

    assert len(ids) == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SITI, "nik": "317405520491000"}, "nik"),
        ({**SITI, "nik": "31740552049100031"}, "nik"),
        ({**SITI, "nik": "3174O55204910003"}, "nik"),
        ({**SITI, "nik": 3174055204910003}, "nik"),
        ({"name": "SITI RAHMAWATI", "birth_date": "1991-04-12"}, "nik"),
        ({**SITI, "name": ""}, "name"),
        ({**SITI, "name": " .- "}, "name"),
        ({**SITI, "name": "A" * 151}, "name"),
        ({"nik": SITI["nik"], "birth_date": "1991-04-12"}, "name"),
        ({**SITI, "birth_date": "12-04-1991"}, "birth_date"),
        ({**SITI, "birth_date": "1991-02-30"}, "birth_date"),
        ({**SITI, "birth_date": "19910412"}, "birth_date"),
        ({**SITI, "birth_date": None}, "birth_date"),
        (["not", "an", "object"], "body"),
    ],
)
def test_malformed_verification_input_is_a_422_naming_the_field(
    registry: httpx.Client, body: Any, field: str
) -> None:
    response = registry.post("/v1/nik/verify", json=body)

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert field in response.json()["detail"]


def test_a_verification_body_that_is_not_json_is_a_400(registry: httpx.Client) -> None:
    response = registry.post("/v1/nik/verify", content=b"nik=3174055204910003")

    assert response.status_code == 400
    assert "detail" in response.json()


# --- family cards ----------------------------------------------------------------------------


def test_siti_s_family_card_lists_her_husband_and_two_children(registry: httpx.Client) -> None:
    response = registry.get(f"/v1/nik/{SITI['nik']}/family")

    assert response.status_code == 200
    assert response.json()["kk"] == SITI_KK
    members = [
        (m["relationship"], m["name"], m["birth_date"], m["sex"])
        for m in response.json()["members"]
    ]
    assert members == [
        ("KEPALA KELUARGA", "ARIF HIDAYAT", "1988-01-23", "LAKI-LAKI"),
        ("ISTRI", "SITI RAHMAWATI", "1991-04-12", "PEREMPUAN"),
        ("ANAK", "NAYLA PUTRI RAHMAWATI", "2019-09-03", "PEREMPUAN"),
        ("ANAK", "MUHAMMAD RAFA HIDAYAT", "2023-11-07", "LAKI-LAKI"),
    ]
    assert age_on(DATA_SET_DATE, dt.date(2023, 11, 7)) < 5  # a child passport for the demo


def test_the_family_of_a_nik_is_the_card_found_by_its_number(registry: httpx.Client) -> None:
    by_child = registry.get("/v1/nik/3174054309190002/family")
    by_card = registry.get(f"/v1/families/{SITI_KK}/members")

    assert by_child.status_code == by_card.status_code == 200
    assert by_child.json() == by_card.json()


@pytest.mark.parametrize(
    "path", [f"/v1/families/{UNKNOWN_NIK}/members", f"/v1/nik/{UNKNOWN_NIK}/family"]
)
def test_an_unknown_card_or_nik_is_a_404(registry: httpx.Client, path: str) -> None:
    response = registry.get(path)

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("path", "field"),
    [("/v1/families/31740512012400/members", "kk"), ("/v1/nik/SITI/family", "nik")],
)
def test_a_card_or_nik_that_is_not_16_digits_is_a_422_naming_it(
    registry: httpx.Client, path: str, field: str
) -> None:
    response = registry.get(path)

    assert response.status_code == 422
    assert response.json()["field"] == field


# --- NPWP validation -------------------------------------------------------------------------


NPWP_KEYS = ("npwp", "format", "valid", "status", "taxpayer_type")
SPONSOR = ("013167425061000", "legacy15", True, "active", "corporate")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01.316.742.5-061.000", SPONSOR),  # a corporate sponsor, as printed on its card
        ("013167425061000", SPONSOR),
        (" 01 316 742 5 061 000 ", SPONSOR),
        ("0013167425061000", ("0013167425061000", "npwp16", True, "active", "corporate")),
        (SITI["nik"], (SITI["nik"], "nik16", True, "active", "individual")),
        ("01.882.305.6-431.000", ("018823056431000", "legacy15", False, "inactive", "corporate")),
        ("3171020510760002", ("3171020510760002", "nik16", False, "inactive", "individual")),
        ("99.999.999.9-999.999", ("999999999999999", "legacy15", False, "unknown", None)),
        (UNKNOWN_NIK, (UNKNOWN_NIK, "nik16", False, "unknown", None)),
        ("0999999999999999", ("0999999999999999", "npwp16", False, "unknown", None)),
    ],
)
def test_an_npwp_in_any_form_is_normalised_classified_and_looked_up(
    tax: httpx.Client, typed: str, expected: tuple[Any, ...]
) -> None:
    response = npwp(tax, typed)

    assert response.status_code == 200
    assert response.json() == dict(zip(NPWP_KEYS, expected, strict=True))


@pytest.mark.parametrize(
    "value",
    [
        "01.316.742.5-061.00",
        "013167425061000000",
        "01.316.742.5-061.00O",
        "01/316/742/5/061/000",
        "",
        13167425061000,
        None,
    ],
)
def test_malformed_npwp_input_is_a_422_naming_the_field(tax: httpx.Client, value: Any) -> None:
    response = npwp(tax, value)

    assert response.status_code == 422
    assert response.json()["field"] == "npwp"
    assert "npwp" in response.json()["detail"]


def test_a_tax_answer_never_contains_the_taxpayer_s_name(tax: httpx.Client) -> None:
    for number in ("01.316.742.5-061.000", SITI["nik"], "01.882.305.6-431.000"):
        response = npwp(tax, number)

        assert set(response.json()) == set(NPWP_KEYS)
        for name_part in ("PT ", "SINAR", "SITI", "MAJU"):
            assert name_part not in response.text.upper()


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, ""], ids=["missing", "empty"])
@pytest.mark.parametrize(
    ("which", "method", "path"),
    [
        ("registry", "POST", "/v1/nik/verify"),
        ("registry", "GET", f"/v1/families/{SITI_KK}/members"),
        ("registry", "GET", f"/v1/nik/{SITI['nik']}/family"),
        ("tax", "POST", "/v1/npwp/validate"),
    ],
)
def test_agency_endpoints_refuse_a_request_without_a_client_id(
    request: pytest.FixtureRequest, which: str, method: str, path: str, header: str | None
) -> None:
    url = request.getfixturevalue(f"{which}_url")
    headers = {} if header is None else {"X-Client-Id": header}
    body = SITI if which == "registry" else {"npwp": SITI["nik"]}

    response = httpx.request(
        method, url + path, headers=headers, json=body if method == "POST" else None
    )

    assert response.status_code == 401
    assert "X-Client-Id" in response.json()["detail"]


def test_the_health_check_needs_no_client_id_and_ignores_the_mode(
    registry_url: str, registry: httpx.Client
) -> None:
    set_mode(registry, mode="down")

    response = httpx.get(f"{registry_url}/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "mode": "down"}


# --- failure modes ---------------------------------------------------------------------------


def test_slow_mode_answers_after_the_delay(simulator: Simulator) -> None:
    set_mode(simulator.client, mode="slow", delay=0.4)

    with pytest.raises(httpx.ReadTimeout):
        simulator.call(timeout=0.1)
    started = time.monotonic()
    response = simulator.call()

    assert time.monotonic() - started >= 0.4
    assert response.status_code == 200
    simulator.schema.validate(response.json())


@pytest.mark.parametrize("status", [None, 500, 502, 504])
def test_error_mode_answers_a_5xx_503_unless_told_otherwise(
    simulator: Simulator, status: int | None
) -> None:
    set_mode(simulator.client, mode="error", **({} if status is None else {"status": status}))

    response = simulator.call()

    assert response.status_code == (status or 503)
    assert set(response.json()) == {"detail"}


def test_down_mode_closes_the_connection_without_an_answer(simulator: Simulator) -> None:
    set_mode(simulator.client, mode="down")

    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        simulator.call()


def test_quota_mode_answers_429_with_retry_after(simulator: Simulator) -> None:
    set_mode(simulator.client, mode="quota", retry_after=7)

    response = simulator.call()

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert "quota" in response.json()["detail"]


@pytest.mark.parametrize("variant", [None, "missing_fields", "wrong_types", "html"])
def test_malformed_mode_answers_200_with_a_body_that_breaks_the_schema(
    simulator: Simulator, variant: str | None
) -> None:
    set_mode(simulator.client, mode="malformed", **({"variant": variant} if variant else {}))

    response = simulator.call()

    assert response.status_code == 200
    try:
        answer = response.json()
    except ValueError:
        assert variant in {None, "html"}  # truncated JSON, or a proxy's HTML page
        return
    assert not simulator.schema.is_valid(answer)


def test_switching_back_to_normal_answers_per_contract_again(simulator: Simulator) -> None:
    set_mode(simulator.client, mode="error")
    assert simulator.call().status_code == 503

    state = set_mode(simulator.client, mode="normal")
    response = simulator.call()

    assert state["mode"] == "normal"
    assert simulator.client.get("/_control/mode").json()["mode"] == "normal"
    assert response.status_code == 200
    simulator.schema.validate(response.json())


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"mode": "flaky"}, "mode"),
        ({}, "mode"),
        ({"mode": "slow", "delay": -1}, "delay"),
        ({"mode": "slow", "delay": "2"}, "delay"),
        ({"mode": "error", "status": 404}, "status"),
        ({"mode": "quota", "retry_after": 0}, "retry_after"),
        ({"mode": "malformed", "variant": "xml"}, "variant"),
    ],
)
def test_the_control_api_rejects_bad_settings_naming_the_field(
    registry: httpx.Client, settings: dict[str, Any], field: str
) -> None:
    response = registry.put("/_control/mode", json=settings)

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert registry.get("/_control/mode").json()["mode"] == "normal"


def test_stats_count_every_request_per_endpoint_even_failed_ones(registry: httpx.Client) -> None:
    registry.delete("/_control/stats").raise_for_status()
    set_mode(registry, mode="error")
    for _ in range(3):
        verify(registry)
    set_mode(registry, mode="normal")
    registry.get(f"/v1/families/{SITI_KK}/members")
    registry.get("/healthz")  # not an agency endpoint: not counted

    stats = registry.get("/_control/stats").json()

    assert stats == {
        "total": 4,
        "endpoints": {
            "POST /v1/nik/verify": 3,
            "GET /v1/families/{kk}/members": 1,
            "GET /v1/nik/{nik}/family": 0,
        },
    }
    registry.delete("/_control/stats").raise_for_status()
    assert registry.get("/_control/stats").json()["total"] == 0


def test_a_simulator_starts_in_the_mode_given_on_the_command_line(tmp_path: Path) -> None:
    with running("simulators.tax_office.server", tmp_path, "--mode", "quota") as url:
        response = httpx.post(
            f"{url}/v1/npwp/validate", json={"npwp": SITI["nik"]}, headers=CLIENT_ID
        )
        stats = httpx.get(f"{url}/_control/stats").json()

    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert stats == {"total": 1, "endpoints": {"POST /v1/npwp/validate": 1}}


# --- schemas ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(ROOT.glob("simulators/*/schemas/*.json")), ids=str)
def test_each_schema_is_a_valid_draft_2020_12_schema(path: Path) -> None:
    schema = json.loads(path.read_text())

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_real_answers_are_valid_against_their_schemas(
    registry: httpx.Client, tax: httpx.Client
) -> None:
    verify_schema = validator(REGISTRY_DIR, "nik_verify")
    family_schema = validator(REGISTRY_DIR, "family_members")
    npwp_schema = validator(TAX_DIR, "npwp_validate")
    kks = [family["kk"] for family in residents()["families"]]

    for changes in ({}, {"name": "BUDI"}, {"nik": UNKNOWN_NIK}):
        verify_schema.validate(verify(registry, **changes).json())
    for kk in kks:
        family_schema.validate(registry.get(f"/v1/families/{kk}/members").json())
    family_schema.validate(registry.get(f"/v1/nik/{SITI['nik']}/family").json())
    for taxpayer in json.loads((TAX_DIR / "taxpayers.json").read_text())["taxpayers"]:
        npwp_schema.validate(npwp(tax, taxpayer["npwp"]).json())
    for unknown in ("999999999999999", UNKNOWN_NIK, "0999999999999999"):
        npwp_schema.validate(npwp(tax, unknown).json())


# --- the data sets ---------------------------------------------------------------------------


def residents() -> dict[str, Any]:
    return dict(json.loads((REGISTRY_DIR / "residents.json").read_text()))


def everyone() -> list[dict[str, str]]:
    return [member for family in residents()["families"] for member in family["members"]]


def test_every_resident_s_nik_agrees_with_their_birth_date_and_sex() -> None:
    people = everyone()

    for person in people:
        parts = parse_nik(person["nik"], today=DATA_SET_DATE)
        assert parts.birth_date.isoformat() == person["birth_date"], person["name"]
        assert parts.is_female == (person["sex"] == "PEREMPUAN"), person["name"]
    assert len({person["nik"] for person in people}) == len(people)


def test_the_residents_are_families_across_provinces_with_children_and_infants() -> None:
    families = residents()["families"]
    people = everyone()
    ages = [age_on(DATA_SET_DATE, dt.date.fromisoformat(p["birth_date"])) for p in people]

    assert len(families) >= 12 and len(people) >= 40
    assert len({family["kk"] for family in families}) == len(families)
    assert all(len(family["kk"]) == 16 and family["kk"].isdigit() for family in families)
    assert len({PROVINCE_CODES[p["nik"][:2]] for p in people}) >= 5
    assert sum(age < 17 for age in ages) >= 10
    assert sum(age < 1 for age in ages) >= 2
    for family in families:
        relationships = [member["relationship"] for member in family["members"]]
        assert relationships[0] == "KEPALA KELUARGA"
        assert relationships.count("KEPALA KELUARGA") == 1


def test_every_taxpayer_nik_is_a_registered_resident() -> None:
    registered = {person["nik"] for person in everyone()}
    taxpayers = json.loads((TAX_DIR / "taxpayers.json").read_text())["taxpayers"]
    niks = [t["npwp"] for t in taxpayers if len(t["npwp"]) == 16 and t["npwp"][0] != "0"]

    assert niks and set(niks) <= registered
    assert {t["taxpayer_type"] for t in taxpayers} == {"individual", "corporate"}
    assert {t["status"] for t in taxpayers} == {"active", "inactive"}


def age_on(day: dt.date, birth: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
