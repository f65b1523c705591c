from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/aksesibilitas/",
    "/privasi/",
    "/ketentuan/",
    "/offline/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_render_in_indonesian_by_default(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id"' in html
    assert 'href="#main-content"' in html  # skip link
    assert 'id="main-content"' in html


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_render_in_english_when_chosen(client, path):
    client.cookies["imigrasi_lang"] = "en"
    html = client.get(path).content.decode()
    assert '<html lang="en"' in html
    assert "Skip to main content" in html


def test_the_language_switcher_is_a_plain_link_that_remembers_the_choice(client):
    response = client.get("/bahasa/en/?next=/privasi/")
    assert response.status_code == 302
    assert response["Location"] == "/privasi/"
    assert response.cookies["imigrasi_lang"].value == "en"
    assert '<html lang="en"' in client.get("/privasi/").content.decode()


def test_the_language_switcher_refuses_open_redirects(client):
    response = client.get("/bahasa/en/?next=https://evil.example/")
    assert response["Location"] == "/"


def test_unknown_urls_get_a_styled_translated_404(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
    client.cookies["imigrasi_lang"] = "en"
    assert "Page not found" in client.get("/nope/").content.decode()


def test_unknown_api_urls_get_json_404(client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_health_endpoints(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"


def test_readyz_reports_an_unreachable_database(client, monkeypatch):
    from django.db import connection
    from django.db.utils import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_the_home_page_works_without_javascript_and_lists_the_footer_pages(client):
    html = client.get("/").content.decode()
    for path in ("/aksesibilitas/", "/privasi/", "/ketentuan/"):
        assert f'href="{path}"' in html
    assert "<noscript" not in html or "required" not in html


def test_openapi_document_and_docs_are_served(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Imigrasi Digital API"
    assert "/api/v1/auth/token" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_the_office_directory_api_lists_active_offices(client, office, other_office):
    rows = client.get("/api/v1/offices").json()
    zones = {row["code"]: row["timezone_abbreviation"] for row in rows}
    assert zones == {"kanim-jakarta-selatan": "WIB", "kanim-denpasar": "WITA"}
