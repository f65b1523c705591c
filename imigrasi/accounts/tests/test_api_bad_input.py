"""Whatever arrives at the API, the answer is a clear 4xx, never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
token_bodies = st.fixed_dictionaries(
    {},
    optional={"email": json_values, "password": json_values, "code": json_values},
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=token_bodies | json_values)
def test_the_token_endpoint_never_fails_on_odd_json(client, body):
    response = client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")
    assert response.status_code in {401, 403, 422, 429}, response.content
    assert "detail" in response.json()


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_the_token_endpoint_never_fails_on_bytes(client, raw):
    response = client.post("/api/v1/auth/token", raw, content_type="application/json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer imd_", "Basic abc", "imd_x"])
def test_malformed_authorization_headers_are_401(client, header):
    response = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
