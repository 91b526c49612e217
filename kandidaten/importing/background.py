"""Previews and applies of imports as tasks of Django's Tasks framework (`django.tasks`), and their lifecycle.

Queued in the database by django-tasks-db and run by its worker (`manage.py db_worker`; `make run` starts
one beside the server); tests run them inline (settings.TASKS). A task claims its Import with a conditional
update (a cancelled import is never started), and while it works a thread of its own touches the import's
heartbeat file every few seconds (`Import.geef_hartslag`): a file, because on SQLite the import's transaction
holds the write lock, and any server process can look at its time. An import "bezig" without a recent
heartbeat belongs to a worker that is gone: `sluit_als_gestopt` ends it as "afgebroken — er is niets
gewijzigd" (after checking that nothing was written) and deletes its files. The import pages, and every task
before it starts, call it. Uploaded files and error files are deleted once an import is applied, cancelled,
failed or aborted (docs/importing.md, "Op de achtergrond").
"""

import contextlib
import datetime
import logging
import threading

from django.db import OperationalError
from django.tasks import TaskResultStatus, default_task_backend, task
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from kandidaten.importing import import_file
from kandidaten.importing.priority import give_way_to_pages
from kandidaten.models import AuditEvent, Import, Kandidaat, KandidaatWijziging, Module, Plaatsing, Traject
from kandidaten.models.imports import HARTSLAG_INTERVAL, STIL_NA
from kandidaten.services import paneeltellingen

logger = logging.getLogger(__name__)

AFGEBROKEN = (
    "Afgebroken — er is niets gewijzigd. De verwerking is onderweg gestopt (bijvoorbeeld doordat de server "
    "opnieuw werd gestart); het bestand is verwijderd. Upload het bestand opnieuw om het nog eens te proberen."
)
TOEGEPAST_ZONDER_AFRONDING = (
    "Toegepast, maar de verwerking stopte tijdens de afronding: de wijzigingen staan in de gegevens; de "
    "aantallen hieronder zijn die van het voorbeeld."
)


@task()
def maak_voorbeeld(import_id):
    """The dry run: read the file and store the preview; changes nothing."""
    record = _neem(import_id, Import.Status.GEUPLOAD, Import.Status.BEZIG)
    if record is None:
        return
    _werk_aan(record, dry_run=True)


@task()
def pas_toe(import_id, *, overslaan=False, verdwenen_bevestigd=False, stand=None):
    """Apply a confirmed preview; refused if the data changed since the preview (its data_versie)."""
    record = _neem(import_id, Import.Status.BEVESTIGD, Import.Status.TOEPASSEN)
    if record is None:
        return
    # The stand is passed only when the user changed it on the preview page.
    extra = {"stand": datetime.date.fromisoformat(stand)} if stand else {}
    outcome = _werk_aan(record, skip_invalid=overslaan, confirm_mass_gone=verdwenen_bevestigd,
                        expected_version=record.data_versie, **extra)
    AuditEvent.record(record.gebruiker, AuditEvent.Actie.IMPORT, f"Import {record.bestandsnaam}: {record.melding}",
                      aantal_rijen=record.rijen_toegepast, gemeenten=record.gemeenten.all())
    paneeltellingen.tel_vooruit_na_import(outcome)  # the import already shows as applied meanwhile


def _werk_aan(record, **options):
    """Run the import of `record`'s file (as its user, with the export type its preview found) while the
    heartbeat beats, then tidy up after it; returns the outcome."""
    give_way_to_pages()
    with _aan_het_werk(record):
        outcome = import_file(
            record.bestand.path, user=record.gebruiker, original_name=record.bestandsnaam,
            export_type=record.voorbeeld.get("soort") or None, import_record=record, **options,
        )
        _na_afloop(record, outcome)
    return outcome


def start_voorbeeld(record, *, van=Import.Status.GEUPLOAD):
    """Queue the preview of an uploaded (or refused) import. False if its state changed meanwhile."""
    if not Import.objects.filter(pk=record.pk, status=van).update(
        status=Import.Status.GEUPLOAD, rijen_gelezen=0, wachtrij_sinds=timezone.now()
    ):
        return False
    _wachtrij(record, maak_voorbeeld.enqueue(record.pk))
    return True


def start_toepassen(record, *, overslaan, verdwenen_bevestigd, stand=None):
    """Queue the apply of a preview. False if it was confirmed or cancelled meanwhile (another tab, a colleague)."""
    confirmed = Import.objects.filter(pk=record.pk, status=Import.Status.VOORBEELD).update(
        status=Import.Status.BEVESTIGD, wachtrij_sinds=timezone.now()
    )
    if not confirmed:
        return False
    result = pas_toe.enqueue(record.pk, overslaan=overslaan, verdwenen_bevestigd=verdwenen_bevestigd,
                             stand=stand.isoformat() if stand else None)
    _wachtrij(record, result)
    return True


KAN_ANNULEREN = (Import.Status.GEUPLOAD, Import.Status.VOORBEELD, Import.Status.BEVESTIGD, Import.Status.GEWEIGERD)


