"""The outcome of an import: what the record keeps, what the user reads, and the error file."""

import json
from dataclasses import dataclass, field

from kandidaten.models import Import

from . import stand
from .types import TYPES


@dataclass
class Outcome:
    status: str  # "applied" | "dry-run" | "refused"
    message: str
    exit_code: int
    sheets: list = field(default_factory=list)  # SheetPlan.summary() dicts
    import_record: Import | None = None
    changed_anything: bool = False

    def as_json(self):
        keys = ("sheet", "type", "rows", "new", "changed", "unchanged", "gone", "errors")
        return {
            "status": self.status,
            "message": self.message,
            "sheets": [{**{key: sheet[key] for key in keys}, "warnings": len(sheet["warnings"])}
                       for sheet in self.sheets],
        }


def finish(record, kind, message, exit_code, sheets=(), *, status=None):
    """Store the outcome on the import record; returns the Outcome."""
    if status is None:
        status = {"refused": Import.Status.GEWEIGERD, "dry-run": Import.Status.VOORBEELD}.get(
            kind, Import.Status.TOEGEPAST
        )
    record.status = status
    record.melding = message
    # The type the user chose on upload is kept, so a new preview or the confirm uses it again; so is the stand.
    kept = {key: record.voorbeeld[key] for key in ("soort", "stand", "stand_bron") if record.voorbeeld.get(key)}
    record.voorbeeld = {**kept, "sheets": list(sheets)}
    if record.stand and sheets:
        stand.add_warnings(record, record.voorbeeld["sheets"])
    record.rijen_totaal = sum(sheet.get("rows", 0) for sheet in sheets)
    record.save()
    return Outcome(kind, message, exit_code, list(sheets), record)


def changes(summaries):
    return sum(s.get("new", 0) + s.get("changed", 0) + s.get("gone", 0) for s in summaries)


def problems(summaries, *, skip_invalid, confirm_mass_gone):
    """Why these sheets may not be applied as asked ("" when they may)."""
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
                "als 'niet meer in de bron' markeren (meer dan 10%): is het bestand wel compleet? Klopt het, "
                f"bevestig dan het aantal ({s['gone']}), op de opdrachtregel met --confirm-gone."
            )
    return ""


def mass_gone(summaries):
    """The sheets whose snapshot would mark more than 10% of their type's records in scope as gone.

    They need a typed confirmation: the web asks for the total of `gone` over these sheets, then passes
    `confirm_mass_gone=True`; the command line passes it for --confirm-gone."""
    return [s for s in summaries if s["type"] and s.get("gone_confirm")]


def counts_sentence(summaries):
    new, changed, unchanged, gone = (sum(s[key] for s in summaries if s["type"])
                                     for key in ("new", "changed", "unchanged", "gone"))
    return f"{new} nieuw, {changed} gewijzigd, {unchanged} ongewijzigd, {gone} niet meer in de bron."


def skipped_sentence(summaries):
    skipped = sum(s["error_rows"] for s in summaries if s["type"])
    if not skipped:
        return ""
    return f" {skipped} {'foute rij' if skipped == 1 else 'foute rijen'} overgeslagen (zie het foutenbestand)."


def preview_message(summaries):
    errors = sum(s["error_rows"] for s in summaries if s["type"])
    base = "Voorbeeld: " + counts_sentence(summaries)
    if errors:
        base += f" {errors} {'rij heeft' if errors == 1 else 'rijen hebben'} fouten."
    return base


def errors_path(record):
    return record.bijbestand("fouten.json")


def _json_safe(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.strftime("%d-%m-%Y") if not hasattr(value, "hour") else value.strftime("%d-%m-%Y %H:%M")
    return str(value)


def store_errors(record, plans):
    """All row errors with the original row beside them, for the error workbook."""
    if not any(plan.errors or plan.sheet_errors for plan in plans):
        return
    payload = [
        {
            "sheet": plan.sheet,
            "sheet_errors": plan.sheet_errors,
            "header": [_json_safe(cell) for cell in plan.header],
            "errors": [[e.row, e.column, e.value, e.message, [_json_safe(cell) for cell in e.values]]
                       for e in plan.errors],
        }
        for plan in plans if plan.errors or plan.sheet_errors
    ]
    target = errors_path(record)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
