"""The flow: preview counts, apply, snapshots, history, idempotence, never partial."""

import datetime

import openpyxl
import pytest

from kandidaten.importing import apply as apply_module
from kandidaten.importing import data_version, import_file
from kandidaten.models import Import, Kandidaat, KandidaatWijziging, Module, Traject

from .files import KANDIDAAT_HEADER, csv_file, kandidaat_row, kandidaten_xlsx, xlsx

pytestmark = pytest.mark.django_db


def load(path, **kwargs):
    kwargs.setdefault("original_name", path.name)
    return import_file(path, **kwargs)


def test_header_below_title_rows_is_found_and_preview_counts_new_rows(tmp_path):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2")], title_rows=3)
    outcome = load(path, dry_run=True)
    assert outcome.status == "dry-run"
    assert outcome.exit_code == 0
    assert outcome.sheets[0]["rows"] == 2
    assert outcome.sheets[0]["new"] == 2
    assert Kandidaat.objects.count() == 0
    assert outcome.import_record.status == Import.Status.VOORBEELD


def test_apply_writes_clients_with_derived_flags(tmp_path):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("07974"), kandidaat_row("2", klantprofiel="J")])
    outcome = load(path)
    assert outcome.status == "applied"
    needs = Kandidaat.objects.get(pers_nr_sleutel="7974")
    assert needs.pers_nr == "07974"
    assert (needs.telt_in_sonar, needs.profiel_nodig, needs.klant_van) == (True, True, "gemeente")
    assert needs.profiel_nodig_sinds == datetime.date.today()
    assert Kandidaat.objects.get(pers_nr_sleutel="2").profiel_nodig is False


def test_reimport_of_the_same_file_changes_nothing_and_says_so(tmp_path):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2")])
    load(path)
    before = list(Kandidaat.objects.values_list("id", "bijgewerkt"))
    outcome = load(path)
    assert outcome.message.startswith("Niets gewijzigd")
    assert outcome.sheets[0]["unchanged"] == 2
    assert outcome.import_record.status == Import.Status.ONGEWIJZIGD
    assert list(Kandidaat.objects.values_list("id", "bijgewerkt")) == before


def test_number_cell_and_text_with_zeros_are_the_same_client(tmp_path):
    load(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("07974")]))
    outcome = load(kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row(7974)]))
    assert outcome.sheets[0]["new"] == 0
    assert Kandidaat.objects.get().pers_nr == "7974"


def test_field_changes_are_counted_and_stored_as_history(tmp_path):
    load(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1"), kandidaat_row("2"), kandidaat_row("3")]))
    path = kandidaten_xlsx(tmp_path / "b.xlsx", [
        kandidaat_row("1", klantprofiel="J"), kandidaat_row("2", klantprofiel="J"), kandidaat_row("3"),
    ])
    preview = load(path, dry_run=True)
    changes = {(c["field"], c["old"], c["new"]): c["count"] for c in preview.sheets[0]["field_changes"]}
    assert changes[("klantprofiel", "N", "J")] == 2
    assert changes[("profiel nodig", "ja", "nee")] == 2
    outcome = load(path)
    history = KandidaatWijziging.objects.filter(veld="klantprofiel")
    assert history.count() == 2
    assert {(h.oud, h.nieuw, h.import_run_id) for h in history} == {("N", "J", outcome.import_record.pk)}
    assert Kandidaat.objects.get(pers_nr_sleutel="1").profiel_nodig_sinds is None


def test_missing_client_is_marked_gone_within_the_files_gemeenten_and_returns(tmp_path):
    epe = [kandidaat_row(str(number)) for number in range(1, 11)]
    load(kandidaten_xlsx(tmp_path / "a.xlsx", [*epe, kandidaat_row("99", gemeente="Heerde")]))
    outcome = load(kandidaten_xlsx(tmp_path / "b.xlsx", epe[:9]))
    assert outcome.sheets[0]["gone"] == 1
    gone = Kandidaat.objects.get(pers_nr_sleutel="10")
    assert (gone.in_bron, gone.niet_in_bron_sinds) == (False, datetime.date.today())
    assert Kandidaat.objects.get(pers_nr_sleutel="99").in_bron is True  # Heerde was not in this file
    assert KandidaatWijziging.objects.filter(kandidaat=gone, veld="in_bron", nieuw="nee").exists()
    load(kandidaten_xlsx(tmp_path / "c.xlsx", epe))
    gone.refresh_from_db()
    assert (gone.in_bron, gone.niet_in_bron_sinds) == (True, None)


def test_snapshot_that_marks_more_than_ten_percent_gone_needs_confirmation(tmp_path):
    load(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row(str(i)) for i in range(1, 11)]))
    path = kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("1"), kandidaat_row("2")])
    outcome = load(path)
    assert outcome.status == "refused"
    assert "meer dan 10%" in outcome.message
    assert Kandidaat.objects.filter(in_bron=True).count() == 10
    assert load(path, confirm_mass_gone=True).status == "applied"
    assert Kandidaat.objects.filter(in_bron=True).count() == 2


