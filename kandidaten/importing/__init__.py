"""The import pipeline: read → detect → normalise → diff → apply (docs/importing.md).

`import_file` is the one entry point; the web views and the `importeer`
command are thin shells around it. Apply runs in one transaction under a lock:
it either writes everything or nothing, and two imports never interleave.
"""

import contextlib
import gc
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from kandidaten.models import Datastand, Import, KandidaatWijziging
from kandidaten.services import opvolging, transparantie

from .apply import (
    apply_plan,
    drop_indexes_for_bulk,
    foreign_keys_checked_at_the_end,
    insert_new,
    refresh_planner_statistics,
    restore_indexes,
)
from .detect import detect
from .diff import Context, SheetPlan, plan_sheet
from .errors import UnreadableFile
from .read import read_file
from .types import TYPES

__all__ = ["TYPES", "Outcome", "import_file", "data_version", "errors_path", "mass_gone", "UnreadableFile"]

logger = logging.getLogger(__name__)
_LOCK_ID = 7_303_117  # the advisory lock every import takes on PostgreSQL


class Refused(Exception):
    """The file is readable but may not be applied as it is (row errors, mass "gone", stale preview)."""


@dataclass
class Outcome:
    status: str  # "applied" | "dry-run" | "refused"
    message: str
    exit_code: int
    sheets: list = field(default_factory=list)  # SheetPlan.summary() dicts
    import_record: Import | None = None
    changed_anything: bool = False

    def as_json(self):
        return {
            "status": self.status,
            "message": self.message,
            "sheets": [
                {
                    "sheet": sheet["sheet"],
                    "type": sheet["type"],
                    "rows": sheet["rows"],
                    "new": sheet["new"],
                    "changed": sheet["changed"],
                    "unchanged": sheet["unchanged"],
                    "gone": sheet["gone"],
                    "errors": sheet["errors"],
                    "warnings": len(sheet["warnings"]),
                }
                for sheet in self.sheets
            ],
        }


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

    The cyclic garbage collector is paused meanwhile: planning keeps ~a million small objects alive and
    the collector walked them over and over (0.5-0.8 s of a 4 s re-import). The import makes next to no
    reference cycles; what other threads make is collected when it is resumed.
    """
    with _collector_paused():
        return _import_file(path, **options)


@contextlib.contextmanager
def _collector_paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_file(
    path,
    *,
    user=None,
    original_name=None,
    export_type=None,
    dry_run=False,
    skip_invalid=False,
    confirm_mass_gone=False,
    import_record=None,
    expected_version=None,
):
    path = Path(path)
    name = original_name or path.name
    record = import_record or Import.objects.create(
        gebruiker=user if getattr(user, "pk", None) else None,
        gebruikersnaam=getattr(user, "username", "") or "(systeem)",
        bestandsnaam=name[:255],
        bestand_grootte=path.stat().st_size if path.exists() else 0,
        bestand_sha256=sha256_of(path) if path.exists() else "",
        status=Import.Status.BEZIG,
    )
    if export_type and export_type not in TYPES:
        return _finish(record, "refused", f"Onbekend type '{export_type}': kies uit {', '.join(TYPES)}.", 2)
    try:
        raw_sheets = read_file(path, name)
    except UnreadableFile as problem:
        return _finish(record, "refused", str(problem), 2)
    except OSError as problem:
        return _finish(record, "refused", f"{name} kan niet worden geopend ({problem.strerror}).", 2)

    try:
        layouts, ignored = _detect_sheets(raw_sheets, export_type)  # parses each sheet
    except UnreadableFile as problem:
        return _finish(record, "refused", str(problem), 2)
    if not layouts:
        kinds = "; ".join(f"{t.name}: {', '.join(c.header for c in t.required)}" for t in TYPES.values())
        sheets = [plan.summary() for plan in ignored]
        return _finish(
            record, "refused",
            f"In {name} is geen blad herkend als export (verplichte kolommen per soort — {kinds}).", 2, sheets,
        )

    progress = _progress_writer(record)
    earlier = (
        Import.objects.filter(bestand_sha256=record.bestand_sha256, status__in=[
            Import.Status.TOEGEPAST, Import.Status.ONGEWIJZIGD])
        .exclude(pk=record.pk).order_by("-aangemaakt").first()
    )
    note = f" Dit bestand is eerder geïmporteerd op {timezone.localtime(earlier.aangemaakt):%d-%m-%Y %H:%M}." if (
        earlier) else ""

    if dry_run:
        version = data_version()
        plans, summaries = [], []
        for plan in _plan_each(layouts, progress):
            summaries.append(plan.summary())
            plan.release()
            plans.append(plan)
        summaries += [plan.summary() for plan in ignored]
        record.data_versie = version
        _store_errors(record, plans)
        problem = _problems(summaries, skip_invalid=True, confirm_mass_gone=True)
        message = _preview_message(summaries) + note
        exit_code = 1 if any(summary["errors"] for summary in summaries) or problem else 0
        return _finish(record, "dry-run", message, exit_code, summaries, status=Import.Status.VOORBEELD)

    record.status = Import.Status.TOEPASSEN
    record.save(update_fields=["status"])
    plans, summaries = [], []
    try:
        with foreign_keys_checked_at_the_end() as foreign_keys, transaction.atomic():
            _lock()
            if expected_version is not None and data_version() != expected_version:
                raise Refused(
                    "De gegevens zijn gewijzigd sinds dit voorbeeld werd gemaakt (een andere import of een "
                    "correctie): bekijk het voorbeeld opnieuw voordat u bevestigt."
                )
            refusal = ""
            # Sheet by sheet: plan, apply, forget the rows. A later refusal rolls the earlier sheets back too.
            # Late binding on purpose: once a sheet is refused, later sheets are only checked, not written.
            # Inside the transaction the Import row cannot carry progress (see Import.schrijf_voortgang).
            for plan in _plan_each(layouts, record.schrijf_voortgang, record,
                                   writing=lambda: not refusal):  # noqa: B023
                summary = plan.summary()
                summaries.append(summary)
                plans.append(plan)
                refusal = refusal or _problems([summary], skip_invalid=skip_invalid,
                                               confirm_mass_gone=confirm_mass_gone)
                if not refusal:
                    apply_plan(plan, record, plan.context)
                    restore_indexes(plan.context.dropped_indexes.pop(plan.export_type.name, []))
                    plan.context.forget_keys()
                plan.release()
            if refusal:
                raise Refused(_problems(summaries, skip_invalid=skip_invalid, confirm_mass_gone=confirm_mass_gone))
            foreign_keys.check(_written_tables(plans, summaries))
            _record_transparency_state(record, plans, summaries)
            opvolging.sluit_bij_profiel(record, plans)  # follow-ups of clients now with klantprofiel J (#17)
            if _changes(summaries):
                Datastand.verhoog()  # last, and in the transaction: the stored panel counts go stale with the data
    except Refused as refusal:
        _store_errors(record, plans)
        return _finish(record, "refused", str(refusal), 1, summaries + [plan.summary() for plan in ignored])
    except Exception as failure:  # database errors, disk full…: nothing was written
        logger.exception("Import %s mislukt", record.pk)
        return _finish(
            record, "refused", f"De import is mislukt en er is niets gewijzigd ({type(failure).__name__}: "
            f"{str(failure)[:200]}).", 1, status=Import.Status.MISLUKT,
        )
    summaries += [plan.summary() for plan in ignored]
    _store_errors(record, plans)
    applied = _changes(summaries)
    record.toegepast = timezone.now()
    record.rijen_toegepast = applied
    if applied == 0:
        message = "Niets gewijzigd: de gegevens in dit bestand zijn gelijk aan wat er al staat." + note
        outcome = _finish(record, "applied", message, 0, summaries, status=Import.Status.ONGEWIJZIGD)
    else:
        message = "Toegepast: " + _counts_sentence(summaries) + _skipped_sentence(summaries)
        outcome = _finish(record, "applied", message, 0, summaries, status=Import.Status.TOEGEPAST)
    outcome.changed_anything = applied > 0
    if applied:
        try:
            refresh_planner_statistics({plan.export_type.model for plan in plans if plan.export_type})
        except Exception:  # the data is in; slower queries until the next import are no reason to fail
            logger.exception("Statistieken na import %s niet bijgewerkt", record.pk)
        try:
            from kandidaten.services.paneeltellingen import tel_vooruit

            tel_vooruit(timezone.localdate())  # the next visitor of the panel reads today's counts
        except Exception:  # the panel counts them on its first visit instead
            logger.exception("Paneeltellingen na import %s niet vooruit geteld", record.pk)
    return outcome


def _record_transparency_state(record, plans, summaries):
    """The transparency report keeps the state of every gemeente a kandidaten sheet changed, at the stand."""
    gemeente_ids = set()
    for plan, summary in zip(plans, summaries, strict=True):
        if plan.export_type and not plan.export_type.is_item and _changes([summary]):
            gemeente_ids |= plan.gemeenten
    if gemeente_ids:
        transparantie.leg_stand_vast(stand=record.stand or timezone.localdate(), gemeente_ids=gemeente_ids)


def _written_tables(plans, summaries):
    tables = set()
    for plan, summary in zip(plans, summaries, strict=True):
        if plan.export_type and _changes([summary]):
            tables.add(plan.export_type.model._meta.db_table)
            if plan.export_type.name == "kandidaten":
                tables.add(KandidaatWijziging._meta.db_table)
    return tables


def _changes(summaries):
    return sum(s.get("new", 0) + s.get("changed", 0) + s.get("gone", 0) for s in summaries)


def _detect_sheets(raw_sheets, export_type):
    layouts, ignored, types_seen = [], [], {}
    for raw in raw_sheets:
        layout = detect(raw.head(), export_type)
        if len(raw_sheets) > 1:
            raw.release()  # parsed again when planned: only one sheet in memory at a time
        if layout is None:
            plan = SheetPlan(raw.name, None, rows_read=0)
            plan.ignored_reason = "genegeerd: geen kopregel van een export herkend"
            ignored.append(plan)
            continue
        if layout.export_type.name in types_seen and not layout.missing_required:
            plan = SheetPlan(raw.name, None)
            plan.ignored_reason = (
                f"genegeerd: blad '{types_seen[layout.export_type.name]}' bevat al {layout.export_type.label}"
            )
            ignored.append(plan)
            continue
        types_seen.setdefault(layout.export_type.name, raw.name)
        layouts.append((raw, layout))
    order = list(TYPES)
    layouts.sort(key=lambda pair: order.index(pair[1].export_type.name))
    return layouts, ignored


def _plan_each(layouts, progress, record=None, writing=lambda: False):
    """Yield the plan of each sheet in turn (types in apply order), releasing the sheet after planning.

    While `writing()` holds, new rows are inserted in batches during planning (inside the caller's
    transaction), so memory stays flat however big the sheet; otherwise they are only counted.
    """
    context = Context(timezone.localdate())
    done = 0
    for raw, layout in layouts:
        def sheet_progress(rows, _base=done):
            progress(_base + rows)

        def sink(rows, _type=layout.export_type, _raw=raw):
            if writing():
                if _type.name not in context.dropped_indexes:
                    expected = _raw.expected_rows or len(_raw.rows_list or ())
                    context.dropped_indexes[_type.name] = drop_indexes_for_bulk(_type.model, expected)
                insert_new(rows, _type, record, context)

        plan = plan_sheet(raw, layout, context, sheet_progress, sink)
        raw.release()
        plan.context = context
        done += plan.rows_read
        yield plan


def _problems(summaries, *, skip_invalid, confirm_mass_gone):
    sheet_errors = [f"blad '{s['sheet']}': {error}" for s in summaries for error in s["sheet_errors"]]
    if sheet_errors:
        return "Geweigerd: " + "; ".join(sheet_errors)
    error_rows = sum(s["error_rows"] for s in summaries if s["type"])
    if error_rows and not skip_invalid:
        valid = sum(s["rows"] for s in summaries if s["type"]) - error_rows
        return (
            f"Geweigerd: {error_rows} {'rij heeft' if error_rows == 1 else 'rijen hebben'} fouten. Verbeter het "
            f"bestand, of importeer de {valid} geldige rijen en sla de foute rijen over."
        )
    for s in mass_gone(summaries):
        if not confirm_mass_gone:
            return (
                f"Geweigerd: blad '{s['sheet']}' zou {s['gone']} van de {s['existing']} {TYPES[s['type']].label} "
                "als 'niet meer in de bron' markeren (meer dan de helft). Klopt dat, bevestig het dan uitdrukkelijk."
            )
    return ""


def mass_gone(summaries):
    """The sheets whose snapshot would mark more than half of the existing records as gone."""
    return [s for s in summaries if s["type"] and s.get("existing") and s["gone"] * 2 > s["existing"]]


def _counts_sentence(summaries):
    new, changed, unchanged, gone = (sum(s[key] for s in summaries if s["type"])
                                     for key in ("new", "changed", "unchanged", "gone"))
    return f"{new} nieuw, {changed} gewijzigd, {unchanged} ongewijzigd, {gone} niet meer in de bron."


def _skipped_sentence(summaries):
    skipped = sum(s["error_rows"] for s in summaries if s["type"])
    if not skipped:
        return ""
    return f" {skipped} {'foute rij' if skipped == 1 else 'foute rijen'} overgeslagen (zie het foutenbestand)."


def _preview_message(summaries):
    errors = sum(s["error_rows"] for s in summaries if s["type"])
    base = "Voorbeeld: " + _counts_sentence(summaries)
    if errors:
        base += f" {errors} {'rij heeft' if errors == 1 else 'rijen hebben'} fouten."
    return base


def _lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
    # SQLite: the connection runs with transaction_mode=IMMEDIATE, so atomic() already holds the write lock.


def _progress_writer(record):
    """Rows read, for the import page: in the database while previewing (no transaction open yet)."""
    def write(rows):
        Import.objects.filter(pk=record.pk).update(rijen_gelezen=rows)

    return write


def errors_path(record):
    return record.bijbestand("fouten.json")


def _json_safe(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.strftime("%d-%m-%Y") if not hasattr(value, "hour") else value.strftime("%d-%m-%Y %H:%M")
    return str(value)


def _store_errors(record, plans):
    """All row errors with the original row beside them, for the error workbook."""
    if not any(plan.errors or plan.sheet_errors for plan in plans):
        return
    payload = []
    for plan in plans:
        if not plan.errors and not plan.sheet_errors:
            continue
        header = plan.header
        payload.append({
            "sheet": plan.sheet,
            "sheet_errors": plan.sheet_errors,
            "header": [_json_safe(cell) for cell in header],
            "errors": [
                [e.row, e.column, e.value, e.message, [_json_safe(cell) for cell in e.values]] for e in plan.errors
            ],
        })
    target = errors_path(record)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def _finish(record, kind, message, exit_code, sheets=(), *, status=None):
    record.wis_voortgang()
    if status is None:
        status = {"refused": Import.Status.GEWEIGERD, "dry-run": Import.Status.VOORBEELD}.get(
            kind, Import.Status.TOEGEPAST
        )
    record.status = status
    record.melding = message
    # The type the user chose on upload is kept, so a new preview or the confirm uses it again.
    record.voorbeeld = {**({"soort": record.voorbeeld["soort"]} if record.voorbeeld.get("soort") else {}),
                        "sheets": list(sheets)}
    record.rijen_totaal = sum(sheet.get("rows", 0) for sheet in sheets)
    record.save()
    return Outcome(kind, message, exit_code, list(sheets), record)
