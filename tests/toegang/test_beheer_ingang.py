"""/beheer/ is part of the app: one login page (the app's), and the app's "geen toegang" for non-staff."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_medewerker_opening_beheer_gets_the_apps_geen_toegang_page_not_a_second_login(logged_in, medewerker_epe):
    client = logged_in(medewerker_epe)
    for url in ("/beheer/", "/beheer/kandidaten/kandidaat/", "/beheer/login/?next=/beheer/"):
        response = client.get(url)
        assert response.status_code == 403, url
        html = response.content.decode()
        assert "Geen toegang" in html and 'name="password"' not in html, url
        assert "Uitloggen" in html  # the app's page shell, with its menu


def test_an_anonymous_visitor_of_beheer_ends_on_the_apps_login_page_with_next(client):
    response = client.get("/beheer/kandidaten/kandidaat/?gemeente=1", follow=True)
    final_url, _status = response.redirect_chain[-1]
    assert final_url == "/inloggen/?next=/beheer/kandidaten/kandidaat/%3Fgemeente%3D1"
    assert response.templates[0].name == "registration/login.html"


def test_the_admins_own_login_form_is_gone_for_everyone(client, beheerder):
    assert client.get("/beheer/login/").url.startswith("/inloggen/")
    posted = client.post("/beheer/login/", {"username": "beheer", "password": "geheim-wachtwoord-123"})
    assert posted.status_code == 302 and posted.url.startswith("/inloggen/")
    assert "_auth_user_id" not in client.session  # nobody logs in there
    client.force_login(beheerder)
    assert client.get("/beheer/login/").url == "/beheer/"


def test_staff_still_reach_beheer(logged_in, beheerder):
    response = logged_in(beheerder).get("/beheer/")
    assert response.status_code == 200
    assert "Kandidatenoverzicht – beheer" in response.content.decode()
