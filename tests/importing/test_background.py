"""Previews and applies as tasks: the heartbeat, a worker that dies, the queue, and the real worker.

A dead worker is recognised by its heartbeat (a file it touches every few seconds), not by the upload time:
its import ends as "afgebroken — er is niets gewijzigd" with its files deleted, unless it had written.
"""

import datetime
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kandidaten.importing import Outcome, background
from kandidaten.models import Import, Kandidaat
from kandidaten.models import imports as import_models
from tests.factories import make_kandidaat

from .files import kandidaat_row, kandidaten_xlsx
from .web import files_of, latest, page, preview_record, sheet, stop_beating, upload

pytestmark = pytest.mark.django_db


def working_import(user, status, *, files=("upload", "fouten.json", "hartslag")):
    record = preview_record(user, [sheet()])
    Import.objects.filter(pk=record.pk).update(status=status)
    record.refresh_from_db()
    for suffix in files[1:]:
        record.bijbestand(suffix).write_text("1")
    return record


@pytest.mark.parametrize("status", [Import.Status.BEZIG, Import.Status.TOEPASSEN])
def test_a_killed_task_is_seen_by_its_old_heartbeat_and_ends_as_aborted(logged_in, beheerder, status):
    record = working_import(beheerder, status)
    stop_beating(record, minutes_ago=2)
    client = logged_in(beheerder)
    detail = client.get(reverse("imports:detail", args=[record.uuid])).content.decode()
    record.refresh_from_db()
    assert record.status == Import.Status.AFGEBROKEN
    assert "Afgebroken — er is niets gewijzigd" in detail and "hx-trigger" not in detail
    assert files_of(record) == [] and not record.bestand
    assert "upload het bestand opnieuw" in detail.lower()


def test_a_task_that_beats_is_alive_however_long_ago_the_upload_was(logged_in, beheerder):
    record = working_import(beheerder, Import.Status.TOEPASSEN)
    record.geef_hartslag()
    Import.objects.filter(pk=record.pk).update(aangemaakt=timezone.now() - datetime.timedelta(hours=2))
    detail = page(logged_in(beheerder), "detail", record)
    record.refresh_from_db()
    assert record.status == Import.Status.TOEPASSEN
    assert 'hx-trigger="every 2s"' in detail and "Afgebroken" not in detail
    assert record.heeft_bestand


def test_a_worker_that_died_after_its_commit_is_reported_as_applied(logged_in, beheerder):
    record = working_import(beheerder, Import.Status.TOEPASSEN)
    make_kandidaat("Epe", laatste_import=record)  # what the apply wrote before the worker died
    stop_beating(record)
    page(logged_in(beheerder), "detail", record)
    record.refresh_from_db()
    assert record.status == Import.Status.TOEGEPAST
    assert record.melding == background.TOEGEPAST_ZONDER_AFRONDING and files_of(record) == []


def test_the_list_ends_dead_imports_too(logged_in, beheerder):
    record = working_import(beheerder, Import.Status.BEZIG)
    stop_beating(record)
    content = logged_in(beheerder).get(reverse("imports:lijst")).content.decode()
    assert "Afgebroken" in content


