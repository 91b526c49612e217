"""The stand: given, else a date in the title rows, else the import day; the report files the import under it."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command

from kandidaten.importing import import_file
from kandidaten.importing.stand import stand_in_title
from kandidaten.models import Gemeente
from kandidaten.services import transparantie

from .files import KANDIDAAT_HEADER, csv_file, kandidaat_row, kandidaten_xlsx

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 1)
JUNE_30 = datetime.date(2025, 6, 30)


@pytest.fixture
def recorded(monkeypatch):
    calls = []
    monkeypatch.setattr(transparantie, "leg_stand_vast", lambda **kwargs: calls.append(kwargs))
    return calls


def load(path, **kwargs):
    return import_file(path, original_name=path.name, **kwargs)


def stand_of(outcome):
    record = outcome.import_record
    return record.stand, record.voorbeeld["stand"], record.voorbeeld["stand_bron"]


@pytest.mark.parametrize("title_rows", [
    [["Peildatum: 30-06-2025"]],
    [["Kandidaten Lucrato"], ["Stand per 30 juni 2025"]],
    [["Peildatum 30-6-2025 (export Compas)"]],
    [["Stand per 30 jun. 2025"]],
    [["Peildatum", datetime.datetime(2025, 6, 30)]],
    [["Peildatum:", None, 45838.0]],
    [["Export gemaakt 02-07-2025 08:15, peildatum 30/06/2025"]],
    [["Periode 01-01-2025 t/m 30-06-2025"]],
    [["Sonar export", "2025-06-30"]],
])
def test_a_date_in_the_title_rows_is_found_in_every_usual_form(title_rows):
    assert stand_in_title(title_rows, TODAY) == (JUNE_30, [])


@pytest.mark.parametrize("title_rows", [[], [["Kandidaten bekend bij het werkbedrijf"]], [["31-02-2025"]],
                                        [["Aantal: 45838"]]])
def test_title_rows_without_a_real_date_give_no_stand(title_rows):
    assert stand_in_title(title_rows, TODAY) == (None, [])


def test_a_date_after_the_import_day_is_no_stand():
    assert stand_in_title([["Peildatum 30-06-2027"], ["Export 30-06-2025"]], TODAY) == (
        JUNE_30, [datetime.date(2027, 6, 30)])


def test_the_stand_of_the_title_rows_is_stored_and_the_report_files_the_import_under_it(tmp_path, recorded):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")], title_rows=0)
    workbook = openpyxl.load_workbook(path)
    workbook.active.insert_rows(1, 2)
    workbook.active["A1"] = "Stand per 30 juni 2025"
    workbook.save(path)
    outcome = load(path)
    assert outcome.status == "applied", outcome.message
    assert stand_of(outcome) == (JUNE_30, "2025-06-30", "bestand")
    assert recorded == [{"stand": JUNE_30, "gemeente_ids": {Gemeente.objects.get(naam="Epe").pk}}]


def test_a_given_stand_wins_over_the_title_rows(tmp_path, recorded):
    path = csv_file(tmp_path / "k.csv", [["Peildatum: 30-06-2025"], [], KANDIDAAT_HEADER, kandidaat_row("1")])
    outcome = load(path, stand=datetime.date(2025, 9, 30))
    assert stand_of(outcome) == (datetime.date(2025, 9, 30), "2025-09-30", "opgegeven")
    assert recorded[0]["stand"] == datetime.date(2025, 9, 30)


def test_without_a_date_the_stand_is_the_import_day(tmp_path):
    outcome = load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")], title_rows=2), dry_run=True)
    today = datetime.date.today()
    assert stand_of(outcome) == (today, today.isoformat(), "importdag")


def test_a_preview_keeps_the_stand_of_the_file_for_the_confirm(tmp_path, recorded):
    path = csv_file(tmp_path / "k.csv", [["Peildatum: 30-06-2025"], KANDIDAAT_HEADER, kandidaat_row("1")])
    preview = load(path, dry_run=True)
    outcome = load(path, import_record=preview.import_record, expected_version=preview.import_record.data_versie)
    assert stand_of(outcome) == (JUNE_30, "2025-06-30", "bestand")
    assert recorded[0]["stand"] == JUNE_30


@pytest.mark.parametrize("given, message", [("2099-01-01", "ligt na vandaag"), ("30-02-2025", "geen geldige datum")])
def test_a_given_stand_after_today_or_not_a_date_is_refused(tmp_path, given, message):
    outcome = load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]), stand=given)
    assert (outcome.status, outcome.exit_code) == ("refused", 2)
    assert message in outcome.message


def test_the_preview_warns_when_the_stand_lies_before_an_applied_import_of_the_same_gemeenten(tmp_path):
    load(kandidaten_xlsx(tmp_path / "nieuw.xlsx", [kandidaat_row("1")]), stand="2025-09-30")
    older = load(kandidaten_xlsx(tmp_path / "oud.xlsx", [kandidaat_row("1", klantprofiel="J")]), stand="2025-06-30",
                 dry_run=True)
    assert any("ligt vóór die van een eerder toegepaste import" in w and "30-09-2025" in w
               for w in older.sheets[0]["warnings"])
    elsewhere = load(kandidaten_xlsx(tmp_path / "heerde.xlsx", [kandidaat_row("2", gemeente="Heerde")]),
                     stand="2025-06-30", dry_run=True)
    assert not any("eerder toegepaste" in w for w in elsewhere.sheets[0]["warnings"])


def test_the_command_line_takes_stand(tmp_path):
    out = io.StringIO()
    call_command("importeer", str(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")])), "--stand", "2025-06-30",
                 stdout=out)
    assert "stand 30-06-2025 (opgegeven)" in out.getvalue()
