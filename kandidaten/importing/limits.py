"""Limits: refuse a workbook that would take too much memory or time to read, before it is parsed.

python-calamine reads a sheet into one dense rectangle: every cell between the first and the last used one
costs memory, filled or not (a 1 KB file with a cell in A1 and one in ZZ200000 took 4.3 GB and 36 s), and a
cell that refers to a shared string gets its own copy of the text. What is checked, from the zip directory
and the first kilobytes of the XML parts only:

- the zip: entry count, total unpacked size, and how far each part unpacks (a ratio over
  IMPORT_MAX_COMPRESSION_RATIO is a zip bomb: real exports unpack 3-12×);
- each sheet: its used rectangle (rows × columns) from the `<dimension>` the writer declares, against
  IMPORT_MAX_CELLS_PER_SHEET and IMPORT_MAX_ROWS_PER_SHEET. A small sheet, one without a dimension and one
  with more XML than its dimension could hold are scanned first (the rectangle of the cells themselves);
  a big one is held to its dimension once calamine has read it (read._SheetScans.check), so a lying
  dimension is refused too — after the parse, which is the one gap: see docs/importing.md;
- the shared strings: how much text their references can copy, at most.

The defaults are derived from the largest real export (docs/importing.md): 500,000 rows (the row limit) of
the widest export that gets that long (modules, 9 columns): 4,500,000 cells, read, planned and applied
within 600 MB (measured: first import 522 MB, unchanged re-import 571 MB).
"""

import re
from dataclasses import dataclass

from django.conf import settings

from .errors import UnreadableFile

MAX_ZIP_ENTRIES = 10_000
ROWS_ABOVE_DATA = 20  # title rows and the header, which the limits leave out (detect.HEADER_SEARCH_ROWS)
RATIO_FROM_BYTES = 1024 * 1024  # smaller parts are never a bomb, whatever their ratio
SCAN_BELOW_BYTES = 16 * 1024 * 1024  # a sheet this small is scanned before parsing (~30 ms)
BYTES_PER_CELL_AT_MOST = 400  # XML per declared cell; more means the dimension hides cells
SHARED_TEXT_PER_CELL = 40  # bytes of shared-string text a cell may copy on average
_CHUNK = 4 * 1024 * 1024
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
_CELL_REF = re.compile(rb' r="([A-Z]{1,3})(\d{1,10})"')
_ROW_TAG = re.compile(rb"<row\b")
_SHARED_REF = re.compile(rb't="s"[^>]*>\s*<v>(\d+)</v>')


@dataclass(frozen=True)
class Extent:
    """The used rectangle of a sheet: its last row and column (1-based)."""

    rows: int
    columns: int

    @property
    def cells(self):
        return self.rows * self.columns

    @property
    def data_cells(self):
        """The cells below the title and header rows (up to 20, as the row limit allows): what the limit counts."""
        return max(self.rows - ROWS_ABOVE_DATA, 0) * self.columns


def column_number(letters):
    number = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number):
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_sheets(archive, members, name):
    """Refuse a sheet that would not fit; returns {sheet name: declared Extent} for the check while parsing."""
    declared = {}
    for sheet, member in members.items():
        info = archive.NameToInfo.get(member)
        if info is not None:
            declared[sheet] = _sheet_extent(archive, info, sheet, name)
    _check_shared_strings(archive, members, sum(extent.cells for extent in declared.values()), name)
    return declared


