"""Working the list: Mijn kandidaten, chips, the columns a user keeps, page numbers and sizes, saved lists
("Mijn lijsten"), one display per value, and the small things (menu, tab title, thousands)."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from kandidaten import weergave
from kandidaten.models import BewaardeLijst, Gemeente
from tests.factories import make_kandidaat

pytestmark = pytest.mark.django_db
URL = reverse("kandidaten:lijst")


@pytest.fixture(autouse=True)
def fresh_options():
    cache.clear()


@pytest.fixture
def epe():
    for index in range(6):
        make_kandidaat("Epe", naam=f"Eigen, {index}.", begeleider="A. de Vries", klantprofiel="NJ"[index % 2])
    for index in range(4):
        make_kandidaat("Epe", naam=f"Ander, {index}.", begeleider="J. Peters", klantprofiel="N")


def names(response):
    return [kandidaat.naam for kandidaat in response.context["page"].object_list]


def test_a_begeleider_lands_on_her_own_clients(logged_in, medewerker_epe, epe):
    client = logged_in(medewerker_epe)
    landing = client.get(URL)
    assert landing.context["lijst"].weergave == "mijn" and len(names(landing)) == 6
    assert "6 kandidaten van A. de Vries" in landing.content.decode()
    assert len(names(client.get(URL, {"weergave": "alle"}))) == 10  # one click to the whole gemeente
    # A link with filters (a chart's bar, the worklist) shows what it says: the whole gemeente.
    assert len(names(client.get(URL, {"klantprofiel": "N"}))) == 7
    assert len(names(client.get(URL, {"klantprofiel": "N", "weergave": "mijn"}))) == 3
    # Sorting and paging keep "mine": the page's links carry it.
    assert "weergave=mijn" in landing.content.decode().split('id="resultaat"')[1]


def test_a_user_without_own_clients_sees_the_whole_gemeente(logged_in, teamleider, epe):
    response = logged_in(teamleider).get(URL)
    assert response.context["lijst"].weergave is None and len(names(response)) == 10
    assert "Mijn kandidaten" not in response.content.decode()


def test_active_filters_are_chips_whose_links_take_one_value_off(logged_in, teamleider, epe):
    epe_pk = Gemeente.objects.get(naam="Epe").pk
    response = logged_in(teamleider).get(URL, {"gemeente": epe_pk, "klantprofiel": ["N", "J"], "q": "eigen",
                                               "page": 2})
    chips = {(chip.label, chip.toon): chip for chip in response.context["chips"]}
    assert set(chips) == {("Bet. gemeente", "Epe"), ("Sonar - Klantprofiel", "N – Nee"),
                          ("Sonar - Klantprofiel", "J – Ja"), ("Zoek op naam of Pers. nr.", "eigen")}
    zonder_n = chips[("Sonar - Klantprofiel", "N – Nee")].query
    assert "klantprofiel=J" in zonder_n and "klantprofiel=N" not in zonder_n and "page" not in zonder_n
    assert names(logged_in(teamleider).get(f"{URL}?{zonder_n}")) == ["Eigen, 1.", "Eigen, 3.", "Eigen, 5."]
    html = response.content.decode()
    assert 'data-veld="klantprofiel" data-waarde="N"' in html  # for the form to untick without a reload


def test_the_chosen_columns_are_kept_for_the_user(logged_in, teamleider, epe):
    client = logged_in(teamleider)
    response = client.post(reverse("kandidaten:kolommen"), {"kolom": ["gemeente", "klant_van", "onzin"],
                                                            "terug": "klantprofiel=N&page=3"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?klantprofiel=N#resultaat"
    shown = [column.name for column in client.get(URL).context["table"].columns]
    assert shown == ["gemeente", "naam", "klant_van", "acties"]  # name and actions always
    later = Client()  # another session of the same user: read from the database once
    later.force_login(teamleider)
    assert [column.name for column in later.get(URL).context["table"].columns] == shown


def test_a_page_past_the_end_shows_the_last_page_and_says_so(logged_in, teamleider, epe):
    response = logged_in(teamleider).get(URL, {"per_page": 25, "page": 99})
    assert response.context["page"].number == 1 and response.context["gevraagde_pagina"] == 99
    assert "Pagina 99 bestaat niet: u ziet de laatste pagina (1)." in response.content.decode()
    assert logged_in(teamleider).get(URL, {"page": "x"}).context["gevraagde_pagina"] is None


@pytest.mark.parametrize(("asked", "given"), [("250", 250), ("1000000", 50), ("-1", 50), ("1e3", 50)])
def test_page_sizes_come_from_a_fixed_list(logged_in, teamleider, asked, given):
    assert logged_in(teamleider).get(URL, {"per_page": asked}).context["page"].paginator.per_page == given


def test_a_saved_list_keeps_its_filters_and_is_only_its_owners(logged_in, teamleider, medewerker_epe, epe):
    client = logged_in(teamleider)
    response = client.post(reverse("lijsten:bewaren"), {"naam": "  Epe  zonder profiel ", "pad": URL,
                                                        "query": "klantprofiel=N&page=4&_export=xlsx"})
    lijst = BewaardeLijst.objects.get()
    assert (lijst.naam, lijst.query) == ("Epe zonder profiel", "klantprofiel=N")
    assert response["Location"] == f"{URL}?klantprofiel=N"
    assert "Epe zonder profiel" in client.get(reverse("lijsten:lijsten")).content.decode()
    client.post(reverse("lijsten:bewaren"), {"naam": "Epe zonder profiel", "pad": URL, "query": "klantprofiel=L"})
    assert BewaardeLijst.objects.get().query == "klantprofiel=L"  # the same name replaces it

    other = Client()  # another user, another browser
    other.force_login(medewerker_epe)
    assert "Epe zonder profiel" not in other.get(reverse("lijsten:lijsten")).content.decode()
    assert other.post(reverse("lijsten:verwijderen", args=[lijst.pk])).status_code == 404
    refused = other.post(reverse("lijsten:bewaren"), {"naam": "Elders", "pad": "https://example.com/", "query": ""})
    assert refused.status_code == 302 and not BewaardeLijst.objects.filter(naam="Elders").exists()
    client.post(reverse("lijsten:verwijderen", args=[lijst.pk]))
    assert not BewaardeLijst.objects.exists()


def test_the_menu_marks_one_item_and_the_tab_title_reads_well(logged_in, teamleider):
    client = logged_in(teamleider)
    werklijst = client.get(reverse("kandidaten:profiel_nodig")).content.decode()
    assert werklijst.count('aria-current="page"') == 1
    assert '<a href="/kandidaten/profiel-nodig/" aria-current="page">' in werklijst
    assert "<title>Overzicht – Kandidatenoverzicht</title>" in client.get("/").content.decode()
    assert "<title>Kandidaten – Kandidatenoverzicht</title>" in client.get(URL).content.decode()
    assert 'rel="icon"' in werklijst
    assert client.get("/favicon.ico")["Location"].endswith("kandidaten/favicon.svg")


def test_one_display_per_value():
    assert [weergave.ja_nee(v) for v in (True, False)] == ["Ja", "Nee"]
    assert [weergave.klantprofiel(c) for c in ("J", "N", "L", "O", "")] == [
        "J – Ja", "N – Nee", "L – Leeg", "O – Onvolledig", "L – Leeg"]
    assert weergave.Ladder.van("04 met groeipotentieel").label == "4 Onbetaald werk, met groeipotentieel"
    assert weergave.Ladder.van("06").label == "6 Betaald werk"
    assert weergave.Ladder.van("").label == "Onbekend" and weergave.Ladder.van("").waarde == "onbekend"
    assert [weergave.pers_nr(v) for v in ("07974", "7974", " 0007974 ", "AB-12", "0")] == [
        "7974", "7974", "7974", "AB-12", "0"]
    assert [weergave.getal(n) for n in (0, 999, 1000, 150000, 1234567)] == ["0", "999", "1.000", "150.000", "1.234.567"]
    assert weergave.datum(datetime.date(2026, 3, 1)) == "01-03-2026"
    assert weergave.sonar_status("") == "(leeg)" and weergave.klant_van("uwv") == "UWV"


def test_screens_and_exports_write_a_value_alike(logged_in, teamleider):
    make_kandidaat("Epe", pers_nr="00042", naam="Wit, W.", dgr=True, klantprofiel="O",
                   participatieladder="02 zonder groeipotentieel")
    client = logged_in(teamleider)
    html = client.get(URL).content.decode()
    export = b"".join(client.get(URL, {"_export": "csv"}).streaming_content).decode("utf-8-sig")
    for shown in ("42", "O – Onvolledig", "2 Sociale contacten buitenshuis, zonder groeipotentieel"):
        assert shown in html and shown in export, shown
    assert ">00042<" not in html and ";00042;" not in export
    assert ";Ja;" in export and ";J;" not in export  # DGR: "Ja" on screen and in the export
