"""The importing processes give way to pages: a lower CPU priority and one core of the database (priority.py).

A process's priority can only be raised again by root, so the priority calls are recorded here;
test_start_command shows a real worker process running at the lower priority."""

import pytest
from django.db import connection, connections

from kandidaten.importing import Outcome, background, priority
from kandidaten.management.commands import importeer
from kandidaten.models import Import

from .files import kandidaat_row, kandidaten_xlsx
from .test_command import run
from .web import preview_record, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(monkeypatch, settings):
    """IMPORT_NICENESS 10 (tests run with 0), the process's priority calls recorded, and afterwards every
    connection as before."""
    settings.IMPORT_NICENESS = 10
    events = []
    monkeypatch.setattr(priority.os, "getpriority", lambda which, who: 0)
    monkeypatch.setattr(priority.os, "setpriority", lambda which, who, value: events.append(("priority", value)))
    yield events
    priority.stop_giving_way()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET max_parallel_workers_per_gather")


def parallel_workers(database=connection):
    with database.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return cursor.fetchone()[0]


def what_the_import_sees(events):
    """What the import runs with, recorded when it starts."""
    events.append(("import", parallel_workers() if connection.vendor == "postgresql" else "-"))


def test_the_importeer_command_gives_way_before_it_reads_the_file(tmp_path, monkeypatch, recorded):
    real_import = importeer.import_file
    monkeypatch.setattr(importeer, "import_file",
                        lambda *a, **k: what_the_import_sees(recorded) or real_import(*a, **k))
    code, _out = run(kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]), "--json")
    assert code == 0
    assert recorded == [("priority", 10), ("import", "0" if connection.vendor == "postgresql" else "-")]


def test_an_import_task_gives_way_before_it_reads_the_file(beheerder, monkeypatch, recorded):
    def preview(path, **options):
        what_the_import_sees(recorded)
        record = options["import_record"]
        record.status = Import.Status.VOORBEELD
        record.save()
        return Outcome("dry-run", "", 0, [], record)

    monkeypatch.setattr(background, "import_file", preview)
    record = preview_record(beheerder, [sheet()])
    Import.objects.filter(pk=record.pk).update(status=Import.Status.GEUPLOAD)
    background.maak_voorbeeld.call(record.pk)
    assert recorded == [("priority", 10), ("import", "0" if connection.vendor == "postgresql" else "-")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel query workers are PostgreSQL's")
def test_every_later_database_connection_of_a_process_that_gives_way_uses_one_core(recorded):
    priority.give_way_to_pages()
    later = connections.create_connection("default")  # as after CONN_MAX_AGE, or a database restart
    try:
        assert parallel_workers(later) == "0"
    finally:
        later.close()
    priority.stop_giving_way()
    before = connections.create_connection("default")
    try:
        assert parallel_workers(before) != "0"
    finally:
        before.close()


def test_a_lower_priority_the_process_was_started_with_is_kept(monkeypatch, recorded):
    monkeypatch.setattr(priority.os, "getpriority", lambda which, who: 15)
    priority.give_way_to_pages()
    assert recorded == []


def test_niceness_zero_leaves_the_process_as_it_was_started(settings, recorded):
    settings.IMPORT_NICENESS = 0
    priority.give_way_to_pages()
    assert recorded == []
    if connection.vendor == "postgresql":
        assert parallel_workers() != "0"
