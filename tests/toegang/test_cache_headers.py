"""No browser or proxy keeps a copy of a page or download with personal data: Cache-Control: no-store."""

import pytest

from tests.factories import make_kandidaat

pytestmark = pytest.mark.django_db


def assert_not_stored(response, what):
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private", "no-cache"} <= directives, (what, response.get("Cache-Control"))


def test_list_client_page_and_exports_are_never_stored(logged_in, teamleider):
    kandidaat = make_kandidaat("Epe")
    client = logged_in(teamleider)
    for url in ("/", "/kandidaten/", f"/kandidaten/{kandidaat.pk}/", "/kandidaten/profiel-nodig/",
                "/signalen/trajecten/actief/", "/audit/", "/beheer/kandidaten/kandidaat/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_stored(response, url)
    for url in ("/kandidaten/?_export=csv", "/kandidaten/?_export=xlsx", "/signalen/trajecten/actief/?_export=csv"):
        download = client.get(url)
        assert download.streaming and download.status_code == 200, url
        assert_not_stored(download, url)


def test_htmx_fragments_redirects_and_error_pages_are_never_stored(client, logged_in, medewerker_epe):
    assert_not_stored(client.get("/kandidaten/"), "the login redirect")
    client = logged_in(medewerker_epe)
    assert_not_stored(client.get("/kandidaten/?klantprofiel=N", headers={"HX-Request": "true"}), "htmx fragment")
    assert_not_stored(client.get("/kandidaten/999999/"), "404")
    assert_not_stored(client.get("/audit/"), "403")


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/kandidaten/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]
