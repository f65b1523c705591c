"""Fuzzing the whole API from its own OpenAPI document (schemathesis), bounded for CI.

Every operation gets generated requests — valid, odd and invalid — against a live server over
real HTTP, signed in as an applicant. Each answer must not be a server error and must be
documented: its status code, content type, headers and body schema are all in the OpenAPI
document (imigrasi.lib.api_errors completes the error answers). Run by `make test-fuzz`
(part of `make test`); FUZZ_EXAMPLES sets the examples per operation (default 50).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from imigrasi.api import api
from imigrasi.appointments.tests.test_api_booking import bearer

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def signed_in(applicant: Any) -> dict[str, str]:
    return {"Authorization": bearer(applicant)["HTTP_AUTHORIZATION"]}


# The document the server serves at /api/v1/openapi.json, read in-process at collection.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented(
    case: Any, live_server: Any, signed_in: dict[str, str]
) -> None:
    case.call_and_validate(base_url=live_server.url, headers=signed_in, checks=CHECKS)


@pytest.fixture
def own_draft(catalog: Any, applicant: Any) -> str:
    from imigrasi.applications.tests.conftest import make

    return str(make("draft", account=applicant.email).number)


# The same operations on an application that exists and is the caller's: generated answers,
# uploads and submissions reach the validators and actions instead of stopping at "not found".
# The event stream is left out: on a real application it holds the connection open (25 s).
own_application = schema.include(path_regex=r"^/api/v1/applications/\{number\}").exclude(
    path_regex=r"/events/stream$"
)


@own_application.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_operations_on_an_own_draft_answer_as_documented(
    case: Any, live_server: Any, signed_in: dict[str, str], own_draft: str
) -> None:
    case.path_parameters = {**(case.path_parameters or {}), "number": own_draft}
    case.call_and_validate(base_url=live_server.url, headers=signed_in, checks=CHECKS)
