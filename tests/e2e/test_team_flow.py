"""The team overview and the worklist's follow-up in a real browser: they fit the screen at 1400 and 390 px with no
axe violations, a number opens its list, and a follow-up is set by keyboard in place (htmx) or without JavaScript."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from kandidaten.models import Kandidaat, Opvolging
from tests.e2e.conftest import axe_violations
from tests.e2e.test_paginas import check
from tests.factories import make_kandidaat, make_module, make_traject, make_user

DAG = datetime.timedelta(days=1)


@pytest.fixture
def data(referentiedata):
    cache.clear()
    vandaag = timezone.localdate()
    begeleiders = ["A. de Vries", "J. Peters-van der Heijden-Oosterhuis", ""]
    for index in range(24):
        kandidaat = make_kandidaat("Epe" if index % 4 else "Heerde", naam=f"Klant, {index:02d}.",
                                   begeleider=begeleiders[index % 3], klantprofiel="NNJL"[index % 4])
        traject = make_traject(kandidaat, startdatum=vandaag - 30 * DAG, signaaldatum=vandaag - DAG,
                               einddatum=vandaag + 20 * DAG)
        if index % 2:
            make_module(kandidaat, traject=traject, startdatum=vandaag - 3 * DAG, signaaldatum=vandaag - DAG)


@pytest.fixture
def begeleider(db):
    return make_user("a.devries", "Medewerker", gemeenten=["Epe", "Heerde"], begeleider_naam="A. de Vries")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("breedte", [1400, 390])
def test_the_team_pages_fit_the_screen_and_have_no_axe_violations(login, live_server, data, teamleider, breedte):
    page = login(teamleider)
    pad = "/kandidaten/profiel-nodig/?begeleider=A.%20de%20Vries"
    kandidaat = Kandidaat.objects.filter(begeleider="A. de Vries").first()
    assert check(page, live_server, ["/team/", "/team/?sort=-profiel_nodig&peildatum=31-02-2026", pad,
                                     f"/kandidaten/{kandidaat.pk}/opvolging/"], breedte) == []


@pytest.mark.django_db(transaction=True)
def test_a_number_of_the_team_overview_opens_its_list(login, live_server, data, teamleider):
    page = login(teamleider)
    page.get_by_role("link", name="Team", exact=True).click()
    page.get_by_role("heading", name="Opvolging van Profiel nodig").wait_for()
    cel = page.locator("#caseload tbody tr", has=page.locator("th", has_text="A. de Vries")).locator(
        "td[data-label='Profiel nodig'] a")
    aantal = cel.inner_text()
    cel.click()
    page.locator("#werklijst-kop").filter(has_text=f"Werklijst van A. de Vries: {aantal} kandidaten").wait_for()
    page.go_back()
    geen = page.locator("#caseload tbody tr", has=page.locator("th", has_text="(geen begeleider)"))
    verstreken = geen.locator("td[data-label='Trajecten: Signaaldatum verstreken'] a")
    aantal = verstreken.inner_text()
    verstreken.click()
    page.locator("#signaal-aantal").filter(has_text=f"{aantal} item").wait_for()
    assert "begeleider=%28geen+begeleider%29" in page.url


@pytest.mark.django_db(transaction=True)
def test_a_begeleider_sets_a_follow_up_by_keyboard_and_the_row_changes_in_place(login, live_server, data,
                                                                                begeleider):
    page = login(begeleider)
    page.goto(f"{live_server.url}/kandidaten/profiel-nodig/")
    rij = page.locator("#werklijst tbody tr").first
    naam = rij.locator("td.kolom-naam").inner_text()
    rij.locator("select[name=status]").focus()
    rij.locator("select[name=status]").select_option(label="Contact gelegd")
    page.keyboard.press("Tab")  # to Opslaan
    page.keyboard.press("Enter")
    melding = page.locator("#opvolging-melding")
    melding.filter(has_text=f"Opvolging van {naam}: Contact gelegd.").wait_for()
    assert rij.locator(".opvolging__stand").inner_text().startswith("Contact gelegd")
    assert page.evaluate("document.activeElement.id").startswith("opslaan-")  # the focus stays on the row's button
    assert "/opvolging/" not in page.url  # nothing but the cell was swapped
    assert Opvolging.objects.get().status == "contact"
    assert axe_violations(page) == []

    rij.locator("select[name=status]").select_option(label="Niet mogelijk")
    rij.get_by_role("button", name=f"Opslaan voor {naam}").click()
    melding.filter(has_text="Niet opgeslagen").wait_for()
    reden = rij.get_by_label("Reden (bij niet mogelijk)")
    assert reden.is_visible() and reden.get_attribute("aria-invalid") == "true"
    reden.fill("verhuist naar het buitenland")
    rij.get_by_role("button", name=f"Opslaan voor {naam}").click()
    melding.filter(has_text="Niet mogelijk.").wait_for()
    assert Opvolging.objects.get().reden == "verhuist naar het buitenland"
    assert axe_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_the_follow_up_works_without_javascript(zonder_javascript, live_server, data, begeleider):
    page = zonder_javascript(begeleider)
    page.goto(f"{live_server.url}/kandidaten/profiel-nodig/?sort=-naam")
    rij = page.locator("#werklijst tbody tr").first
    naam = rij.locator("td.kolom-naam").inner_text()
    rij.locator("select[name=status]").select_option(label="Afspraak gepland")
    rij.locator("summary").click()  # the native <details>
    rij.get_by_label("Notitie").fill("dinsdag 10 uur")
    rij.get_by_role("button", name=f"Opslaan voor {naam}").click()
    page.get_by_text(f"Opvolging van {naam}: Afspraak gepland.").wait_for()
    assert "sort=-naam" in page.url  # back on the worklist as it was
    assert Opvolging.objects.get().notitie == "dinsdag 10 uur"
