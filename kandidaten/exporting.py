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
import operator
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections, models
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import FileResponse
from django.utils import timezone

from kandidaten.models import AuditEvent
from kandidaten.scoping import gemeente_veld, gemeenten_van
from kandidaten.weergave import ja_nee

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
    """One column: its header, which value of a row it shows, how (`toon`, from `weergave`), its width in Excel.

    `accessor` names a value of the rows (a `.values()` key, or an attribute path with "__"), or is a function
    of the whole row. `toon` writes the named value as every screen does; without it a value is written as
    itself (dates as dates in xlsx, dd-mm-jjjj in csv; yes/no as Ja/Nee)."""

    header: str
    accessor: str | Callable[[Any], Any]
    width: int = 15
    toon: Callable[[Any], Any] | None = None

    def value(self, row):
        return self.getter(row)(row)

    def getter(self, sample_row):
        """`value` specialised for rows shaped like `sample_row`: the export asks once, not per cell."""
        if callable(self.accessor):
            return self.accessor
        if type(sample_row) is dict:  # a .values() row: its keys are the lookups themselves
            key = self.accessor
            get = lambda row: row.get(key)  # noqa: E731
        else:
            get = self._walk
        toon = self.toon
        return get if toon is None else lambda row: toon(get(row))

    def _walk(self, row):
        value = row
        for part in self.accessor.split("__"):
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        return value


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
        return ja_nee(value)
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
    getters = None
    for count, row in enumerate(_iterate(rows), start=1):
        if getters is None:
            getters = [column.getter(row) for column in columns]
        for col, get in enumerate(getters):
            value = _cell(get(row))
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
    """Write `;`-separated UTF-8 with BOM (what Dutch Excel opens correctly).

    Returns (the row count, the pks of the gemeenten of the rows written, or None where they were not read
    along). Rows from a queryset whose columns all name a value are read straight from the database cursor
    and written column by column (`_kolomsgewijs`), their gemeenten with them; anything else row by row."""
    handle.write("\ufeff")
    writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    if isinstance(rows, QuerySet) and not rows.query.extra_select and all(
            isinstance(column.accessor, str) for column in columns):
        return _kolomsgewijs(writer, rows, columns)
    count = 0
    getters = None
    for row in _iterate(rows):
        if getters is None:
            getters = [column.getter(row) for column in columns]
        writer.writerow([_csv_cell(get(row)) for get in getters])
        count += 1
    return count, None


CHUNK_ROWS = 2000


def _kolomsgewijs(writer, rows, columns):
    """The csv export at the speed of the database cursor: each chunk of raw rows is turned into columns, every
    column is written the way `_csv_cell` writes its cells, and the rows go to the writer in one call.

    A column of plain text (no value a spreadsheet would run, no control character) passes as it is; any other
    column goes through a table of its distinct values (a date, a code, a yes/no: a few hundred), each written
    once by the column's `toon` and `_csv_cell`. The same cells as the row by row path (tested). The rows'
    gemeenten, which the audit record names, come along as one more value (`scoping.gemeente_veld`)."""
    gemeente = gemeente_veld(rows.model)
    namen = [column.accessor for column in columns] + ([gemeente] if gemeente else [])
    queryset = rows.values_list(*dict.fromkeys(namen))
    velden = _velden(queryset)  # in the order the database returns the values
    plek = {naam: index for index, naam in enumerate(velden)}
    kolommen = [(plek[column.accessor], _csv_kolom(column, velden[column.accessor])) for column in columns]
    gemeenten = set()
    sql, params = queryset.query.sql_with_params()
    count = 0
    with _cursor(queryset.db) as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK_ROWS):
            waarden = list(zip(*chunk, strict=True))
            writer.writerows(zip(*(kolom(waarden[index]) for index, kolom in kolommen), strict=True))
            if gemeente:
                gemeenten.update(waarden[plek[gemeente]])
            count += len(chunk)
    return count, (gemeenten if gemeente else None)


def _cursor(alias):
    """A cursor that streams (server-side on PostgreSQL) unless the settings forbid it, as QuerySet.iterator()."""
    connection = connections[alias]
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        return connection.cursor()
    return connection.chunked_cursor()