def test_the_heartbeat_beats_while_the_task_works_and_goes_when_it_ends(logged_in, beheerder, monkeypatch,
                                                                        tmp_path):
    monkeypatch.setattr(background, "HARTSLAG_INTERVAL", datetime.timedelta(milliseconds=20))
    beats = []

    def slow_preview(path, **options):
        record = options["import_record"]
        deadline = time.monotonic() + 5
        while len(beats) < 3 and time.monotonic() < deadline:  # the thread touches it while this one works
            stamp = record.laatste_hartslag()
            if not beats or stamp > beats[-1]:
                beats.append(stamp)
        record.status = Import.Status.VOORBEELD
        record.save()
        return Outcome("dry-run", "", 0, [], record)

    monkeypatch.setattr(background, "import_file", slow_preview)
    upload(logged_in(beheerder), kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    assert len(beats) == 3  # the first touch, then two beats
    assert not latest().hartslag_path().exists()


def test_a_task_stopped_on_the_way_ends_its_import_as_aborted(beheerder, monkeypatch):
    def interrupted(path, **options):
        raise SystemExit(1)  # a worker stopped with a second Ctrl+C

    monkeypatch.setattr(background, "import_file", interrupted)
    record = preview_record(beheerder, [sheet()])
    Import.objects.filter(pk=record.pk).update(status=Import.Status.BEVESTIGD)
    with pytest.raises(SystemExit):
        background.pas_toe.call(record.pk)
    record.refresh_from_db()
    assert record.status == Import.Status.AFGEBROKEN and files_of(record) == []


def test_each_task_first_ends_the_imports_of_a_worker_that_died(logged_in, beheerder, tmp_path):
    dead = working_import(beheerder, Import.Status.TOEPASSEN)
    stop_beating(dead)
    upload(logged_in(beheerder), kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")]))
    dead.refresh_from_db()
    assert dead.status == Import.Status.AFGEBROKEN


def test_a_cancelled_import_is_not_started_by_its_task(beheerder):
    record = preview_record(beheerder, [sheet()])
    Import.objects.filter(pk=record.pk).update(status=Import.Status.BEVESTIGD)
    assert background.annuleer(record, beheerder)
    background.pas_toe.call(record.pk)
    record.refresh_from_db()
    assert record.status == Import.Status.GEANNULEERD
    assert Kandidaat.objects.count() == 0


def test_the_file_helper_deletes_every_file_of_an_import_and_keeps_the_row(beheerder):
    record = working_import(beheerder, Import.Status.VOORBEELD)
    record.geef_hartslag()
    other = working_import(beheerder, Import.Status.VOORBEELD)
    record.wis_bestanden()
    assert files_of(record) == [] and not Import.objects.get(pk=record.pk).bestand
    assert len(files_of(other)) == 3


@pytest.fixture
def database_queue(settings, committed_reference_data):
    from django.apps import apps

    from kandidaten.roles import sync_roles

    sync_roles(apps)  # a committing test flushes the groups with everything else
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_preview(database_queue, client, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from tests.factories import make_user

    beheer = make_user("beheer.wachtrij", "Functioneel beheer", gemeenten=["Epe"])
    client.force_login(beheer)
    upload(client, kandidaten_xlsx(tmp_path / "k.xlsx", [kandidaat_row("1")], title_rows=1))
    record = latest()
    assert record.status == Import.Status.GEUPLOAD and record.taak_id
    assert "Het bestand wacht tot het gelezen wordt" in page(client, "detail", record)
    assert DBTaskResult.objects.get(id=record.taak_id).status == "READY"
    run_worker()
    record.refresh_from_db()
    assert record.status == Import.Status.VOORBEELD and record.voorbeeld["sheets"][0]["new"] == 1
    assert DBTaskResult.objects.get(id=record.taak_id).status == "SUCCESSFUL"
    client.post(reverse("imports:bevestigen", args=[record.uuid]))
    record.refresh_from_db()
    assert record.status == Import.Status.BEVESTIGD
    run_worker()
    record.refresh_from_db()
    assert record.status == Import.Status.TOEGEPAST and Kandidaat.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_queued_import_whose_task_was_lost_ends_as_aborted(database_queue, client):
    from django_tasks_db.models import DBTaskResult

    from tests.factories import make_user

    beheer = make_user("beheer.wachtrij", "Functioneel beheer", gemeenten=["Epe"])
    record = preview_record(beheer, [sheet()])
    lost = background.maak_voorbeeld.enqueue(record.pk)
    DBTaskResult.objects.filter(id=lost.id).update(status="FAILED")  # it died before it claimed the import
    Import.objects.filter(pk=record.pk).update(status=Import.Status.GEUPLOAD, taak_id=lost.id)
    client.force_login(beheer)
    page(client, "detail", record)
    record.refresh_from_db()
    assert record.status == Import.Status.AFGEBROKEN and files_of(record) == []


@pytest.mark.django_db(transaction=True)
def test_a_queue_nobody_works_says_so_after_two_minutes(database_queue, client, monkeypatch):
    from tests.factories import make_user

    beheer = make_user("beheer.wachtrij", "Functioneel beheer", gemeenten=["Epe"])
    record = preview_record(beheer, [sheet()])
    Import.objects.filter(pk=record.pk).update(status=Import.Status.VOORBEELD)
    client.force_login(beheer)
    client.post(reverse("imports:bevestigen", args=[record.uuid]))
    client_page = page(client, "detail", record)
    assert "Bevestigd, in de wachtrij" in client_page and "wacht al meer dan twee minuten" not in client_page
    monkeypatch.setattr(import_models, "WACHTRIJ_TRAAG_NA", datetime.timedelta(0))
    from kandidaten.views import imports as views

    monkeypatch.setattr(views, "WACHTRIJ_TRAAG_NA", datetime.timedelta(0))
    assert "wacht al meer dan twee minuten" in page(client, "detail", record)
    record.refresh_from_db()
    assert record.status == Import.Status.BEVESTIGD  # waiting is not dead
