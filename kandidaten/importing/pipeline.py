"""The import, stage by stage: read → detect → plan → apply (docs/importing.md).

`import_file` is the one entry point; the web's tasks and the `importeer` command are thin shells around it.
Planning reads and writes none of the data, so it runs without the write lock; apply takes the lock only to
copy the planned rows in, in one transaction: it writes everything or nothing, and two imports never
interleave. Should the data have changed while the file was planned (another import, a correction), the
plan is made again under the lock.
"""

import contextlib
import gc
import hashlib
import logging
import time
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from kandidaten.models import Datastand, Import
from kandidaten.services import opvolging, transparantie

from . import outcome as result
from .apply import foreign_keys_checked_at_the_end, refresh_planner_statistics, write_plans
from .context import Context
from .detect import detect_sheets
from .errors import UnreadableFile
from .plan import plan_sheet
from .prefetch import Prefetch
from .read import read_file
from .scope import Scope
from .stand import take_from_file as take_stand_from_file
from .stand import take_given as take_given_stand
from .store import Discard, TemporaryTables
from .types import TYPES

logger = logging.getLogger(__name__)
_LOCK_ID = 7_303_117  # the advisory lock every import takes on PostgreSQL
STALE = ("De gegevens zijn gewijzigd sinds dit voorbeeld werd gemaakt (een andere import of een correctie): "
         "bekijk het voorbeeld opnieuw voordat u bevestigt.")