def _velden(queryset):
    """{value name: its field} of a values_list() queryset, in the order of the columns the database returns
    (as Django's own iterables read them): how a raw database value becomes a Python one."""
    query = queryset.query
    namen = list(query.selected) if query.selected else [*query.values_select, *query.annotation_select]
    velden = {}
    for naam in namen:
        if naam in query.annotation_select:
            velden[naam] = query.annotation_select[naam].output_field
            continue
        opts, veld = queryset.model._meta, None
        for deel in naam.split(LOOKUP_SEP):
            veld = opts.get_field(deel)
            opts = veld.related_model._meta if veld.is_relation else opts
        velden[naam] = veld
    return velden


_TEKST_VELDEN = (models.CharField, models.TextField)
_EERSTE = operator.itemgetter(slice(0, 1))
_NIET_VEILIG_BEGIN = frozenset(_FORMULA_START)


def _csv_kolom(column, field):
    """A function from a column's raw values (one chunk) to its cells."""
    tabel = _Cellen(column.toon, field)
    hele_kolom = getattr(column.toon, "kolom", None)  # a display that works a whole column at once
    if hele_kolom is not None and isinstance(field, _TEKST_VELDEN):
        def in_een_keer(values):
            cellen = hele_kolom(values)
            return map(tabel.__getitem__, values) if cellen is None else cellen
        return in_een_keer
    if column.toon is None and isinstance(field, _TEKST_VELDEN):
        def tekst(values):
            # Plain text needs nothing: every check here runs at C speed over the whole column.
            if None not in values and all(map(str.isprintable, values)) and _NIET_VEILIG_BEGIN.isdisjoint(
                    map(_EERSTE, values)):
                return values
            return map(_csv_cell, values)
        return tekst
    return lambda values: map(tabel.__getitem__, values)


class _Cellen(dict):
    """Raw database value -> cell, each distinct value worked out once (up to `LIMIT`; then again each time)."""

    LIMIT = 50_000

    def __init__(self, toon, field):
        super().__init__()
        self.toon, self.field = toon, field

    def __missing__(self, raw):
        value = None if raw is None else self.field.to_python(raw)
        cell = _csv_cell(value if self.toon is None else self.toon(value))
        if len(self) < self.LIMIT:
            self[raw] = cell
        return cell


def _csv_cell(value):
    if type(value) is str and value.isprintable():  # most cells: straight to the formula check
        return neutralise(value)
    value = _cell(value)
    return value.strftime("%d-%m-%Y") if isinstance(value, datetime.date) else value


EXPORT_RECHT = "kandidaten.export_kandidaat"  # lists of clients and items, whichever page they come from


def mag_exporteren(user):
    return user.has_perm(EXPORT_RECHT)


def eis_exportrecht(user):
    """Refuse (403) an export of a list of clients or items to a user without the right."""
    if not mag_exporteren(user):
        raise PermissionDenied("U mag geen lijsten exporteren.")


def export_response(request, *, rows, columns, fmt, filename_base, description, filters=None, gemeenten=None):
    """Write `rows` as `fmt` to a temporary file, audit it, and return the download.

    `gemeenten`: whom the export concerns, for the audit log; by default the gemeenten of the rows when they
    are a queryset of clients or items (one DISTINCT query), else none (the record is then for superusers)."""
    if fmt not in FORMATS:
        raise ValueError(f"Onbekend exportformaat: {fmt!r}")
    today = timezone.localdate().strftime("%Y-%m-%d")
    filename = f"{filename_base}-{today}.{fmt}"
    spool = tempfile.TemporaryFile()
    gelezen = None  # the gemeenten of the rows, where the writer read them along
    if fmt == "xlsx":
        count = write_xlsx(spool, rows, columns, sheet_name=filename_base)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
        count, gelezen = write_csv(text, rows, columns)
        text.detach()
        content_type = "text/csv; charset=utf-8"
    spool.seek(0)
    if gemeenten is None:
        gemeenten = gelezen if gelezen is not None else gemeenten_van(rows) if isinstance(rows, QuerySet) else ()
    AuditEvent.record(
        request, AuditEvent.Actie.EXPORT, f"{description} ({fmt})", aantal_rijen=count, filters=filters or {},
        gemeenten=gemeenten,
    )
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=content_type)
