"""The result of one sheet: what its plan found, applied or not. One type for every sheet, ignored ones too."""

import collections
from dataclasses import dataclass, field

from .errors import RowError

MAX_ERRORS_KEPT = 200  # row errors in the summary; the error file has up to MAX_ERRORS_WITH_ROWS
# Each error keeps its row for the error file: a file that is all errors (items before their clients) would
# otherwise keep every row of it. Beyond this many, errors are counted only.
MAX_ERRORS_WITH_ROWS = 100_000
GONE_CONFIRM_SAMPLE = 25

_LABELS = {
    "gemeente_id": "gemeente", "sonar_status": "status", "dgr": "DGR", "banenafspraak": "banenafspraak",
    "dv_laatste_soort": "DV laatste soort", "in_bron": "in bron", "indicering": "indicering",
    "telt_in_sonar": "telt mee in Sonar", "profiel_nodig": "profiel nodig",
    "in_doelgroep_banenafspraak": "in doelgroep banenafspraak", "klant_van": "klant van",
    "beschut_werk": "beschut werk", "traject_ref": "Traject-ID", "kandidaat": "Pers. nr.",
}


def label(field_name):
    return _LABELS.get(field_name, field_name)


def display(field_name, value, context):
    """A value as the preview and the history show it: business keys and names, never database ids."""
    if value is None or value == "":
        return "(leeg)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if field_name == "gemeente_id":
        return context.scope.name(value)
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(value)


def needs_gone_confirmation(gone, existing):
    """More than 10% of a type's records in scope would go: a partial file, until the user confirms the number."""
    return gone * 10 > existing


@dataclass
class SheetPlan:
    sheet: str
    export_type: object | None  # ExportType; None for a sheet that is not imported
    rows_read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    gone: list = field(default_factory=list)  # pks of the stored records this sheet marks gone
    existing_in_source: int = 0
    errors: list = field(default_factory=list)  # RowError, all of them
    error_rows: set = field(default_factory=set)
    sheet_errors: list = field(default_factory=list)  # problems of the sheet as a whole (missing columns)
    warnings: list = field(default_factory=list)
    unknown_columns: list = field(default_factory=list)
    field_changes: collections.Counter = field(default_factory=collections.Counter)
    ignored_reason: str = ""
    header_row: int = 0
    unknown_trajecten: int = 0
    header: list = field(default_factory=list)
    gemeenten: set = field(default_factory=set)  # the gemeenten its rows concern (within the user's scope)
    gone_sample: list = field(default_factory=list)  # who would go, by business key (rules.gone_sample)
    errors_not_kept: int = 0  # errors beyond MAX_ERRORS_WITH_ROWS, counted only
    rows_not_kept: int = 0  # the rows they were in

    @classmethod
    def ignored(cls, sheet, reason):
        return cls(sheet, None, ignored_reason=reason)

    def row_error(self, excel_row, cells, column_name, value, message):
        if len(self.errors) >= MAX_ERRORS_WITH_ROWS:
            if not self.errors_not_kept:
                self.warnings.append(f"Meer dan {MAX_ERRORS_WITH_ROWS:,} fouten: het foutenbestand bevat de eerste "
                                     f"{MAX_ERRORS_WITH_ROWS:,}.".replace(",", "."))
            self.errors_not_kept += 1
            self.rows_not_kept += excel_row not in self.error_rows and excel_row != self._last_error_row
            self._last_error_row = excel_row
            return
        self.errors.append(
            RowError(self.sheet, excel_row, column_name, "" if value is None else str(value)[:200], message,
                     list(cells))
        )
        self.error_rows.add(excel_row)
        self._last_error_row = excel_row

    _last_error_row = None

    @property
    def error_count(self):
        return len(self.errors) + self.errors_not_kept + len(self.sheet_errors)

    @property
    def error_row_count(self):
        return len(self.error_rows) + self.rows_not_kept

    @property
    def changes(self):
        return self.new + self.changed + len(self.gone)

    def summary(self):
        return {
            "sheet": self.sheet,
            "type": self.export_type.name if self.export_type else None,
            "rows": self.rows_read,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "gone": len(self.gone),
            "existing": self.existing_in_source,
            "gone_confirm": needs_gone_confirmation(len(self.gone), self.existing_in_source),
            "gone_sample": list(self.gone_sample),
            "gemeenten": sorted(self.gemeenten),
            "errors": self.error_count,
            "error_rows": self.error_row_count,
            "warnings": list(self.warnings),
            "sheet_errors": list(self.sheet_errors),
            "unknown_columns": list(self.unknown_columns),
            "ignored": self.ignored_reason,
            "header_row": self.header_row + 1,
            "field_changes": [  # the most first, then by name: the same order however the rows were read
                {"field": name, "old": old, "new": new, "count": count}
                for (name, old, new), count in sorted(self.field_changes.items(), key=lambda item: (-item[1], item[0]))
            ],
            "first_errors": [error.as_dict() for error in self.errors[:MAX_ERRORS_KEPT]],
        }