def check_archive(archive, name):
    """Refuse a zip that holds too many parts or unpacks too far."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnreadableFile(f"{name} bevat verdacht veel onderdelen ({len(entries)}): het is geweigerd.")
    total = sum(entry.file_size for entry in entries)
    if total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            f"{name} is uitgepakt groter dan {settings.IMPORT_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB "
            "(mogelijk een zip-bom): het is geweigerd."
        )
    limit = settings.IMPORT_MAX_COMPRESSION_RATIO
    for entry in entries:
        if entry.file_size > RATIO_FROM_BYTES and entry.file_size > limit * max(entry.compress_size, 1):
            raise UnreadableFile(
                f"{name} pakt {entry.file_size // max(entry.compress_size, 1)} keer zo groot uit als het is "
                f"(meer dan {limit}×: een zip-bom, geen export): het is geweigerd."
            )


def _sheet_extent(archive, info, sheet, name):
    """The declared rectangle, checked; a sheet that cannot be trusted by it is scanned first."""
    with archive.open(info) as member:
        head = member.read(64 * 1024)
    found = _DIMENSION.search(head)
    declared = _extent_of_dimension(found) if found else None
    trusted = (declared is not None and info.file_size >= SCAN_BELOW_BYTES
               and info.file_size <= declared.cells * BYTES_PER_CELL_AT_MOST + RATIO_FROM_BYTES)
    _refuse_if_too_big(declared or Extent(0, 0), sheet, name)
    if not trusted:
        scanned = scan_extent(archive, info)
        _refuse_if_too_big(scanned, sheet, name)
        declared = Extent(max(scanned.rows, declared.rows if declared else 0),
                          max(scanned.columns, declared.columns if declared else 0))
    return declared


def _extent_of_dimension(found):
    first_col, first_row, last_col, last_row = found.groups()
    last_col, last_row = (last_col, last_row) if last_col else (first_col, first_row)
    return Extent(int(last_row or 1), column_number(last_col or b"A"))


def _refuse_if_too_big(extent, sheet, name):
    rows_limit, cells_limit = settings.IMPORT_MAX_ROWS_PER_SHEET, settings.IMPORT_MAX_CELLS_PER_SHEET
    if extent.rows > rows_limit + ROWS_ABOVE_DATA:
        raise UnreadableFile(
            f"Blad '{sheet}' van {name} heeft meer dan {dutch(rows_limit)} rijen: splits het bestand."
        )
    if extent.data_cells > cells_limit:
        raise UnreadableFile(
            f"Blad '{sheet}' van {name} beslaat {dutch(extent.rows)} rijen tot kolom "
            f"{column_letters(extent.columns)} ({dutch(extent.cells)} cellen, meer dan {dutch(cells_limit)}): "
            "verwijder lege of overbodige kolommen en losse cellen rechts of onder de gegevens, of splits het bestand."
        )


def dutch(number):
    return f"{number:,}".replace(",", ".")


def scan_extent(archive, info):
    """The rectangle the cells of a sheet span, as calamine will build it: the furthest cell reference; a row
    or cell without a reference takes the next place, so rows and cells are counted too."""
    rows = columns = row_tags = widest = 0
    pending = b""
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            data = pending + chunk
            cut = data.rfind(b">") + 1  # whole tags only; the rest waits for the next chunk
            part, pending = spaced(data[:cut]), data[cut:]
            row_tags += len(_ROW_TAG.findall(part))
            references = _CELL_REF.findall(part)
            if references:
                letters, numbers = zip(*references, strict=True)
                rows = max(rows, max(map(int, numbers)))
                longest = max(map(len, letters))
                columns = max(columns, column_number(max(name for name in letters if len(name) == longest)))
            if len(references) < _cell_count(part):  # cells without a reference: the widest row counts
                widest = max(widest, max(map(_cell_count, part.split(b"</row>"))))
    return Extent(max(rows, row_tags), max(columns, widest))


_WHITESPACE = bytes.maketrans(b"\t\n\r", b"   ")


def spaced(xml):
    """`xml` with tabs and line breaks between attributes as spaces, so ` r="` finds every reference (writers
    use spaces; a translation only when needed: a whitespace class made the search six times slower)."""
    if b'\tr="' in xml or b'\nr="' in xml or b'\rr="' in xml:
        return xml.translate(_WHITESPACE)
    return xml


def _cell_count(xml):
    return xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>")


def _check_shared_strings(archive, members, cells, name):
    """The text the shared-string references can copy. A cell refers to one string at most; so at most every
    distinct string once, and each further cell the longest. Over the budget, the references are counted."""
    info = archive.NameToInfo.get("xl/sharedStrings.xml")
    if info is None:
        return
    lengths = _shared_string_lengths(archive, info)
    budget = settings.IMPORT_MAX_CELLS_PER_SHEET * SHARED_TEXT_PER_CELL
    if info.file_size + max(cells - len(lengths), 0) * max(lengths, default=0) <= budget:
        return
    for sheet, member in members.items():
        if member in archive.NameToInfo and _copied_text(archive, archive.NameToInfo[member], lengths) > budget:
            raise UnreadableFile(
                f"Blad '{sheet}' van {name} herhaalt lange gedeelde teksten zo vaak dat het lezen ervan te veel "
                "geheugen kost: het is geweigerd."
            )


def _shared_string_lengths(archive, info):
    """The length in bytes (an upper bound of its text) of each shared string, in order."""
    lengths = []
    pending = b""
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            data = pending + chunk
            starts = [found.start() for found in re.finditer(rb"<si[ >]", data)]
            for first, second in zip(starts, starts[1:], strict=False):
                lengths.append(second - first)
            pending = data[starts[-1]:] if starts else data
    if pending.startswith(b"<si"):
        lengths.append(len(pending))
    return lengths


def check_csv(text, delimiter, name):
    """Rows and cells of a CSV text, counted before it is parsed (a quoted delimiter counts too: an upper bound)."""
    rows = text.count("\n") + 1
    cells = text.count(delimiter) + rows
    if cells > settings.IMPORT_MAX_CELLS_PER_SHEET:
        raise UnreadableFile(
            f"{name} heeft meer dan {dutch(settings.IMPORT_MAX_CELLS_PER_SHEET)} cellen ({dutch(rows)} regels): "
            "verwijder overbodige kolommen of splits het bestand."
        )


def _copied_text(archive, info, lengths):
    total = 0
    pending = b""
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            data = pending + chunk
            cut = data.rfind(b"</c>") + 4 if b"</c>" in data else 0
            part, pending = data[:cut], data[cut:]
            for index in _SHARED_REF.findall(part):
                position = int(index)
                total += lengths[position] if position < len(lengths) else 0
    return total


