"""UWV's published figures: the shipped table, beheer's upload of a quarter, and ours beside UWV's."""

import pytest
import xlsxwriter

from kandidaten.models import Arbeidsmarktregio, AuditEvent, Gemeente, GemeenteAlias, UwvTelling
from kandidaten.services.uwv_publicatie import kwartaal_sleutel, lees_tabel, verwijzingen_uit
from tests.factories import make_user

from .exports import csv_export, datum
from .helpers import opgeslagen

pytestmark = pytest.mark.django_db
UWV_KOP = ["Arbeidsmarktregio", "Gemeente", "Profiel in Sonar", "Geen profiel in Sonar", "Profiel in Sonar",
           "Geen profiel in Sonar", "Totaal in Sonar"]


def uwv_xlsx(path, rows):
    """UWV's layout: title rows, a group header over the counts, the region written once, TOTAAL AMR rows."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Tabel")
    sheet.write_row(0, 0, ["Transparantie van klantprofielen"])
    sheet.write_row(1, 0, ["tweede kwartaal 2026   Veluwe Stedendriehoek"])
    sheet.write_row(3, 0, ["", "", "Gemeentecliënten in Sonar", "", "UWV-cliënten in Sonar"])
    sheet.write_row(4, 0, UWV_KOP)
    for index, row in enumerate(rows, start=5):
        sheet.write_row(index, 0, row)
    workbook.close()
    return path


GOED = [
    ["11 Veluwe Stedendriehoek", "Apeldoorn", 270, 800, 1000, 300, "2.370"],
    ["", "Epe", 25, 130, 150, 60, 365],
    ["", "Heerde", 34, 44, 65, 30, 173],
    ["", "TOTAAL AMR", 329, 974, "1.215", 390, "2.908"],
]


def upload(client, path, kwartaal=""):
    with path.open("rb") as handle:
        return client.post("/transparantie/uwv/toevoegen/", {"bestand": handle, "kwartaal": kwartaal})


def test_the_shipped_table_is_loaded_with_merged_gemeenten_kept_by_name():
    assert UwvTelling.objects.filter(kwartaal="2025-Q2").count() == 342
    assert UwvTelling.objects.filter(kwartaal="2025-Q2", gemeente__isnull=True).count() == 0
    beverwijk = UwvTelling.objects.get(kwartaal="2025-Q2", gemeente_naam="Beverwijk")
    assert (beverwijk.gemeente.naam, beverwijk.regio.naam, beverwijk.totaal) == (
        "Beverwijk", "Zuid-Kennemerland en IJmond", 455)
    merged = UwvTelling.objects.filter(kwartaal="2017-Q3", gemeente__isnull=True)
    assert sorted(merged.values_list("gemeente_naam", flat=True)) == ["Nuth", "Onderbanken", "Schinnen"]
    assert {t.regio.naam for t in merged} == {"Zuid-Limburg"}


def test_beheer_uploads_uwvs_own_layout_as_xlsx_and_it_is_audited(tmp_path, logged_in, beheerder):
    response = upload(logged_in(beheerder), uwv_xlsx(tmp_path / "uwv.xlsx", GOED), kwartaal="2026 K2")
    assert response.status_code == 302
    assert response["Location"] == "/transparantie/uwv/?kwartaal=2026-Q2"
    stored = {t.gemeente.naam: (t.gemeente_profiel, t.uwv_profiel, t.totaal)
              for t in UwvTelling.objects.filter(kwartaal="2026-Q2")}
    assert stored == {"Apeldoorn": (270, 1000, 2370), "Epe": (25, 150, 365), "Heerde": (34, 65, 173)}
    event = AuditEvent.objects.get(actie=AuditEvent.Actie.IMPORT)
    assert (event.gebruikersnaam, event.aantal_rijen) == ("beheer", 3)
    assert "2026-Q2" in event.omschrijving and "uwv.xlsx" in event.omschrijving


def test_a_csv_in_the_shipped_layout_with_its_own_quarter_column_replaces_that_quarter(tmp_path, logged_in,
                                                                                       beheerder):
    kop = ["kwartaal", "arbeidsmarktregio_nr", "arbeidsmarktregio", "gemeente", "gemeenteklanten_profiel",
           "gemeenteklanten_geen_profiel", "uwv_klanten_profiel", "uwv_klanten_geen_profiel", "totaal_in_sonar"]
    path = csv_export(tmp_path / "uwv.csv", [["2021-Q1", "17", "Achterhoek", "AALTEN", "2", "81", "135", "45", "263"]],
                      header=kop)
    assert upload(logged_in(beheerder), path).status_code == 302
    assert list(UwvTelling.objects.filter(kwartaal="2021-Q1").values_list("gemeente_naam", "totaal")) == [
        ("AALTEN", 263)]  # the 8 shipped rows of that quarter are replaced
    assert UwvTelling.objects.get(kwartaal="2021-Q1").gemeente.naam == "Aalten"


@pytest.mark.parametrize(("rows", "fout"), [
    ([["11 Veluwe Stedendriehoek", "Epe", 25, 130, 150, 60, 366]],
     "rij 6: totaal in Sonar 366 is niet de som van de vier kolommen ervoor"),
    ([["99 Atlantis", "Epe", 25, 130, 150, 60, 365]], "rij 6: arbeidsmarktregio '99 Atlantis' bestaat niet"),
    ([["11 Veluwe Stedendriehoek", "Epe", "vijf", 130, 150, 60, 365]],
     "rij 6: kolom gemeente profiel: 'vijf' is geen aantal"),
    ([["11 Veluwe Stedendriehoek", "Epe", 25, 130, 150, 60, 365], ["", "TOTAAL AMR", 25, 130, 150, 61, 366]],
     "rij 7: de rij Totaal AMR (25 130 150 61 366) is niet de som van de gemeenten erboven (25 130 150 60 365)"),
    ([["11 Veluwe Stedendriehoek", "Epe", 25, 130, 150, 60, 365], ["", "epe", 25, 130, 150, 60, 365]],
     "rij 7: epe staat voor 2026-Q2 al in rij 6"),
    ([["11 Veluwe Stedendriehoek", "Epe", 25, 130, 150, "", 305]], "rij 6: kolom uwv geen profiel: leeg"),
])
def test_a_wrong_row_stores_nothing_and_says_why_in_dutch(tmp_path, logged_in, beheerder, rows, fout):
    response = upload(logged_in(beheerder), uwv_xlsx(tmp_path / "uwv.xlsx", rows), kwartaal="2026-Q2")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Er is niets opgeslagen." in html and fout.replace("'", "&#x27;") in html
    assert not UwvTelling.objects.filter(kwartaal="2026-Q2").exists()
    assert not AuditEvent.objects.filter(actie=AuditEvent.Actie.IMPORT).exists()


def test_a_file_without_quarter_or_without_the_table_is_refused(tmp_path, logged_in, beheerder):
    client = logged_in(beheerder)
    response = upload(client, uwv_xlsx(tmp_path / "uwv.xlsx", GOED))
    assert response.status_code == 400 and "geen kwartaal: kies het kwartaal" in response.content.decode()
    other = csv_export(tmp_path / "lijst.csv", [["1", "2"]], header=["Pers. nr.", "Naam"])
    assert "Geen kopregel gevonden" in upload(client, other, "2026-Q2").content.decode()
    legacy = tmp_path / "uwv.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    response = upload(client, legacy, "2026-Q2")
    assert response.status_code == 400 and "uwv.xls is een oud Excel-bestand (.xls)" in response.content.decode()
    response = client.post("/transparantie/uwv/toevoegen/", {"kwartaal": "tweede"})
    assert "Schrijf het kwartaal als jaar en kwartaal" in response.content.decode()


def test_only_beheer_may_upload(tmp_path, logged_in, teamleider):
    client = logged_in(teamleider)
    assert client.get("/transparantie/uwv/toevoegen/").status_code == 403
    assert upload(client, uwv_xlsx(tmp_path / "uwv.xlsx", GOED), "2026-Q2").status_code == 403
    assert "toevoegen" not in client.get("/transparantie/uwv/").content.decode()


def test_ours_beside_uwvs_figures_with_the_difference_per_gemeente_and_region(logged_in, teamleider):
    opgeslagen(datum("30-06-2025"), "Epe", 23, 133, 151, 60)  # as UWV published
    opgeslagen(datum("30-06-2025"), "Apeldoorn", 270, 790, 960, 281)  # 1 more, 3 fewer
    response = logged_in(teamleider).get("/transparantie/uwv/?kwartaal=2025-Q2")
    rijen = {rij.gemeente: rij for rij in response.context["rijen"]}
    assert rijen["Epe"].verschil == [0, 0, 0, 0, 0]
    assert (rijen["Apeldoorn"].ons, rijen["Apeldoorn"].uwv) == ([270, 790, 960, 281, 2301], [269, 793, 960, 281, 2303])
    assert rijen["Apeldoorn"].verschil == [1, -3, 0, 0, -2]
    # Heerde is hers but not in our data: UWV's figures alone. Her region total covers her gemeenten only.
    assert (rijen["Heerde"].ons, rijen["Heerde"].uwv[-1]) == (None, 173)
    assert rijen["Totaal AMR"].verschil == [1 - 34, -3 - 44, -65, -30, -2 - 173]
    assert list(rijen) == ["Apeldoorn", "Epe", "Heerde", "Totaal AMR", "getoonde regio's"]
    html = response.content.decode()
    assert "<td class=\"num verschil verschil--ongelijk\">−3</td>" in html and "+1" in html


def test_a_merged_gemeente_is_compared_in_its_region_by_whoever_sees_the_whole_region(logged_in):
    opgeslagen(datum("30-09-2017"), "Beekdaelen", 0, 50, 178, 74)
    admin = make_user("admin", is_superuser=True)
    response = logged_in(admin).get("/transparantie/uwv/?kwartaal=2017-Q3")
    rijen = {rij.gemeente: rij for rij in response.context["rijen"]}
    assert (rijen["Nuth"].ons, rijen["Nuth"].uwv) == (None, [0, 23, 89, 33, 145])
    assert (rijen["Beekdaelen"].ons, rijen["Beekdaelen"].uwv) == ([0, 50, 178, 74, 302], None)
    assert rijen["Totaal AMR"].uwv == [12, 1275, 3938, 1884, 7109]  # UWV's Zuid-Limburg total of 2017
    assert rijen["Totaal AMR"].ons[-1] == 302


def test_quarter_names_as_people_write_them():
    assert [kwartaal_sleutel(t) for t in ["2025-Q2", "2025 K2", "q2 2025", "2025/q4", "2025-Q5", "tweede"]] == [
        "2025-Q2", "2025-Q2", "2025-Q2", "2025-Q4", None, None]


def test_uwvs_text_layout_with_thousands_separators_and_a_national_row_reads():
    verwijzingen = verwijzingen_uit(Gemeente, GemeenteAlias, Arbeidsmarktregio)
    rows = [
        ["Arbeidsmarktregio", "Gemeente", "Profiel in Sonar", "Geen profiel in Sonar", "Profiel in Sonar",
         "Geen profiel in Sonar", "Totaal in Sonar"],
        ["17 Achterhoek", "Doetinchem", "5", "283", "559", "161", "1.008"],
        [None, "Oost Gelre", 15.0, 45.0, 143.0, 59.0, 262.0],
        ["TOTAAL AMR", None, "20", "328", "702", "220", "1.270"],
        ["Nederland", None, "11.994", "63.207", "89.136", "26.636", "190.973"],
    ]
    uitkomst = lees_tabel(rows, verwijzingen, kwartaal="2021-Q1")
    assert uitkomst.fouten == []
    assert [(r.gemeente_naam, r.aantallen["totaal"]) for r in uitkomst.rijen] == [("Doetinchem", 1008),
                                                                                 ("Oost Gelre", 262)]
    assert uitkomst.meldingen == ["rij 5: de landelijke totaalrij is overgeslagen"]