class Refused(Exception):
    """The file is readable but may not be applied as it is (row errors, mass "gone", stale preview)."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def data_version():
    """What the data looked like: a preview made at another version is stale.

    The data generation, raised by every applied import and every correction of a client or item."""
    return str(Datastand.huidige())


def import_file(path, **options):
    """Import `path`; returns an Outcome. Never raises for a bad file: refusals are outcomes.

    Options: user (whose gemeenten it may touch; None: the system, every gemeente), original_name,
    export_type, dry_run, skip_invalid, confirm_mass_gone, import_record, expected_version (the preview's
    data version: a confirm of a stale preview is refused), stand (the date the export describes).

    The cyclic garbage collector is paused meanwhile: planning keeps ~a million small objects alive and
    the collector walked them over and over (0.5-0.8 s of a 4 s re-import). The import makes next to no
    reference cycles; what other threads make is collected when it is resumed.
    """
    with _collector_paused():
        return _import_file(Path(path), **options)


@contextlib.contextmanager
def _collector_paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_file(path, *, user=None, original_name=None, export_type=None, dry_run=False, skip_invalid=False,
                 confirm_mass_gone=False, import_record=None, expected_version=None, stand=None):
    name = original_name or path.name
    record = import_record or _new_record(path, name, user)
    if export_type and export_type not in TYPES:
        return result.finish(record, "refused", f"Onbekend type '{export_type}': kies uit {', '.join(TYPES)}.", 2)
    problem = take_given_stand(record, stand)
    if problem:
        return result.finish(record, "refused", problem, 2)
    version = data_version()  # what the data looked like before anything of it was read
    try:
        raw_sheets = read_file(path, name)
        prefetch = Prefetch(raw_sheets)  # reads stored hashes while detect parses
        layouts, ignored = detect_sheets(raw_sheets, export_type, name)
    except UnreadableFile as unreadable:
        return result.finish(record, "refused", str(unreadable), 2)
    except OSError as unreadable:
        return result.finish(record, "refused", f"{name} kan niet worden geopend ({unreadable.strerror}).", 2)
    take_stand_from_file(record, layouts)
    if not layouts:
        kinds = "; ".join(f"{t.name}: {', '.join(c.header for c in t.required)}" for t in TYPES.values())
        message = f"In {name} is geen blad herkend als export (verplichte kolommen per soort — {kinds})."
        return result.finish(record, "refused", message, 2, [plan.summary() for plan in ignored])
    run = ImportRun(record, layouts, ignored, Scope(user), version, prefetch)
    if dry_run:
        return run.preview(confirm_mass_gone)
    return run.apply(skip_invalid=skip_invalid, confirm_mass_gone=confirm_mass_gone,
                     expected_version=expected_version)


def _new_record(path, name, user):
    return Import.objects.create(
        gebruiker=user if getattr(user, "pk", None) else None,
        gebruikersnaam=getattr(user, "username", "") or "(systeem)",
        bestandsnaam=name[:255],
        bestand_grootte=path.stat().st_size if path.exists() else 0,
        bestand_sha256=sha256_of(path) if path.exists() else "",
        status=Import.Status.BEZIG,
    )


class ImportRun:
    """The planning and applying of the detected sheets of one file."""

    def __init__(self, record, layouts, ignored, scope, version, prefetch=None):
        self.record, self.layouts, self.ignored, self.scope = record, layouts, ignored, scope
        self.version = version  # the data generation before the file was read: a plan is made against it
        self.prefetch = prefetch
        self.plans, self.context = [], None
        self.written = set()  # the tables the write changed

    def plan(self, store):
        """Plan every sheet, in type order, releasing each once planned: only one sheet in memory."""
        self.context = Context(timezone.localdate(), self.scope, self.prefetch)
        self.prefetch = None  # read ahead for the first plan only
        self.plans, done = [], 0
        for raw, layout in self.layouts:
            plan = plan_sheet(raw, layout, self.context, store, self._progress(done))
            raw.release()
            done += plan.rows_read
            self.plans.append(plan)

    def _progress(self, done):
        """Rows read, for the import page (outside the write transaction, so others see it); at most twice a
        second, as the page polls every two."""
        record_pk = self.record.pk
        last = [0.0]

        def write(rows):
            if time.monotonic() - last[0] >= 0.5:
                last[0] = time.monotonic()
                Import.objects.filter(pk=record_pk).update(rijen_gelezen=done + rows)

        return write

    def summaries(self):
        return [plan.summary() for plan in self.plans] + [plan.summary() for plan in self.ignored]

    def earlier_note(self):
        earlier = (Import.objects.filter(bestand_sha256=self.record.bestand_sha256, status__in=[
            Import.Status.TOEGEPAST, Import.Status.ONGEWIJZIGD]).exclude(pk=self.record.pk).order_by("-aangemaakt")
            .first())
        if earlier is None:
            return ""
        return f" Dit bestand is eerder geïmporteerd op {timezone.localtime(earlier.aangemaakt):%d-%m-%Y %H:%M}."

    def preview(self, confirm_mass_gone):
        """A dry run: the plan's counts, changes, samples and errors; nothing kept, nothing written."""
        self.record.data_versie = self.version
        self.plan(Discard())
        summaries = self.summaries()
        result.store_errors(self.record, self.plans)
        # Exit code 1 when applying it as asked would be refused (mass "gone" unless --confirm-gone).
        refusal = result.problems(summaries, skip_invalid=True, confirm_mass_gone=confirm_mass_gone)
        exit_code = 1 if any(summary["errors"] for summary in summaries) or refusal else 0
        message = result.preview_message(summaries) + self.earlier_note()
        return result.finish(self.record, "dry-run", message, exit_code, summaries, status=Import.Status.VOORBEELD)

    def apply(self, *, skip_invalid, confirm_mass_gone, expected_version):
        record = self.record
        note = self.earlier_note()
        record.status = Import.Status.TOEPASSEN
        record.save(update_fields=["status"])
        store = TemporaryTables()
        try:
            self._plan_and_write(store, expected_version, problems=lambda summaries: result.problems(
                summaries, skip_invalid=skip_invalid, confirm_mass_gone=confirm_mass_gone))
        except Refused as refusal:
            result.store_errors(record, self.plans)
            return result.finish(record, "refused", str(refusal), 1, self.summaries())
        except Exception as failure:  # database errors, disk full…: nothing was written
            logger.exception("Import %s mislukt", record.pk)
            return result.finish(record, "refused", f"De import is mislukt en er is niets gewijzigd "
                                 f"({type(failure).__name__}: {str(failure)[:200]}).", 1, status=Import.Status.MISLUKT)
        finally:
            store.drop()
        return self._applied(note)

    def _plan_and_write(self, store, expected_version, problems):
        """Plan without the lock; then, under it, write — planning again first if the data moved meanwhile."""
        if expected_version is not None and self.version != expected_version:
            raise Refused(STALE)
        self.plan(store)
        self._refuse_if(problems)
        with foreign_keys_checked_at_the_end() as foreign_keys, transaction.atomic():
            lock_imports()
            if expected_version is not None and data_version() != expected_version:
                raise Refused(STALE)
            if data_version() != self.version:  # another import or a correction came in between
                store.drop()
                self.plan(store)
                self._refuse_if(problems)
            self.written = write_plans(self.plans, store, self.record, self.context)
            foreign_keys.check(self.written)
            self._record_client_state()
            if any(plan.changes for plan in self.plans):
                Datastand.verhoog()  # last, and in the transaction: the stored panel counts go stale with the data

    def _refuse_if(self, problems):
        refusal = problems([plan.summary() for plan in self.plans] + [plan.summary() for plan in self.ignored])
        if refusal:
            raise Refused(refusal)

    def _record_client_state(self):
        """For every gemeente whose clients a kandidaten sheet changed: the transparency report keeps its state at
        the stand, and the follow-ups of its clients who now have a profile are closed."""
        gemeente_ids = set()
        for plan in self.plans:
            if plan.export_type.rules.files_report_state and plan.changes:
                gemeente_ids |= plan.gemeenten
        if gemeente_ids:
            transparantie.leg_stand_vast(stand=self.record.stand, gemeente_ids=gemeente_ids)
            opvolging.sluit_bij_profiel(self.record, gemeente_ids)

    def _applied(self, note):
        record = self.record
        summaries = self.summaries()
        result.store_errors(record, self.plans)
        applied = result.changes(summaries)
        record.toegepast = timezone.now()
        record.rijen_toegepast = applied
        if applied == 0:
            message = "Niets gewijzigd: de gegevens in dit bestand zijn gelijk aan wat er al staat." + note
            outcome = result.finish(record, "applied", message, 0, summaries, status=Import.Status.ONGEWIJZIGD)
        else:
            message = "Toegepast: " + result.counts_sentence(summaries) + result.skipped_sentence(summaries)
            outcome = result.finish(record, "applied", message, 0, summaries, status=Import.Status.TOEGEPAST)
            outcome.changed_anything = True
            _after_change(self.written, record)
        return outcome


def _after_change(tables, record):
    """Statistics for the query planner. (Counting today's panel ahead is the caller's, once the import shows
    as applied: `paneeltellingen.tel_vooruit_na_import`.)"""
    try:
        refresh_planner_statistics(tables)
    except Exception:  # the data is in; slower queries until the next import are no reason to fail
        logger.exception("Statistieken na import %s niet bijgewerkt", record.pk)


def lock_imports():
    """Inside a transaction: wait for a running import's write and keep the next one out until the commit.

    Every import takes it before it writes; so does anything else that must not interleave with one (the
    retention purge)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
    # SQLite: the connection runs with transaction_mode=IMMEDIATE, so atomic() already holds the write lock.
