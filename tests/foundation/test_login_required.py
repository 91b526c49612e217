import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# The unsubscribe link of a subscription mail works without logging in: its signature is the key
# (tests/abonnementen/test_afmelden.py). The favicon: a redirect to the static icon, which browsers ask for
# before any login.
PUBLIC = {"login", "afmelden", "afmelden_direct", "favicon"}
CONVERTER_VALUES = {"int": "1", "uuid": str(uuid.uuid4()), "str": "x", "slug": "x", "path": "x"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def _concrete(route):
    import re

    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: CONVERTER_VALUES[m.group(1) or "str"], route)
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    return "/" + route


def app_urls():
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith("beheer/") or name in PUBLIC or "(?P" in route:
            continue
        yield _concrete(route)


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(set(app_urls())))
def test_every_app_url_sends_an_anonymous_visitor_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302, url
    assert response["Location"].startswith("/inloggen/"), response["Location"]


@pytest.mark.django_db
def test_admin_sends_an_anonymous_visitor_to_a_login_page(client):
    response = client.get("/beheer/")
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_login_page_is_dutch_and_public(client):
    response = client.get("/inloggen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert "Gebruikersnaam" in html and "Wachtwoord" in html
    assert 'href="#inhoud"' in html  # skip link


@pytest.mark.django_db
def test_a_user_logs_in_with_the_form_and_logs_out(client, medewerker_epe):
    response = client.post(
        "/inloggen/", {"username": "medewerker.epe", "password": "geheim-wachtwoord-123"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    response = client.post("/uitloggen/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_says_so_in_dutch(client, medewerker_epe):
    response = client.post("/inloggen/", {"username": "medewerker.epe", "password": "fout"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_that_username_only(client, medewerker_epe, medewerker_apeldoorn):
    for _ in range(5):
        client.post("/inloggen/", {"username": "medewerker.epe", "password": "fout"})
    locked = client.post("/inloggen/", {"username": "medewerker.epe", "password": "geheim-wachtwoord-123"})
    assert locked.status_code == 429
    assert "Tijdelijk geblokkeerd" in locked.content.decode()
    # A colleague behind the same municipal address can still log in.
    other = client.post(
        "/inloggen/", {"username": "medewerker.apeldoorn", "password": "geheim-wachtwoord-123"}
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_without_unsafe_inline(logged_in, medewerker_epe):
    response = logged_in(medewerker_epe).get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