@pytest.mark.parametrize("row, column, message", [
    (kandidaat_row("5", **{"Sonar - Klantprofiel": "X"}), "Sonar - Klantprofiel", "verwacht J, N, L of O"),
    (kandidaat_row("5", **{"DGR": "misschien"}), "DGR", "verwacht J of N"),
    (kandidaat_row("5", **{"Sonar - Participatieladder": "09"}), "Sonar - Participatieladder", "tussen 1 en 6"),
    (kandidaat_row("", ), "Pers. nr.", "verplicht"),
    (kandidaat_row("5", Naam="Jan\x01sen"), "Naam", "stuurtekens"),
    (kandidaat_row("5", Naam="x" * 32_768), "Naam", "32.767"),
])
def test_row_errors_name_row_column_and_value_and_refuse_without_skip(tmp_path, row, column, message):
    path = tmp_path / "fout.csv"
    csv_file(path, [KANDIDAAT_HEADER, kandidaat_row("1"), row])
    outcome = load(path)
    assert outcome.status == "refused" and outcome.exit_code == 1
    error = outcome.sheets[0]["first_errors"][0]
    assert (error["row"], error["column"]) == (3, column)
    assert message in error["message"]
    assert Kandidaat.objects.count() == 0
    skipped = load(path, skip_invalid=True)
    assert skipped.status == "applied"
    assert list(Kandidaat.objects.values_list("pers_nr", flat=True)) == ["1"]


def test_duplicate_key_is_an_error_naming_the_first_row(tmp_path):
    path = kandidaten_xlsx(tmp_path / "d.xlsx", [kandidaat_row("1"), kandidaat_row("2"), kandidaat_row("01")])
    outcome = load(path, dry_run=True)
    assert outcome.exit_code == 1
    assert outcome.sheets[0]["first_errors"][0]["message"] == "dubbel: dit nummer staat ook in rij 2"
    assert outcome.sheets[0]["first_errors"][0]["row"] == 4


def test_unknown_gemeente_is_kept_under_onbekend_with_a_warning(tmp_path):
    path = kandidaten_xlsx(tmp_path / "g.xlsx", [kandidaat_row("1", gemeente="Atlantis"),
                                                 kandidaat_row("2", gemeente="Atlantis"), kandidaat_row("3")])
    outcome = load(path)
    assert "Onbekende gemeente 'Atlantis': 2 rijen (bewaard onder 'Onbekend')." in outcome.sheets[0]["warnings"]
    assert Kandidaat.objects.get(pers_nr_sleutel="1").gemeente.naam == "Onbekend"
    assert Kandidaat.objects.get(pers_nr_sleutel="1").gemeente_in_bron == "Atlantis"


def test_missing_required_column_refuses_the_sheet(tmp_path):
    path = xlsx(tmp_path / "m.xlsx", {"K": [["Pers. nr.", "Naam"], ["1", "Jan"]]})
    outcome = load(path, export_type="kandidaten")
    assert outcome.status == "refused"
    assert "Verplichte kolom ontbreekt: Bet. gemeente" in outcome.message


@pytest.mark.parametrize("delimiter, encoding", [(";", "cp1252"), (",", "utf-8"), ("\t", "utf-8-sig")])
def test_csv_delimiters_and_encodings_are_detected(tmp_path, delimiter, encoding):
    path = csv_file(tmp_path / "k.csv", [KANDIDAAT_HEADER, kandidaat_row("1", Naam="Öztürk, É.")],
                    delimiter=delimiter, encoding=encoding)
    assert load(path).status == "applied"
    assert Kandidaat.objects.get().naam == "Öztürk, É."


