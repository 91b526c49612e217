"""Bombs are refused before parsing: a part that unpacks too far, a sheet whose used area is too big, shared
strings copied too often; a sheet whose declared area lies is refused too."""

import openpyxl
import pytest

from kandidaten.importing import import_file, limits
from kandidaten.models import Import, Kandidaat

from .files import KANDIDAAT_HEADER, csv_file, kandidaat_row, kandidaten_xlsx, pad_sheet, set_dimension

pytestmark = pytest.mark.django_db


@pytest.fixture
def never_parsed(monkeypatch):
    """Fails the test if python-calamine is asked to parse the workbook."""
    import python_calamine

    def parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", parse)


def refused(path):
    outcome = import_file(path, original_name=path.name)
    assert (outcome.status, outcome.exit_code) == ("refused", 2)
    assert outcome.import_record.status == Import.Status.GEWEIGERD
    assert Kandidaat.objects.count() == 0
    return outcome.message


def test_a_part_that_unpacks_more_than_a_hundred_times_is_a_zip_bomb(tmp_path, never_parsed):
    good = kandidaten_xlsx(tmp_path / "goed.xlsx", [kandidaat_row(str(n)) for n in range(1, 50)])
    bomb = pad_sheet(good, tmp_path / "bom.xlsx", b"<row/>" * 2_000_000)  # 12 MB that packs to a few KB
    assert (tmp_path / "bom.xlsx").stat().st_size < 200_000
    message = refused(bomb)
    assert "keer zo groot uit als het is" in message and "zip-bom" in message


def test_a_cell_far_from_the_rest_is_refused_by_the_area_it_spans(tmp_path, never_parsed):
    workbook = openpyxl.Workbook()
    workbook.active.append(KANDIDAAT_HEADER)
    workbook.active.append(kandidaat_row("1"))
    workbook.active["ZZ200000"] = "x"  # a 1 KB file whose sheet spans 140 million cells
    workbook.save(tmp_path / "ver.xlsx")
    message = refused(tmp_path / "ver.xlsx")
    assert "200.000 rijen tot kolom ZZ (140.400.000 cellen, meer dan 4.500.000)" in message


def test_a_sheet_that_hides_its_far_cell_behind_a_small_dimension_is_refused_before_parsing(tmp_path, never_parsed):
    workbook = openpyxl.Workbook()
    workbook.active.append(KANDIDAAT_HEADER)
    workbook.active["ZZ200000"] = "x"
    workbook.save(tmp_path / "ver.xlsx")
    message = refused(set_dimension(tmp_path / "ver.xlsx", tmp_path / "liegt.xlsx", "A1:J2"))
    assert "tot kolom ZZ" in message


def test_a_big_sheet_whose_dimension_lies_is_refused_after_its_parse(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "SCAN_BELOW_BYTES", 0)  # as if it were big: trusted, and checked while parsed
    rows = [kandidaat_row(str(n)) for n in range(1, 30)]
    good = kandidaten_xlsx(tmp_path / "goed.xlsx", rows)
    message = refused(set_dimension(good, tmp_path / "liegt.xlsx", "A1:J5"))
    assert "cellen buiten het gebied dat het bestand zelf opgeeft (tot J5)" in message


def test_a_sheet_over_the_row_limit_is_refused_before_parsing(tmp_path, settings, never_parsed):
    settings.IMPORT_MAX_ROWS_PER_SHEET = 3
    path = kandidaten_xlsx(tmp_path / "groot.xlsx", [kandidaat_row(str(number)) for number in range(1, 30)])
    assert "meer dan 3 rijen" in refused(path)


def _shared(tmp_path, name, texts):
    import xlsxwriter

    workbook = xlsxwriter.Workbook(tmp_path / name)  # as Excel: text as shared strings
    sheet = workbook.add_worksheet()
    for row, cells in enumerate([[*KANDIDAAT_HEADER, "Opmerking"],
                                 *([*kandidaat_row(str(n)), text] for n, text in enumerate(texts, start=1))]):
        for column, cell in enumerate(cells):
            sheet.write_string(row, column, cell)
    workbook.close()
    return tmp_path / name


def test_one_long_shared_string_referenced_over_and_over_is_refused(tmp_path, settings, never_parsed):
    settings.IMPORT_MAX_CELLS_PER_SHEET = 2_000  # shared text budget: 80 KB
    path = _shared(tmp_path, "herhaald.xlsx", ["x" * 5_000] * 60)  # 300 KB of copies from 5 KB of text
    assert "herhaalt lange gedeelde teksten" in refused(path)


def test_long_texts_that_are_each_used_once_are_read(tmp_path, settings):
    settings.IMPORT_MAX_CELLS_PER_SHEET = 2_000
    path = _shared(tmp_path, "uniek.xlsx", [f"{number} " + "x" * 1_000 for number in range(60)])
    outcome = import_file(path, original_name=path.name)
    assert outcome.status == "applied", outcome.message
    assert outcome.sheets[0]["unknown_columns"] == ["Opmerking"]


def test_a_csv_with_more_cells_than_the_limit_is_refused_before_it_is_parsed(tmp_path, settings):
    settings.IMPORT_MAX_CELLS_PER_SHEET = 500
    path = csv_file(tmp_path / "breed.csv", [[*KANDIDAAT_HEADER, *[f"extra {n}" for n in range(40)]],
                                             *[[*kandidaat_row(str(n)), *[""] * 40] for n in range(1, 12)]])
    assert "meer dan 500 cellen" in refused(path)
