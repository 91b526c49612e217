"""Read: a file on disk -> sheets of raw rows, or UnreadableFile with one Dutch sentence.

Nothing here knows about export types. What is checked before any parsing:
size, magic bytes (a renamed .xls/.ods/.html/.pdf is named as such), and for
xlsx the zip's entry count and declared uncompressed size (zip bombs) and XML
document type declarations (billion laughs, XXE). python-calamine parses the
workbook (measured: ~10× faster than openpyxl read-only); it ignores the
sheet's stored <dimension>, and we check the row count anyway against the last
<row> element in the sheet XML, because "0 rows" or "2 of 150,000 rows" must
never pass as success.
"""

import codecs
import concurrent.futures
import contextlib
import csv
import io
import itertools
import operator
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from kandidaten.exporting import MARK_PROPERTY

from . import limits
from .errors import UnreadableFile

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ROW_TAG = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
# A cell with a formula but no cached <v> value: calamine silently drops it.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
_CHUNK = 4 * 1024 * 1024


@dataclass
class RawSheet:
    """One sheet; its rows are produced on demand so a big workbook is never all in memory at once."""

    name: str
    rows_list: list | None = None  # rows given as a list (tests)
    reader: object = None  # CSV: () -> a fresh iterator over its rows (the text is kept, not the rows)
    counted_rows: int = 0  # CSV: its rows, counted when it was read
    loader: object = None  # xlsx: () -> CalamineSheet
    scans: object = None  # xlsx: the _SheetScans of its workbook
    mark: str = ""  # xlsx: this app's mark on the workbook, if any (importing.origin)
    first_texts: tuple = ()  # xlsx: texts near the start of its XML, read before the parse (prefetch.py)
    skip_columns: int = 0  # columns in front that are not the export's (an error workbook's own)
    _sheet: object = None

    @property
    def expected_rows(self):
        """The last row number in the sheet XML: the reader must return at least this many rows."""
        return self.scans.of(self.name)[0] if self.scans else 0

    @property
    def formulas_without_value(self):
        """(row_index, col_index), 0-based, of formula cells without a cached value."""
        if not self.scans:
            return set()
        skip = self.skip_columns
        return {(row, col - skip) for row, col in self.scans.of(self.name)[1] if col >= skip}

    def _calamine(self):
        if self._sheet is None:
            sheet = self.loader()
            if self.scans:  # after the parse, which it ran beside
                self.scans.check(self.name, sheet)
            self._sheet = sheet
        return self._sheet

    def iter_rows(self):
        """Every row from row 1, as lists of cell values (None or "" for empty cells)."""
        if self.skip_columns:
            return map(operator.itemgetter(slice(self.skip_columns, None)), self._all_rows())
        return self._all_rows()

    @property
    def size_hint(self):
        """About how many rows the sheet has, before it is read."""
        return self.expected_rows or self.counted_rows or len(self.rows_list or ())

    def _all_rows(self):
        if self.rows_list is not None:
            return iter(self.rows_list)
        if self.reader is not None:
            return self.reader()
        sheet = self._calamine()
        # calamine yields the empty rows above the used area itself, but starts each row at its first used
        # column: pad those, so a position is the Excel column (formula cells are found by column letter).
        start_col = sheet.start[1] if sheet.start else 0
        rows = sheet.iter_rows()
        if start_col:
            return map(list.__add__, itertools.repeat([None] * start_col), rows)
        return rows  # calamine's own iterator: a generator here would cost a call per row

    def head(self, count=20):
        rows = []
        for row in self.iter_rows():
            rows.append(row)
            if len(rows) >= count:
                break
        return rows

    def release(self):
        self._sheet = None


def read_file(path, original_name):
    """Return a list of RawSheet for `path`; `original_name` is only used in messages."""
    path = Path(path)
    name = original_name or path.name
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(f"{name} is leeg: exporteer het bestand opnieuw.")
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        limit = settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise UnreadableFile(
            f"{name} is groter dan {limit} MB: splits het bestand of vraag beheer de grens te verhogen."
        )
    with path.open("rb") as handle:
        head = handle.read(4096)
    kind = sniff(head, name)
    if kind == "xlsx":
        return _read_xlsx(path, name)
    return [_read_csv(path, name)]