def test_formula_without_cached_value_in_a_required_column_is_a_row_error(tmp_path):
    path = kandidaten_xlsx(tmp_path / "f.xlsx", [kandidaat_row("1"), kandidaat_row("2")])
    workbook = openpyxl.load_workbook(path)
    workbook.active["B3"] = "=A1&\"x\""
    workbook.save(path)
    outcome = load(path, dry_run=True)
    assert outcome.sheets[0]["first_errors"][0]["message"].startswith("formule zonder berekende waarde")


def items_workbook(tmp_path, trajecten, modules, name="items.xlsx"):
    sheets = {"Trajecten": [["Pers. nr.", "Traject-ID", "Startdatum", "Uitvoerende", "Signaaldatum", "Einddatum"],
                            *trajecten]}
    if modules:
        sheets["Modules"] = [["Pers. nr.", "Module-ID", "Traject-ID", "Startdatum", "Einddatum", "Opgeschort"],
                             *modules]
    return xlsx(tmp_path / name, sheets)


def test_items_link_to_clients_and_modules_to_trajecten(tmp_path):
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    path = items_workbook(tmp_path, [["1", "T1", "01-01-2026", "Alrijde B", "12-12-2026", None]],
                          [["1", "M1", "T1", "2026-02-01", None, "J"]])
    outcome = load(path)
    assert [s["new"] for s in outcome.sheets] == [1, 1]
    module = Module.objects.get()
    assert module.traject == Traject.objects.get() and module.opgeschort is True
    assert module.kandidaat.pers_nr == "1"


def test_item_errors_unknown_client_and_end_before_start(tmp_path):
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    path = items_workbook(tmp_path, [["99", "T1", "01-01-2026", "A", None, None],
                                     ["1", "T2", "01-01-2026", "A", None, "31-12-2025"],
                                     ["1", "T3", "31-02-2026", "A", None, None]], [])
    outcome = load(path, dry_run=True)
    messages = [e["message"] for e in outcome.sheets[0]["first_errors"]]
    assert messages == ["onbekende Pers. nr.; importeer eerst de kandidaten", "de einddatum ligt vóór de startdatum",
                        "deze datum bestaat niet"]


def test_a_row_with_two_problems_reports_the_first_and_only_good_rows_count_unknown_trajecten(tmp_path):
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    path = items_workbook(tmp_path, [["1", "T1", "01-01-2026", "A", None, None]], [
        ["99", "M1", "T404", "2026-02-01", "2026-01-01", None],  # end before start and an unknown client
        ["99", "M2", "T404", "2026-02-01", None, None],  # unknown client: not counted as an unknown traject
        ["1", "M3", "T404", "2026-02-01", None, None],
        ["1", "M4", "T1", "2026-02-01", None, None],
    ])
    outcome = load(path, skip_invalid=True)
    modules = outcome.sheets[1]
    assert [(e["row"], e["message"]) for e in modules["first_errors"]] == [
        (2, "de einddatum ligt vóór de startdatum"), (3, "onbekende Pers. nr.; importeer eerst de kandidaten")]
    assert modules["warnings"] == ["1 modules verwijzen naar een onbekend Traject-ID (geïmporteerd zonder traject)."]
    assert dict(Module.objects.values_list("module_id", "traject__traject_id")) == {"M3": None, "M4": "T1"}


def test_a_reimport_of_items_writes_new_and_changed_rows_beside_a_refused_one(tmp_path):
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2")]))
    load(items_workbook(tmp_path, [["1", "T1", "01-01-2026", "A", None, None],
                                   ["2", "T2", "01-01-2026", "B", None, None]], [], "a.xlsx"))
    outcome = load(items_workbook(tmp_path, [["1", "T1", "01-01-2026", "A", None, None],
                                             ["2", "T2", "01-01-2026", "C", None, None],
                                             ["1", "T3", "31-02-2026", "A", None, None],
                                             ["2", "T4", "01-03-2026", "D", None, None]], [], "b.xlsx"),
                   skip_invalid=True)
    summary = outcome.sheets[0]
    assert (summary["new"], summary["changed"], summary["unchanged"], summary["errors"]) == (1, 1, 1, 1)
    assert dict(Traject.objects.values_list("traject_id", "uitvoerende")) == {"T1": "A", "T2": "C", "T4": "D"}
    assert Traject.objects.get(traject_id="T4").kandidaat.pers_nr == "2"


