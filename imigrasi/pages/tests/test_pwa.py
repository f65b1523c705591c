from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_manifest_names_installable_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_precaches_existing_static_files_and_the_offline_page(client):
    import json
    import re

    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    found = re.search(r"const PRECACHE = (\[.*?\]);", body)
    assert found
    precache = json.loads(found.group(1))
    assert precache
    for url in precache:
        assert client.get(url).status_code == 200, url
    assert 'const OFFLINE_URL = "/offline/"' in body
    assert client.get("/offline/").status_code == 200