def sniff(head, name):
    """What the first bytes say the file is; refuse what we cannot read with advice."""
    suffix = Path(name).suffix.lower()
    if head.startswith(_OLE_MAGIC):
        if suffix in (".xlsx", ".xlsm"):
            raise UnreadableFile(
                f"{name} is met een wachtwoord beveiligd (versleuteld): "
                "sla het op zonder wachtwoord en probeer opnieuw."
            )
        raise UnreadableFile(
            f"{name} is een oud Excel-bestand (.xls): sla het in Excel op als .xlsx en probeer opnieuw."
        )
    if head.startswith(_ZIP_MAGIC):
        if b"mimetypeapplication/vnd.oasis.opendocument" in head[:200]:
            raise UnreadableFile(f"{name} is een OpenDocument-bestand (.ods): sla het op als .xlsx en probeer opnieuw.")
        return "xlsx"
    if head.startswith(b"%PDF"):
        raise UnreadableFile(f"{name} is een PDF-bestand: exporteer de gegevens als .xlsx of .csv.")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")) or b"<html" in lowered[:1024]:
        raise UnreadableFile(
            f"{name} is een webpagina (HTML/XML) met een Excel-naam: open het in Excel en sla het op als .xlsx."
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(f"{name} is opgeslagen als Unicode-tekst (UTF-16): sla het op als CSV UTF-8 of .xlsx.")
    if b"\x00" in head:
        raise UnreadableFile(f"{name} is geen Excel- of CSV-bestand: exporteer de gegevens als .xlsx of .csv.")
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise UnreadableFile(
            f"{name} is geen echt Excel-bestand maar tekst: geef het de naam .csv of sla het op als .xlsx."
        )
    return "csv"


def _check_zip(archive, name):
    """Is it a workbook we may parse: not encrypted, not binary, no XML entities (sizes: limits.py)."""
    entries = archive.infolist()
    names = {entry.filename for entry in entries}
    if "EncryptedPackage" in names or "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise UnreadableFile(f"{name} is geen Excel-werkmap (.xlsx): sla het in Excel op als .xlsx en probeer opnieuw.")
    if "xl/workbook.bin" in names:
        raise UnreadableFile(f"{name} is een binaire werkmap (.xlsb): sla het op als .xlsx en probeer opnieuw.")
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as member:
                start = member.read(2048)
            if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                raise UnreadableFile(
                    f"{name} bevat XML-constructies die niet zijn toegestaan (entiteiten): het is geweigerd."
                )


def _scan_sheet_xml(archive, member_name):
    """Last row number in the sheet XML and formula cells without a value, streaming.

    Python's zipfile raises if the data is larger than the declared size, so a
    forged header cannot make this read more than the limit we checked.
    """
    last_row = 0
    formulas = set()
    pending = b""
    with archive.open(member_name) as member:
        while True:
            chunk = member.read(_CHUNK)
            data = pending + chunk
            # Scan whole <row> elements only; the unfinished one waits for the next chunk.
            cut = data.rfind(b"</row>") + len(b"</row>") if chunk else len(data)
            if cut < len(b"</row>"):
                cut = 0
            part, pending = data[:cut], data[cut:]
            if part:
                rows = _ROW_TAG.findall(part, max(0, len(part) - 65536)) or _ROW_TAG.findall(part)
                if rows:
                    last_row = max(last_row, int(rows[-1]))
                if b"<f" in part:
                    for column, row in _FORMULA_WITHOUT_VALUE.findall(part):
                        formulas.add((int(row) - 1, _column_index(column.decode())))
            if not chunk:
                break
    return last_row, formulas


def _column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _sheet_members(archive):
    """Sheet name -> XML member, from workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {
        rid.decode(): target.decode()
        for rid, target in re.findall(rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
    }
    targets.update(
        {
            rid.decode(): target.decode()
            for target, rid in re.findall(rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
        }
    )
    members = {}
    for match in re.finditer(rb"<sheet\b[^>]*>", workbook):
        tag = match.group(0)
        sheet_name = re.search(rb'name="([^"]*)"', tag)
        rid = re.search(rb'r:id="([^"]*)"', tag) or re.search(rb'\bid="([^"]*)"', tag)
        if not sheet_name or not rid:
            continue
        target = targets.get(rid.group(1).decode(), "")
        target = target.lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        members[_xml_unescape(sheet_name.group(1).decode("utf-8"))] = target
    return members


def _xml_unescape(text):
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _read_xlsx(path, name):
    import python_calamine

    with _zip_errors(name):
        with zipfile.ZipFile(path) as archive:
            limits.check_archive(archive, name)
            _check_zip(archive, name)
            members = _sheet_members(archive)
            declared = limits.check_sheets(archive, members, name)  # before any parse
            mark = _mark(archive)
            heads = _texts_at_the_start(archive, members)

    # The XML scan (last row, formulas without a value: 0.3-0.4 s for 200k rows) runs on another thread while
    # calamine parses here without the GIL. Not the other way round: calamine's memory then belongs to this
    # thread, and a parse on a thread of its own left ~70 MB that the process never got back.
    scans = _SheetScans(path, name, members, declared)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet_names = workbook.sheet_names
    except Exception as error:  # calamine raises its own error types for every kind of damage
        raise UnreadableFile(_unreadable(name, error)) from error

    def loader(sheet_name):
        def load():
            try:
                return workbook.get_sheet_by_name(sheet_name)
            except Exception as error:
                raise UnreadableFile(_unreadable(name, error)) from error

        return load

    return [RawSheet(sheet_name, loader=loader(sheet_name), scans=scans, mark=mark,
                     first_texts=heads.get(sheet_name, ())) for sheet_name in sheet_names]


_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]{1,200})</t>")
HEAD_BYTES = 16 * 1024


def _texts_at_the_start(archive, members):
    """Sheet name -> the texts near the start of its XML (inline, and the workbook's first shared strings):
    its header among them, before the sheet is parsed (prefetch.py guesses its type from them)."""
    shared = ()
    if "xl/sharedStrings.xml" in archive.NameToInfo:
        with archive.open("xl/sharedStrings.xml") as member:
            shared = _TEXT.findall(member.read(HEAD_BYTES))
    heads = {}
    for sheet, member_name in members.items():
        if member_name in archive.NameToInfo:
            with archive.open(member_name) as member:
                heads[sheet] = tuple(_xml_unescape(text.decode("utf-8", "replace"))
                                     for text in [*_TEXT.findall(member.read(HEAD_BYTES)), *shared])
    return heads


_MARK = re.compile(
    rb'<property\b[^>]*\bname="' + re.escape(MARK_PROPERTY.encode()) + rb'"[^>]*>\s*<(?:\w+:)?lpwstr>([^<]{0,40})<'
)


def _mark(archive):
    """This app's mark in the workbook's custom document properties (exporting.mark_workbook), or ""."""
    info = archive.NameToInfo.get("docProps/custom.xml")
    if info is None or info.file_size > 1024 * 1024:
        return ""
    found = _MARK.search(archive.read(info))
    return found.group(1).decode("utf-8", "replace").strip() if found else ""


class _SheetScans:
    """The XML scans of a workbook's sheets, made on a thread of their own; asked for, they are waited for."""

    def __init__(self, path, name, members, declared):
        self.name = name
        self.declared = declared  # sheet name -> limits.Extent its XML declares
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-scan")
        self.future = executor.submit(self._scan_all, path, members)
        executor.shutdown(wait=False)

    def _scan_all(self, path, members):
        with _zip_errors(self.name):
            with zipfile.ZipFile(path) as archive:
                return {
                    sheet: _scan_sheet_xml(archive, member)
                    for sheet, member in members.items()
                    if member in archive.NameToInfo
                }

    def wait(self):
        """Until every sheet is scanned (the scan's own errors are for the sheet's check to raise)."""
        concurrent.futures.wait([self.future])

    def of(self, sheet_name):
        return self.future.result().get(sheet_name, (0, set()))

    def check(self, sheet_name, sheet):
        """Refuse a sheet over the row limit, or whose cells reach beyond the area its XML declared (limits.py:
        the limits were checked against that area; calamine's own extent shows a lie, at no cost)."""
        limit = settings.IMPORT_MAX_ROWS_PER_SHEET
        if self.of(sheet_name)[0] > limit + limits.ROWS_ABOVE_DATA:
            raise UnreadableFile(
                f"Blad '{sheet_name}' van {self.name} heeft meer dan {limits.dutch(limit)} rijen: splits het bestand."
            )
        declared = self.declared.get(sheet_name)
        if declared and sheet.end and (sheet.end[0] >= declared.rows or sheet.end[1] >= declared.columns):
            raise UnreadableFile(
                f"Blad '{sheet_name}' van {self.name} heeft cellen buiten het gebied dat het bestand zelf opgeeft "
                f"(tot {limits.column_letters(declared.columns)}{declared.rows}): het is geweigerd."
            )


@contextlib.contextmanager
def _zip_errors(name):
    try:
        yield
    except zipfile.BadZipFile as error:
        raise UnreadableFile(f"{name} is beschadigd (geen geldige .xlsx): exporteer het opnieuw.") from error
    except (KeyError, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise UnreadableFile(f"{name} is beschadigd of onvolledig: exporteer het opnieuw.") from error


def _unreadable(name, error):
    return f"{name} kan niet worden gelezen ({_short(error)}): sla het opnieuw op als .xlsx."


def _short(error):
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:120]


def _decode(data, name):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(f"{name} heeft een onbekende tekenset: sla het op als CSV UTF-8.")


def _read_csv(path, name):
    """The text is kept and parsed again on every pass over the rows: a list of every row would take ~6× the
    file's size in memory. One pass here counts the rows and finds what the csv module refuses."""
    text = _decode(path.read_bytes(), name)
    if not text.strip():
        raise UnreadableFile(f"{name} is leeg: exporteer het bestand opnieuw.")
    delimiter = detect_delimiter(text)
    limits.check_csv(text, delimiter, name)

    def reader():
        return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)

    try:
        counted = sum(1 for _row in reader())
    except csv.Error as error:
        raise UnreadableFile(f"{name} is geen geldig CSV-bestand ({error}): exporteer het opnieuw.") from error
    if counted > settings.IMPORT_MAX_ROWS_PER_SHEET + 20:
        raise UnreadableFile(f"{name} heeft meer dan {limits.dutch(settings.IMPORT_MAX_ROWS_PER_SHEET)} rijen: "
                             "splits het bestand.")
    return RawSheet(Path(name).stem[:100] or "CSV", reader=reader, counted_rows=counted)


def detect_delimiter(text):
    """`;`, `,` or tab: the one that splits the first lines into the most, most consistent columns."""
    lines = [line for line in text[:65536].splitlines()[:25] if line.strip()]
    best, best_score = ";", -1
    for delimiter in (";", "\t", ","):
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        widest = max(counts)
        score = widest * 10 + sum(1 for count in counts if count == widest) if widest > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best