def test_items_missing_from_a_new_export_are_gone(tmp_path):
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    rows = [["1", f"T{i}", "01-01-2026", "A", None, None] for i in range(10)]
    load(items_workbook(tmp_path, rows, [], "a.xlsx"))
    load(items_workbook(tmp_path, rows[:9], [], "b.xlsx"))
    assert list(Traject.objects.filter(in_bron=False).values_list("traject_id", flat=True)) == ["T9"]


def test_failure_inside_apply_leaves_every_table_unchanged(tmp_path, monkeypatch):
    load(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1"), kandidaat_row("2")]))
    before = (list(Kandidaat.objects.values()), list(KandidaatWijziging.objects.values()))

    def broken(*args, **kwargs):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(apply_module, "write_history", broken)
    outcome = load(kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("1", klantprofiel="J"), kandidaat_row("3"),
                                                         kandidaat_row("2")]))
    assert outcome.status == "refused"
    assert "niets gewijzigd" in outcome.message
    assert outcome.import_record.status == Import.Status.MISLUKT
    assert (list(Kandidaat.objects.values()), list(KandidaatWijziging.objects.values())) == before


def test_stale_preview_is_refused(tmp_path):
    path = kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1")])
    preview = load(path, dry_run=True)
    load(kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("2")]))
    outcome = load(path, import_record=preview.import_record, expected_version=preview.import_record.data_versie)
    assert outcome.status == "refused"
    assert "gewijzigd sinds dit voorbeeld" in outcome.message
    assert not Kandidaat.objects.filter(pers_nr_sleutel="1").exists()
    assert preview.import_record.data_versie != data_version()


def test_csv_with_nul_bytes_is_refused_as_not_a_text_file(tmp_path):
    path = tmp_path / "k.csv"
    path.write_bytes(";".join(KANDIDAAT_HEADER).encode() + b"\r\nEpe;1;Jan\x00sen\r\n")
    outcome = load(path)
    assert (outcome.status, outcome.exit_code) == ("refused", 2)
    assert "geen Excel- of CSV-bestand" in outcome.message


def test_big_sheets_are_planned_and_written_in_batches_with_the_same_result(tmp_path, monkeypatch):
    from kandidaten.importing import plan, store

    monkeypatch.setattr(plan, "CHUNK_ROWS", 2)
    monkeypatch.setattr(store, "BATCH", 3)
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row(str(i)) for i in range(1, 8)])
    assert load(path, dry_run=True).sheets[0]["new"] == 7
    assert Kandidaat.objects.count() == 0
    outcome = load(path)
    assert outcome.sheets[0]["new"] == 7
    assert Kandidaat.objects.filter(profiel_nodig=True, telt_in_sonar=True).count() == 7
    items = items_workbook(tmp_path, [["1", f"T{i}", "01-01-2026", "A", None, None] for i in range(5)],
                           [["1", f"M{i}", f"T{i}", "01-02-2026", None, "N"] for i in range(5)])
    assert [s["new"] for s in load(items).sheets] == [5, 5]
    assert Module.objects.filter(traject__isnull=False).count() == 5


def test_a_refusal_in_a_later_sheet_writes_nothing_of_the_sheets_before_it(tmp_path, monkeypatch):
    from kandidaten.importing import plan

    monkeypatch.setattr(plan, "CHUNK_ROWS", 2)
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    path = items_workbook(tmp_path, [["1", f"T{i}", "01-01-2026", "A", None, None] for i in range(5)],
                          [["1", "M1", "T1", "01-02-2026", None, "misschien"]])
    outcome = load(path)
    assert outcome.status == "refused"
    assert Traject.objects.count() == 0


def _has_planner_statistics(table):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return False
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
            return cursor.fetchone()[0] > 0
        cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = %s", [table])
        return cursor.fetchone()[0] > 0


def test_an_import_that_changed_data_leaves_planner_statistics_for_its_tables(tmp_path):
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2")]))
    assert _has_planner_statistics(Kandidaat._meta.db_table)
    assert not _has_planner_statistics(Module._meta.db_table)
    load(items_workbook(tmp_path, [["1", "T1", "01-01-2026", "A", None, None]],
                        [["1", "M1", "T1", "2026-02-01", None, "N"]]))
    assert _has_planner_statistics(Traject._meta.db_table)
    assert _has_planner_statistics(Module._meta.db_table)
    # The clients' history too: without them PostgreSQL took the history for empty and the team overview's
    # "profiel nodig sinds" took seconds.
    assert not _has_planner_statistics(KandidaatWijziging._meta.db_table)
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1", klantprofiel="J"), kandidaat_row("2")]))
    assert KandidaatWijziging.objects.exists()
    assert _has_planner_statistics(KandidaatWijziging._meta.db_table)