def annuleer(record, user):
    """Cancel an import that is not being worked on: its files go, the row stays as "geannuleerd"."""
    message = (
        f"Geannuleerd door {user.username} op {timezone.localtime():%d-%m-%Y %H:%M}. Er is niets gewijzigd; "
        "het geüploade bestand en het foutenbestand zijn verwijderd."
    )
    if not Import.objects.filter(pk=record.pk, status__in=KAN_ANNULEREN).update(
        status=Import.Status.GEANNULEERD, melding=message
    ):
        return False
    record.wis_bestanden()
    AuditEvent.record(user, AuditEvent.Actie.IMPORT, f"Import {record.bestandsnaam}: geannuleerd",
                      gemeenten=record.gemeenten.all())
    return True


def sluit_als_gestopt(record):
    """End an import whose worker is gone (no heartbeat) or whose queued task was lost. True if it did.

    Nothing is assumed: an import that stopped while applying is checked for rows it wrote (a worker can die
    between the commit and recording the outcome)."""
    if record.status in Import.LOPEND:
        stopped = record.is_stil()
    elif record.status in Import.WACHTEND:
        stopped = _taak_verloren(record)
    else:
        stopped = False
    return stopped and _breek_af(record)


def ruim_gestopte_op():
    for record in Import.objects.filter(status__in=Import.LOPEND + Import.WACHTEND):
        sluit_als_gestopt(record)


def _neem(import_id, van, naar):
    """Claim the import for this task; None if it was cancelled, or taken, meanwhile."""
    if not Import.objects.filter(pk=import_id, status=van).update(status=naar, rijen_gelezen=0):
        logger.info("Import %s is niet meer %s: niets te doen", import_id, van)
        return None
    return Import.objects.select_related("gebruiker").get(pk=import_id)


@contextlib.contextmanager
def _aan_het_werk(record):
    """Beat the heartbeat while the work runs; a task that dies on the way ends its import, never leaves it."""
    with _hartslag(record):
        ruim_gestopte_op()  # the imports of a worker that died before this one started
        try:
            yield
        except BaseException:  # also SystemExit: a worker stopped with a second Ctrl+C
            logger.exception("Import %s afgebroken", record.pk)
            record.refresh_from_db()
            _breek_af(record)
            raise


@contextlib.contextmanager
def _hartslag(record):
    record.geef_hartslag()
    stop = threading.Event()

    def beat():
        while not stop.wait(HARTSLAG_INTERVAL.total_seconds()):
            try:
                record.geef_hartslag()
            except OSError:
                logger.warning("Hartslag van import %s niet geschreven", record.pk, exc_info=True)

    thread = threading.Thread(target=beat, name=f"hartslag-import-{record.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        record.hartslag_path().unlink(missing_ok=True)


def _na_afloop(record, outcome):
    _werk_gemeenten_bij(record, outcome.sheets)
    unreadable = record.status == Import.Status.GEWEIGERD and outcome.exit_code == 2
    if record.status in Import.AFGESLOTEN or unreadable:
        # Personal data is kept no longer than needed: the file goes, its hash, counts and summary stay.
        record.wis_bestanden()


def _werk_gemeenten_bij(record, sheets):
    """The gemeenten the file's rows concern, as the pipeline reports them per typed sheet ("gemeenten")."""
    typed = [sheet for sheet in sheets if sheet.get("type") and "gemeenten" in sheet]
    if typed:
        record.gemeenten.set(set().union(*(sheet["gemeenten"] for sheet in typed)))


def _wachtrij(record, result):
    Import.objects.filter(pk=record.pk, status__in=Import.WACHTEND).update(taak_id=str(result.id))


def _taak_verloren(record):
    """A queued import whose task will never run: it ended without claiming it, or is gone from the queue."""
    if not record.taak_id or not default_task_backend.supports_get_result:
        return False
    try:
        result = default_task_backend.get_result(record.taak_id)
    except TaskResultDoesNotExist:
        return True
    if result.status == TaskResultStatus.RUNNING:
        return timezone.now() - result.started_at > STIL_NA
    return result.is_finished


def _breek_af(record):
    if record.status not in Import.LOPEND + Import.WACHTEND:
        return False  # it ended properly after all
    if record.status == Import.Status.TOEPASSEN and _heeft_geschreven(record):
        status, message = Import.Status.TOEGEPAST, TOEGEPAST_ZONDER_AFRONDING
    else:
        status, message = Import.Status.AFGEBROKEN, AFGEBROKEN
    try:
        ended = Import.objects.filter(pk=record.pk, status=record.status).update(status=status, melding=message)
    except OperationalError:  # SQLite: another import holds the write lock; the next look ends it
        logger.warning("Gestopte import %s nog niet afgesloten", record.pk, exc_info=True)
        return False
    if ended:
        record.status, record.melding = status, message
        record.wis_bestanden()
    return bool(ended)


def _heeft_geschreven(record):
    """Whether the import committed: every row it writes names it as laatste_import, every change it records."""
    return KandidaatWijziging.objects.filter(import_run=record).exists() or any(
        model.objects.filter(laatste_import=record).exists() for model in (Kandidaat, Traject, Module, Plaatsing)
    )
