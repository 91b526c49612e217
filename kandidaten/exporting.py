"""The one export flow: rows + columns -> an .xlsx or .csv download, formula-safe and audited.

The candidate list, the signal drill-downs and any later list all call
`export_response`; a list only declares its columns. Files are written to a
temporary file (XlsxWriter in constant_memory mode, or the csv module), so
memory stays flat however many rows there are; the download is then streamed
from that file. One AuditEvent per export records who, what, the filters and
the number of rows.
"""

import csv
import datetime
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse
from django.utils import timezone

from kandidaten.models import AuditEvent

FORMATS = ("xlsx", "csv")
# Every workbook this app writes carries this document property (File > Info > Properties in Excel), so the
# importer recognises its own files: an export is refused as a source, an error workbook read as corrections.
MARK_PROPERTY = "Kandidatenoverzicht"
MARK_EXPORT = "export"
MARK_ERRORBOOK = "foutenbestand"
# A spreadsheet runs a cell starting with these as a formula (or DDE): OWASP "CSV injection".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = {c: None for c in range(32) if c not in (9, 10, 13)}


@dataclass(frozen=True)
class ExportColumn:
    """One column: its header, how to get the value from a row, and its width in Excel."""

    header: str
    accessor: str | Callable[[Any], Any]
    width: int = 15

    def value(self, row):
        if callable(self.accessor):
            return self.accessor(row)
        if type(row) is dict:  # a .values() row: its keys are the lookups themselves
            return row.get(self.accessor)
        value = row
        for part in self.accessor.split("__"):
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        return value

    def getter(self, sample_row):
        """`value` specialised for rows shaped like `sample_row`: the export asks once, not per cell."""
        if callable(self.accessor):
            return self.accessor
        if type(sample_row) is dict:
            key = self.accessor
            return lambda row: row.get(key)
        return self.value


def neutralise(text):
    """Prefix text that a spreadsheet would execute with an apostrophe, so it stays text."""
    if text and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _cell(value):
    if type(value) is str:  # most cells: skip the type checks; translate only what has control characters
        return neutralise(value if value.isprintable() else value.translate(_ILLEGAL_XML))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (int, float, datetime.date)):
        return value
    return neutralise(str(value).translate(_ILLEGAL_XML))


def _iterate(rows):
    iterator = getattr(rows, "iterator", None)
    return iterator(chunk_size=2000) if iterator is not None else iter(rows)


def mark_workbook(workbook, kind=MARK_EXPORT):
    """Put this app's mark on an XlsxWriter workbook (see MARK_PROPERTY)."""
    workbook.set_custom_property(MARK_PROPERTY, kind)


def write_xlsx(target, rows, columns, *, sheet_name="Export"):
    """Write to `target` (path or file object); returns the number of data rows."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
         "strings_to_numbers": False, "default_date_format": "dd-mm-yyyy"},
    )
    mark_workbook(workbook)
    sheet = workbook.add_worksheet(sheet_name[:31])
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, column.header, header_format)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(_iterate(rows), start=1):
        for col, column in enumerate(columns):
            value = _cell(column.value(row))
            if isinstance(value, datetime.date):
                sheet.write_datetime(count, col, datetime.datetime.combine(value, datetime.time()), date_format)
            elif isinstance(value, (int, float)):
                sheet.write_number(count, col, value)
            elif value != "":
                sheet.write_string(count, col, value)
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    workbook.close()
    return count


def write_csv(handle, rows, columns):
    """Write `;`-separated UTF-8 with BOM (what Dutch Excel opens correctly); returns the row count."""
    handle.write("\ufeff")
    writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    count = 0
    getters = None
    for row in _iterate(rows):
        if getters is None:
            getters = [column.getter(row) for column in columns]
        writer.writerow([_csv_cell(get(row)) for get in getters])
        count += 1
    return count


def _csv_cell(value):
    if type(value) is str and value.isprintable():  # most cells: straight to the formula check
        return neutralise(value)
    value = _cell(value)
    return value.strftime("%d-%m-%Y") if isinstance(value, datetime.date) else value


def export_response(request, *, rows, columns, fmt, filename_base, description, filters=None):
    """Write `rows` as `fmt` to a temporary file, audit it, and return the download."""
    if fmt not in FORMATS:
        raise ValueError(f"Onbekend exportformaat: {fmt!r}")
    today = timezone.localdate().strftime("%Y-%m-%d")
    filename = f"{filename_base}-{today}.{fmt}"
    spool = tempfile.TemporaryFile()
    if fmt == "xlsx":
        count = write_xlsx(spool, rows, columns, sheet_name=filename_base)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
        count = write_csv(text, rows, columns)
        text.detach()
        content_type = "text/csv; charset=utf-8"
    spool.seek(0)
    AuditEvent.record(
        request, AuditEvent.Actie.EXPORT, f"{description} ({fmt})", aantal_rijen=count, filters=filters or {}
    )
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=content_type)