def test_a_header_repeated_at_a_page_break_is_skipped_and_a_total_row_is_a_row_error(tmp_path):
    total = ["Totaal: 2 kandidaten", *[None] * (len(KANDIDAAT_HEADER) - 1)]
    rows = [kandidaat_row("1"), [None] * len(KANDIDAAT_HEADER), KANDIDAAT_HEADER,
            kandidaat_row(2.0, gemeente="s Gravenhage"), total]
    outcome = load(kandidaten_xlsx(tmp_path / "k.xlsx", rows, title_rows=2), skip_invalid=True)
    assert outcome.status == "applied", outcome.message
    assert dict(Kandidaat.objects.values_list("pers_nr", "gemeente__naam")) == {"1": "Epe", "2": "'s-Gravenhage"}
    summary = outcome.sheets[0]
    assert "1 herhaalde kopregel(s) in het blad overgeslagen." in summary["warnings"]
    assert [(e["row"], e["column"]) for e in summary["first_errors"]] == [(8, "Pers. nr.")]


def test_a_file_of_errors_keeps_the_rows_of_the_first_errors_only_and_counts_them_all(tmp_path, monkeypatch):
    import json

    from kandidaten.importing import errors_path, result

    monkeypatch.setattr(result, "MAX_ERRORS_WITH_ROWS", 3)
    load(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    # Items of clients that were never imported: every row is an error, as when the files come in the wrong order.
    outcome = load(items_workbook(tmp_path, [[str(n), f"T{n}", "01-01-2026", "A", None, None] for n in range(2, 8)],
                                  []), dry_run=True)
    summary = outcome.sheets[0]
    assert (summary["errors"], summary["error_rows"]) == (6, 6)
    assert "Meer dan 3 fouten: het foutenbestand bevat de eerste 3." in summary["warnings"]
    stored = json.loads(errors_path(outcome.import_record).read_text())
    assert [error[0] for error in stored[0]["errors"]] == [2, 3, 4]


def test_a_confirm_after_a_correction_in_the_admin_is_refused_and_changes_nothing(tmp_path):
    load(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1"), kandidaat_row("2")]))
    path = kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("1", klantprofiel="J"), kandidaat_row("2")])
    preview = load(path, dry_run=True)
    corrected = Kandidaat.objects.get(pers_nr="2")
    corrected.begeleider = "B. Bakker"
    corrected.save()  # a correction in the admin: a new data generation (kandidaten/signals.py)
    before = list(Kandidaat.objects.order_by("pk").values())
    outcome = load(path, import_record=preview.import_record, expected_version=preview.import_record.data_versie)
    assert (outcome.status, outcome.exit_code) == ("refused", 1)
    assert "gewijzigd sinds dit voorbeeld" in outcome.message
    assert list(Kandidaat.objects.order_by("pk").values()) == before


def test_data_that_changed_while_the_file_was_planned_is_planned_again_under_the_lock(tmp_path, monkeypatch):
    from kandidaten.importing import pipeline
    from tests.factories import make_kandidaat

    rows = [kandidaat_row(str(number)) for number in range(1, 21)]
    load(kandidaten_xlsx(tmp_path / "a.xlsx", rows))
    plan, plans = pipeline.ImportRun.plan, []

    def plan_while_another_writes(self, store):
        plan(self, store)
        plans.append(self.context)
        if len(plans) == 1:  # between planning and the write: a client of Epe comes in (the admin, an import)
            make_kandidaat("Epe", pers_nr="99")

    monkeypatch.setattr(pipeline.ImportRun, "plan", plan_while_another_writes)
    rows[0] = kandidaat_row("1", klantprofiel="J")
    outcome = load(kandidaten_xlsx(tmp_path / "b.xlsx", rows))
    assert outcome.status == "applied", outcome.message
    assert len(plans) == 2, "planned again under the lock"
    assert (outcome.sheets[0]["changed"], outcome.sheets[0]["gone"]) == (1, 1)
    assert Kandidaat.objects.get(pers_nr="99").in_bron is False  # the file speaks for Epe: not in it, gone
