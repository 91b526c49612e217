"""The overview in a real browser: the panel, a drill-down, the pictures, and no axe violations."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.e2e.conftest import axe_violations
from tests.factories import make_kandidaat, make_module, make_plaatsing, make_traject

DAG = datetime.timedelta(days=1)


@pytest.fixture
def data(referentiedata):
    from django.core.cache import cache

    cache.clear()  # the uitvoerenden suggestions are cached per scope
    vandaag = timezone.localdate()
    for index in range(4):
        kandidaat = make_kandidaat(
            "Epe" if index % 2 else "Apeldoorn", begeleider="A. de Vries",
            klantprofiel="JNLO"[index], participatieladder=["04 met groeipotentieel", "06", "", ""][index],
        )
        traject = make_traject(kandidaat, startdatum=vandaag - 10 * DAG, signaaldatum=vandaag - DAG)
        make_module(kandidaat, traject=traject if index else None, startdatum=vandaag - 3 * DAG, opgeschort=index == 1)
        make_plaatsing(kandidaat, startdatum=vandaag - 40 * DAG, einddatum=vandaag + 20 * DAG)


@pytest.mark.django_db(transaction=True)
def test_a_teamleider_follows_a_number_to_its_list_and_back(login, live_server, data, teamleider):
    page = login(teamleider)
    panel = page.get_by_role("region", name="Trajecten")
    link = panel.get_by_role("link", name=re.compile("Signaaldatum verstreken"))
    assert link.locator(".tegel__aantal").inner_text() == "4"
    link.click()
    page.wait_for_url(re.compile(r"/signalen/trajecten/signaal_verstreken/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Trajecten: Signaaldatum verstreken"
    assert page.locator(".signaal-tabel__aantal strong").inner_text() == "4"
    assert page.locator("table.signaal-lijst tbody tr").count() == 4
    assert axe_violations(page) == []
    # Sorting through htmx keeps the page and pushes the URL.
    page.get_by_role("link", name=re.compile("^Startdatum")).click()
    page.wait_for_url(re.compile(r"sort=start"))
    assert page.locator("th[aria-sort]").inner_text().startswith("Startdatum")
    page.get_by_role("link", name="Terug naar het overzicht").click()
    page.wait_for_url(re.compile(r"/\?peildatum="))


@pytest.mark.django_db(transaction=True)
def test_the_peildatum_and_gemeente_narrow_the_panel_through_the_url(login, live_server, data, teamleider):
    page = login(teamleider)
    page.get_by_label("Gemeente", exact=True).select_option(label="Epe")
    page.get_by_label("Peildatum", exact=True).fill("01-01-2020")
    page.get_by_role("button", name="Toepassen").click()
    page.wait_for_url(re.compile(r"peildatum=01-01-2020.*gemeente=\d+"))
    assert page.get_by_role("region", name="Trajecten").locator(".tegel__aantal").first.inner_text() == "0"
    assert page.locator("svg.chart").count() == 2
    # Each bar is a link to the candidate list with the list's filters.
    bar = page.get_by_role("link", name=re.compile(r"^Epe, klantprofiel J – Ja: 0 kandidaten"))
    assert re.search(r"/kandidaten/\?gemeente=\d+&klantprofiel=J$", bar.get_attribute("href"))


@pytest.mark.django_db(transaction=True)
def test_the_overview_has_no_accessibility_violations(login, live_server, data, teamleider):
    page = login(teamleider)
    assert page.locator("svg.chart").count() == 4
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/?peildatum=31-02-2026")
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []
