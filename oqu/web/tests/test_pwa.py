"""The installable web app for learners and parents (shared LMS items: a mobile app "if there is
one", free for learners and parents; SEC-27.1)."""

from __future__ import annotations

import json

import pytest


@pytest.mark.django_db
def test_sec_27_1_manifest_is_translated_and_installable(client):
    client.cookies["django_language"] = "kk"
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["display"] == "standalone"
    assert data["start_url"].startswith("/")
    assert data["icons"]
    assert data["lang"] == "kk"


@pytest.mark.django_db
def test_sec_27_1_service_worker_never_caches_pages(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    # pages with personal data go to the network; only static assets and the offline page are cached
    assert "request.mode === 'navigate'" in script
    assert "caches.match(OFFLINE)" in script
    assert "cache.put" not in script


@pytest.mark.django_db
def test_pages_link_the_manifest_and_offline_page_renders(client):
    assert client.get("/offline/").status_code == 200
    home = client.get("/", follow=True).content.decode()
    assert 'rel="manifest"' in home
