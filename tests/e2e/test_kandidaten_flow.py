"""The candidate list in a real browser: filters that apply as they change, chips, keyboard paging, sorting,
a client, the export, Mijn kandidaten, remembered columns, saved lists, and the list without JavaScript."""

import re

import pytest
from django.core.cache import cache

from kandidaten.models import Gemeente
from tests.e2e.conftest import axe_violations
from tests.factories import make_kandidaat, make_user


@pytest.fixture
def data(referentiedata):
    cache.clear()  # option lists are cached per data generation, which a rolled-back test repeats
    for index in range(60):
        make_kandidaat("Epe", naam=f"Epe {index:02d}", klantprofiel="NJ"[index % 2], begeleider="A. de Vries")
    for index in range(5):
        make_kandidaat("Heerde", naam=f"Heerde {index}", klantprofiel="N", begeleider="L. Visser")


def kop(page):
    return page.locator("#resultaat-kop")


def tick(page, keuze, optie):
    """Open a searchable option list in the filter panel and tick one option."""
    details = page.locator("details.keuze", has=page.locator("summary", has_text=keuze))
    if not details.evaluate("element => element.open"):
        details.locator("summary").click()
    details.get_by_label(optie, exact=True).check()


@pytest.mark.django_db(transaction=True)
def test_filters_apply_as_they_change_and_chips_take_them_off(login, live_server, data, teamleider):
    page = login(teamleider)
    page.get_by_role("link", name="Kandidaten", exact=True).click()
    kop(page).filter(has_text="65 kandidaten").wait_for()
    page.locator("summary", has_text="Filters").click()
    tick(page, "Bet. gemeente", "Epe")  # no button: the list follows
    kop(page).filter(has_text="60 kandidaten").wait_for()
    tick(page, "Sonar - Klantprofiel", "N – Nee")
    kop(page).filter(has_text="30 kandidaten").wait_for()
    page.wait_for_url(re.compile(r"klantprofiel=N"))  # the state is in the URL
    chips = page.locator(".chips a.chip[data-veld]")
    texts = [" ".join(text.split()) for text in chips.all_inner_texts()]
    assert [text.split(" ×")[0] for text in texts] == ["Bet. gemeente: Epe", "Sonar - Klantprofiel: N – Nee"]
    assert axe_violations(page) == []

    chips.filter(has_text="Klantprofiel").click()
    kop(page).filter(has_text="60 kandidaten").wait_for()
    assert not page.get_by_label("N – Nee", exact=True).is_checked()  # the form agrees with the chips
    assert "klantprofiel" not in page.url
    page.get_by_label("Zoek op naam of Pers. nr.").fill("epe 58")  # typing applies after a pause
    kop(page).filter(has_text="1 kandidaat").wait_for()


@pytest.mark.django_db(transaction=True)
def test_paging_by_keyboard_keeps_the_focus_on_the_results(login, live_server, data, teamleider):
    page = login(teamleider)
    page.goto(f"{live_server.url}/kandidaten/?per_page=25&sort=naam")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # two key presses to the results, not sixteen
    assert page.evaluate("document.activeElement.textContent") == "Naar de resultaten"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "resultaat"
    volgende = page.get_by_role("link", name="Volgende pagina")
    volgende.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Pagina 2 van 3").wait_for()
    assert page.evaluate("document.activeElement.id") == "resultaat-kop"  # not back at the top of the page
    assert "page=2" in page.url
    page.keyboard.press("Tab")  # from the heading onwards, not from the menu
    assert page.evaluate("document.activeElement.closest('#resultaat') !== null")
    page.goto(f"{live_server.url}/kandidaten/?per_page=25&page=99")
    assert page.get_by_role("status").filter(has_text="Pagina 99 bestaat niet").is_visible()
    page.get_by_text("Pagina 3 van 3").wait_for()


@pytest.mark.django_db(transaction=True)
def test_printing_shows_the_list_without_menus_filters_or_paging(login, live_server, data, teamleider):
    page = login(teamleider)
    page.goto(f"{live_server.url}/kandidaten/?per_page=25")
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible() and not page.locator("#filters").is_visible()
    assert not page.locator(".paginering").is_visible()
    assert page.locator("table.lijst-tabel").is_visible() and page.locator("#resultaat-kop").is_visible()
    page.goto(f"{live_server.url}/")
    assert page.locator(".paneel").is_visible() and not page.locator(".signaal-filters").is_visible()


