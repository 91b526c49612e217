"""SQLite checks an import's foreign keys once per written table, before the commit, not on every row."""

import pytest
from django.db import connection

from kandidaten.importing import apply as apply_module
from kandidaten.importing import import_file
from kandidaten.importing import normalise as n
from kandidaten.models import Import, Kandidaat

from .files import kandidaat_row, kandidaten_xlsx

# Switching SQLite's per-row check off only works outside a transaction, so these tests commit for real.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("committed_reference_data")]


def _foreign_keys_enforced():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        return bool(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a PRAGMA of SQLite; PostgreSQL checks every row")
def test_sqlite_writes_new_rows_without_a_check_per_row_and_checks_again_afterwards(tmp_path, monkeypatch):
    enforced_while_inserting = []
    original = apply_module.insert_new

    def watching(*args, **kwargs):
        enforced_while_inserting.append(_foreign_keys_enforced())
        return original(*args, **kwargs)

    monkeypatch.setattr(apply_module, "insert_new", watching)
    outcome = import_file(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2")]),
                          original_name="k.xlsx")
    assert outcome.status == "applied", outcome.message
    assert enforced_while_inserting == [False]
    assert _foreign_keys_enforced(), "the connection checks every row again after the import"


def test_a_row_that_points_nowhere_refuses_the_import_and_writes_nothing(tmp_path, monkeypatch):
    import_file(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1")]), original_name="a.xlsx")
    before = list(Kandidaat.objects.values())
    resolve = n.GemeenteResolver.__call__

    def resolve_heerde_to_nothing(self, value):
        shown, gemeente_id, known = resolve(self, value)
        return (shown, 987_654, True) if shown == "Heerde" else (shown, gemeente_id, known)

    monkeypatch.setattr(n.GemeenteResolver, "__call__", resolve_heerde_to_nothing)
    rows = [kandidaat_row("1"), kandidaat_row("2", gemeente="Heerde")]
    outcome = import_file(kandidaten_xlsx(tmp_path / "b.xlsx", rows), original_name="b.xlsx")
    assert outcome.status == "refused"
    assert "IntegrityError" in outcome.message and "er is niets gewijzigd" in outcome.message, outcome.message
    assert outcome.import_record.status == Import.Status.MISLUKT
    assert list(Kandidaat.objects.values()) == before
    if connection.vendor == "sqlite":
        assert _foreign_keys_enforced()


def test_outside_a_transaction_the_stored_hashes_are_read_while_the_sheet_is_parsed(tmp_path, monkeypatch):
    from kandidaten.importing import prefetch

    read_ahead = []
    original = prefetch._read

    def noted(export_type, scanned):
        read_ahead.append(export_type.name)
        return original(export_type, scanned)

    monkeypatch.setattr(prefetch, "_read", noted)
    rows = [kandidaat_row(str(number)) for number in range(1, 21)]
    assert import_file(kandidaten_xlsx(tmp_path / "a.xlsx", rows, title_rows=2), original_name="a.xlsx").status == (
        "applied")
    rows[4] = kandidaat_row("5", klantprofiel="J")
    outcome = import_file(kandidaten_xlsx(tmp_path / "b.xlsx", rows, title_rows=2), original_name="b.xlsx")
    assert read_ahead == ["kandidaten", "kandidaten"]
    assert (outcome.sheets[0]["changed"], outcome.sheets[0]["unchanged"]) == (1, 19)
    assert Kandidaat.objects.get(pers_nr="5").klantprofiel == "J"
