"""Our own exports are refused as a source; our error workbook is read as corrections and never wipes a snapshot."""

import io

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from kandidaten.importing import errors_path, import_file
from kandidaten.importing.errorbook import load_errors, write_errorbook
from kandidaten.models import Import, Kandidaat, Module

from .files import KANDIDAAT_HEADER, csv_file, kandidaat_row, kandidaten_xlsx, xlsx

pytestmark = pytest.mark.django_db

MODULE_HEADER = ["Pers. nr.", "Module-ID", "Traject-ID", "Module", "Uitvoerende", "Startdatum", "Signaaldatum",
                 "Einddatum", "Opgeschort"]


def load(path, **kwargs):
    return import_file(path, original_name=path.name, **kwargs)


def snapshot():
    return list(Kandidaat.objects.order_by("pk").values()), list(Module.objects.order_by("pk").values())


@pytest.fixture
def imported(tmp_path):
    """Clients and modules loaded from messy source files, as staff would have them."""
    cache.clear()
    rows = [kandidaat_row(str(number), gemeente=("Epe", "EPE ", "Heerde")[number % 3],
                          klantprofiel="JN"[number % 2]) for number in range(1, 13)]
    rows[4][1] = 5.0  # Pers. nr. stored as a number
    assert load(kandidaten_xlsx(tmp_path / "bron-k.xlsx", rows, title_rows=2)).status == "applied"
    modules = [[str(number), f"M{number}", "", "Werkfit", "Alrijde B", "01-02-2026", "01-03-2026", None, "N"]
               for number in range(1, 13)]
    assert load(xlsx(tmp_path / "bron-m.xlsx", {"Modules": [MODULE_HEADER, *modules]})).status == "applied"
    return snapshot()


def download(client, url, tmp_path, name):
    response = client.get(url)
    assert response.status_code == 200
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


def assert_refused_as_our_export(path, before):
    outcome = load(path)
    assert (outcome.status, outcome.exit_code) == ("refused", 2)
    assert outcome.message.startswith("Dit is een export uit Kandidatenoverzicht, geen bronbestand")
    assert outcome.import_record.status == Import.Status.GEWEIGERD
    assert snapshot() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_candidate_list_export_uploaded_back_is_refused_and_changes_nothing(
        tmp_path, imported, logged_in, teamleider, fmt):
    path = download(logged_in(teamleider), f"{reverse('kandidaten:lijst')}?_export={fmt}", tmp_path, f"lijst.{fmt}")
    assert_refused_as_our_export(path, imported)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_drill_down_export_of_modules_uploaded_back_is_refused_and_changes_nothing(
        tmp_path, imported, logged_in, teamleider, fmt):
    url = f"{reverse('signalen:lijst', args=['modules', 'actief'])}?peildatum=15-02-2026&_export={fmt}"
    path = download(logged_in(teamleider), url, tmp_path, f"modules.{fmt}")
    assert_refused_as_our_export(path, imported)


def test_an_export_copied_into_a_new_workbook_is_still_known_by_its_derived_columns(
        tmp_path, imported, logged_in, teamleider):
    exported = download(logged_in(teamleider), f"{reverse('kandidaten:lijst')}?_export=xlsx", tmp_path, "l.xlsx")
    copy = openpyxl.Workbook()
    copy.active.append(["Mijn lijst, bijgewerkt"])
    for row in openpyxl.load_workbook(exported).active.iter_rows(values_only=True):
        copy.active.append(row)
    copy.save(tmp_path / "kopie.xlsx")
    assert_refused_as_our_export(tmp_path / "kopie.xlsx", imported)


def test_a_source_file_with_a_klant_van_column_reads_it_as_indicering(tmp_path):
    load(csv_file(tmp_path / "k.csv", [[*KANDIDAAT_HEADER, "Klant van"], [*kandidaat_row("1", Doelgroep="WW"),
                                                                           "Gemeente"]]))
    assert Kandidaat.objects.values_list("indicering", "klant_van").get() == ("gemeente", "gemeente")


def _errorbook(tmp_path, rows):
    """The error workbook of a refused import of `rows`, as the import page offers it for download."""
    outcome = load(kandidaten_xlsx(tmp_path / "fouten.xlsx", rows, title_rows=1))
    assert outcome.status == "refused"
    spool, _count = write_errorbook(load_errors(errors_path(outcome.import_record)))
    return openpyxl.load_workbook(io.BytesIO(spool.read()))


def test_a_corrected_error_workbook_imports_its_rows_and_marks_nothing_gone(tmp_path, imported):
    bad = [kandidaat_row("3", klantprofiel="X"), kandidaat_row("77", DGR="misschien", gemeente="s Gravenhage")]
    workbook = _errorbook(tmp_path, bad)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Excel-rij", "Kolom", "Waarde", "Melding"]
    sheet.cell(row=2, column=header.index("Sonar - Klantprofiel") + 1, value="J")
    sheet.cell(row=3, column=header.index("DGR") + 1, value="N")
    workbook.save(tmp_path / "verbeterd.xlsx")

    outcome = load(tmp_path / "verbeterd.xlsx")
    assert outcome.status == "applied", outcome.message
    summary = outcome.sheets[0]
    assert (summary["rows"], summary["new"], summary["changed"], summary["gone"]) == (2, 1, 1, 0)
    assert any("foutenbestand" in warning for warning in summary["warnings"])
    assert Kandidaat.objects.filter(in_bron=True).count() == 13
    assert Kandidaat.objects.get(pers_nr="3").klantprofiel == "J"
    assert Kandidaat.objects.get(pers_nr="77").gemeente.naam == "'s-Gravenhage"


def test_an_error_workbook_saved_as_csv_is_known_by_its_columns_and_marks_nothing_gone(tmp_path, imported):
    workbook = _errorbook(tmp_path, [kandidaat_row("4", klantprofiel="X")])
    rows = [["" if value is None else value for value in row] for row in workbook.active.iter_rows(values_only=True)]
    rows[1][rows[0].index("Sonar - Klantprofiel")] = "J"
    outcome = load(csv_file(tmp_path / "verbeterd.csv", rows))
    assert outcome.status == "applied", outcome.message
    assert (outcome.sheets[0]["changed"], outcome.sheets[0]["gone"]) == (1, 0)
    assert Kandidaat.objects.filter(in_bron=True).count() == 12


def test_an_error_workbook_uploaded_unchanged_is_refused_with_the_same_errors(tmp_path, imported):
    _errorbook(tmp_path, [kandidaat_row("4", klantprofiel="X")]).save(tmp_path / "ongewijzigd.xlsx")
    outcome = load(tmp_path / "ongewijzigd.xlsx")
    assert outcome.status == "refused"
    assert outcome.sheets[0]["first_errors"][0]["column"] == "Sonar - Klantprofiel"
    assert snapshot() == imported