@pytest.mark.django_db(transaction=True)
def test_sort_open_a_client_and_export(login, live_server, data, teamleider):
    page = login(teamleider)
    page.goto(f"{live_server.url}/kandidaten/?gemeente={Gemeente.objects.get(naam='Epe').pk}&klantprofiel=N")
    page.get_by_role("link", name=re.compile("^Naam")).click()  # ascending
    page.locator("th[aria-sort=ascending]", has_text="Naam").wait_for()
    page.get_by_role("link", name=re.compile("^Naam")).click()  # descending
    page.locator("th[aria-sort=descending]").wait_for()
    assert page.locator("tbody tr").first.locator("td.kolom-naam").inner_text() == "Epe 58"
    assert page.get_by_label("Sorteren op").input_value() == "-naam"  # the phone's sort control agrees

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.startswith("kandidaten-")

    page.get_by_role("link", name="Epe 58", exact=True).click()
    page.get_by_role("heading", name=re.compile("Epe 58")).wait_for()
    assert axe_violations(page) == []


@pytest.mark.django_db(transaction=True)
def test_a_begeleider_lands_on_her_own_clients_and_one_click_shows_the_gemeente(login, live_server, data):
    user = make_user("anna", "Medewerker", gemeenten=["Epe", "Heerde"], begeleider_naam="L. Visser")
    page = login(user)
    page.get_by_role("link", name="Kandidaten", exact=True).click()
    kop(page).filter(has_text="5 kandidaten van L. Visser").wait_for()
    page.get_by_role("link", name="Alle kandidaten van mijn gemeenten").click()
    kop(page).filter(has_text="65 kandidaten").wait_for()
    assert page.get_by_role("link", name="Alle kandidaten van mijn gemeenten").get_attribute("aria-current") == "page"


@pytest.mark.django_db(transaction=True)
def test_the_chosen_columns_and_a_saved_list_are_kept(login, live_server, data, teamleider):
    page = login(teamleider)
    page.goto(f"{live_server.url}/kandidaten/?klantprofiel=J")
    page.locator("summary", has_text="Kolommen").click()
    page.get_by_label("Doelgroep", exact=True).uncheck()
    page.get_by_role("button", name="Kolommen tonen").click()
    kop(page).filter(has_text="30 kandidaten").wait_for()  # back on the same list
    assert page.locator("th.kolom-doelgroep").count() == 0
    page.locator("summary", has_text="Lijst bewaren").click()
    page.get_by_label("Naam van de lijst").fill("Epe met profiel")
    page.get_by_role("button", name="Bewaren").click()
    page.get_by_text("Lijst ‘Epe met profiel’ bewaard").wait_for()

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Mijn lijsten").click()
    page.get_by_role("link", name="Epe met profiel").click()
    kop(page).filter(has_text="30 kandidaten").wait_for()
    assert "klantprofiel=J" in page.url
    assert page.locator("th.kolom-doelgroep").count() == 0  # still without the column


@pytest.mark.django_db(transaction=True)
def test_a_searchable_option_list_narrows_as_you_type(login, live_server, data):
    page = login(make_user("landelijk", is_superuser=True))  # every gemeente: 343 options
    page.goto(f"{live_server.url}/kandidaten/")
    page.locator("summary", has_text="Filters").click()
    details = page.locator("details.keuze", has=page.locator("summary", has_text="Bet. gemeente"))
    details.locator("summary").click()
    details.get_by_label("Zoek in bet. gemeente").fill("HEERD")  # case and accents do not matter
    assert [text.strip() for text in details.locator("li:visible").all_inner_texts()] == ["Heerde"]
    details.get_by_label("Heerde", exact=True).check()  # a plain click: no Ctrl needed for several
    kop(page).filter(has_text="5 kandidaten").wait_for()
    details.get_by_label("Zoek in bet. gemeente").fill("epe")
    details.get_by_label("Epe", exact=True).check()
    kop(page).filter(has_text="65 kandidaten").wait_for()
    assert details.locator(".keuze__aantal").inner_text() == "(2 gekozen)"


@pytest.mark.django_db(transaction=True)
def test_the_list_works_without_javascript(zonder_javascript, live_server, data, teamleider):
    page = zonder_javascript(teamleider)
    page.goto(f"{live_server.url}/kandidaten/")
    page.locator("summary", has_text="Filters").click()
    tick(page, "Bet. gemeente", "Heerde")
    page.get_by_role("button", name="Toepassen").click()
    kop(page).filter(has_text="5 kandidaten").wait_for()
    page.locator("a.chip", has_text="Heerde").click()  # a chip is a plain link
    kop(page).filter(has_text="65 kandidaten").wait_for()
