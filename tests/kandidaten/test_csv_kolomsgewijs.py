"""The csv export read straight from the cursor, column by column, writes the very cells the row-by-row path
writes: formula-safe, control characters dropped, yes/no, codes, ladders, dates and empty values alike."""

import csv
import datetime
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kandidaten import exporting, weergave
from kandidaten.exporting import write_csv
from kandidaten.models import Kandidaat, Module
from kandidaten.scoping import Scope, gemeenten_van
from kandidaten.selectors import kandidaten as selectors
from kandidaten.selectors.signalen import GROEPEN
from kandidaten.tables import EXPORT_COLUMNS, EXPORT_FIELDS
from kandidaten.views.signalen import _kolommen, _velden
from tests.factories import make_kandidaat, make_module, make_traject

pytestmark = pytest.mark.django_db

# What real exports hold, and what a spreadsheet would run: every kind of cell the csv must get right.
NAMEN = ["Jansen, K.", "=HYPERLINK(\"http://x\")", "+31 6 1234", "-Bakker", "@som", "Öztürk, A.", "", "de Boer, J. "]


@pytest.fixture
def kandidaten():
    for index, naam in enumerate(NAMEN):
        kandidaat = make_kandidaat(
            "Epe" if index % 2 else "Heerde", naam=naam or "X",
            pers_nr=["07974", "7975", "AB-12", "0"][index % 4] + str(index), klantprofiel="JNLO"[index % 4],
            participatieladder=["04 met groeipotentieel", "", "06", "=", "02 zonder groeipotentieel"][index % 5],
            begeleider=["A. de Vries", "", "=1+1", "Beleging 100%"][index % 4],
            doelgroep=["Client PW", "", "WW"][index % 3],
            dv_laatste_soort="tab\tin de cel" if index == 3 else "regel\neinde" if index == 4 else "",
            sonar_status=["open", "gesloten", ""][index % 3], in_bron=index != 5,
        )
        traject = make_traject(kandidaat, startdatum=datetime.date(2026, 1, index + 1),
                               einddatum=None if index % 2 else datetime.date(2026, 12, 1))
        make_module(kandidaat, traject=traject, opgeschort=bool(index % 2),
                    uitvoerende=["=cmd", "Alrijde B"][index % 2])
    Kandidaat.objects.filter(naam="X").update(naam="")  # an empty name, as only the admin could leave it


def csv_rows(rows, columns):
    handle = io.StringIO()
    count, gemeenten = write_csv(handle, rows, columns)
    assert count == len(list(rows))
    if gemeenten is not None:  # read along with the rows: the same as the audit's own query finds
        assert gemeenten == gemeenten_van(rows)
    return list(csv.reader(io.StringIO(handle.getvalue().lstrip("\ufeff")), delimiter=";"))


def test_the_candidate_export_writes_the_same_cells_column_by_column_as_row_by_row(kandidaten):
    rows = selectors.export_rijen(selectors.kandidaten(Scope.systeem(), ook_niet_in_bron=True),
                                  selectors.Sortering("naam"), EXPORT_FIELDS)
    kolomsgewijs = csv_rows(rows, EXPORT_COLUMNS)
    rij_voor_rij = csv_rows(list(rows), EXPORT_COLUMNS)  # a list: the row-by-row path
    assert kolomsgewijs == rij_voor_rij
    cellen = [cell for row in kolomsgewijs[1:] for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in cellen and "'+31 6 1234" in cellen and "'=1+1" in cellen
    assert "N – Nee" in cellen and "Ja" in cellen and "4 Onbetaald werk, met groeipotentieel" in cellen
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cellen)


def test_a_drill_down_export_writes_the_same_cells_column_by_column_as_row_by_row(kandidaten):
    groep = GROEPEN["modules"]
    namen, velden = _velden(groep)
    rows = Module.objects.order_by("pk").values(*namen, **velden)
    kolomsgewijs = csv_rows(rows, _kolommen(groep))
    assert kolomsgewijs == csv_rows(list(rows), _kolommen(groep))
    assert {row[-1] for row in kolomsgewijs[1:]} == {"Ja", "Nee"}  # opgeschort
    assert "01-01-2026" in [row[6] for row in kolomsgewijs[1:]] and "" in [row[8] for row in kolomsgewijs[1:]]


def test_the_distinct_values_table_keeps_its_answers_past_its_limit(kandidaten, monkeypatch):
    monkeypatch.setattr(exporting._Cellen, "LIMIT", 2)
    rows = selectors.export_rijen(selectors.kandidaten(Scope.systeem(), ook_niet_in_bron=True),
                                  selectors.Sortering("naam"), EXPORT_FIELDS)
    assert csv_rows(rows, EXPORT_COLUMNS) == csv_rows(list(rows), EXPORT_COLUMNS)


@given(st.lists(st.one_of(
    st.text(alphabet="0123456789", max_size=8), st.text(max_size=8), st.just("0"), st.just("007"), st.just(" 12 "),
), max_size=30))
def test_a_column_of_pers_nrs_at_once_is_the_display_of_each_one(written):
    cellen = weergave.pers_nr.kolom(written)
    if cellen is not None:
        assert cellen == [weergave.pers_nr(value) for value in written]
