"""`manage.py importeer`: the same flow, its exit codes and its JSON."""

import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from kandidaten.models import Kandidaat

from .files import kandidaat_row, kandidaten_xlsx

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("importeer", *map(str, args), stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue()


def test_json_output_and_exit_zero_when_applied(tmp_path):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2")])
    code, out = run(path, "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["status"] == "applied"
    assert payload["sheets"] == [{"sheet": "Kandidaten", "type": "kandidaten", "rows": 2, "new": 2, "changed": 0,
                                  "unchanged": 0, "gone": 0, "errors": 0, "warnings": 0}]


def test_dry_run_changes_nothing_and_exits_zero(tmp_path):
    code, out = run(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]), "--dry-run", "--json")
    assert (code, json.loads(out)["status"]) == (0, "dry-run")
    assert Kandidaat.objects.count() == 0


def test_row_errors_exit_one_and_skip_invalid_applies_the_rest(tmp_path):
    path = kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1"), kandidaat_row("2", DGR="??")])
    code, out = run(path, "--json")
    assert (code, json.loads(out)["status"], json.loads(out)["sheets"][0]["errors"]) == (1, "refused", 1)
    code, out = run(path, "--skip-invalid")
    assert code == 0
    assert "1 foute rij overgeslagen" in out
    assert Kandidaat.objects.count() == 1


def test_unreadable_file_exits_two(tmp_path):
    path = tmp_path / "oud.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    code, out = run(path, "--json")
    assert code == 2
    assert json.loads(out) == {"status": "refused", "message": f"{path} is een oud Excel-bestand (.xls): sla het "
                               "in Excel op als .xlsx en probeer opnieuw.", "sheets": []}


def test_preview_summary_lists_field_changes(tmp_path):
    run(kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row("1")]))
    code, out = run(kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row("1", klantprofiel="J")]), "--dry-run")
    assert code == 0
    assert "klantprofiel N → J: 1" in out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's advisory lock; `make test` runs it there")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_reference_data")
def test_two_concurrent_imports_on_postgresql_plan_side_by_side_and_write_one_after_the_other(tmp_path, monkeypatch):
    from kandidaten.importing import import_file, pipeline

    first = kandidaten_xlsx(tmp_path / "a.xlsx", [kandidaat_row(str(i)) for i in range(1, 6)])
    second = kandidaten_xlsx(tmp_path / "b.xlsx", [kandidaat_row(str(i), klantprofiel="J") for i in range(1, 6)])
    writing, release = threading.Event(), threading.Event()
    write_plans, plan = pipeline.write_plans, pipeline.ImportRun.plan
    writes, plans = [], []

    def slow_write_plans(*args, **kwargs):  # runs under the lock
        writes.append(threading.current_thread().name)
        if threading.current_thread().name == "eerste":
            writing.set()
            release.wait(10)
        return write_plans(*args, **kwargs)

    def noted_plan(self, store):
        plan(self, store)
        plans.append(threading.current_thread().name)

    monkeypatch.setattr(pipeline, "write_plans", slow_write_plans)
    monkeypatch.setattr(pipeline.ImportRun, "plan", noted_plan)

    def worker(path):
        import_file(path, original_name=path.name)
        connection.close()

    one = threading.Thread(target=worker, args=(first,), name="eerste")
    two = threading.Thread(target=worker, args=(second,), name="tweede")
    one.start()
    assert writing.wait(10)
    two.start()
    two.join(2)
    assert two.is_alive(), "the second import must wait for the first one's lock to write"
    assert plans == ["eerste", "tweede"], "the second import planned while the first one held the lock"
    release.set()
    one.join(10)
    two.join(10)
    assert writes == ["eerste", "tweede"]
    assert plans == ["eerste", "tweede", "tweede"], "the data moved meanwhile: the second planned again, locked"
    assert set(Kandidaat.objects.values_list("klantprofiel", flat=True)) == {"J"}
