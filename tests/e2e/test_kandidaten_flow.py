"""The candidate list in a real browser: filter, sort, page, open a client, export; no axe violations."""

import re

import pytest
from django.core.cache import cache

from kandidaten.models import Gemeente
from tests.e2e.conftest import axe_violations
from tests.factories import make_kandidaat


@pytest.fixture
def data(referentiedata):
    cache.clear()  # option lists are cached per data generation, which a rolled-back test repeats
    for index in range(60):
        make_kandidaat("Epe", naam=f"Epe {index:02d}", klantprofiel="NJ"[index % 2], begeleider="A. de Vries")
    for index in range(5):
        make_kandidaat("Heerde", naam=f"Heerde {index}", klantprofiel="N")


@pytest.mark.django_db(transaction=True)
def test_filter_sort_page_open_a_client_and_export(login, live_server, data, teamleider):
    page = login(teamleider)
    page.get_by_role("link", name="Kandidaten", exact=True).click()
    page.get_by_label("Bet. gemeente").select_option(label="Epe")
    page.get_by_label("Sonar - Klantprofiel").select_option(value="N")
    page.get_by_label("Kandidaten per pagina").select_option("25")
    page.get_by_role("button", name="Filteren").click()
    heading = page.locator("#resultaat-kop")
    heading.filter(has_text="30 kandidaten").wait_for()
    assert "klantprofiel=N" in page.url  # state in the URL
    assert axe_violations(page) == []

    page.get_by_role("link", name=re.compile("^Naam")).click()  # ascending
    page.locator("th[aria-sort=ascending]", has_text="Naam").wait_for()
    page.get_by_role("link", name=re.compile("^Naam")).click()  # descending
    page.locator("th[aria-sort=descending]").wait_for()
    first = page.locator("tbody tr").first.locator("td").nth(2).inner_text()
    assert first == "Epe 58"
    page.get_by_role("link", name="Volgende pagina").click()
    page.get_by_text("Pagina 2 van 2").wait_for()
    assert "page=2" in page.url
    page.go_back()
    page.get_by_text("Pagina 1 van 2").wait_for()

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.startswith("kandidaten-")

    page.get_by_role("link", name="Epe 58", exact=True).click()
    page.get_by_role("heading", name=re.compile("Epe 58")).wait_for()
    assert axe_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_the_list_works_without_javascript(browser, live_server, data, teamleider):
    from django.conf import settings
    from django.test import Client

    django_client = Client()
    django_client.force_login(teamleider, backend="kandidaten.backends.PermissieBackend")
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": django_client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
    page = context.new_page()
    heerde = Gemeente.objects.get(naam="Heerde")
    page.goto(f"{live_server.url}/kandidaten/")
    page.get_by_label("Bet. gemeente").select_option(value=str(heerde.pk))
    page.get_by_role("button", name="Filteren").click()
    page.locator("#resultaat-kop").filter(has_text="5 kandidaten").wait_for()
    context.close()
