"""Detect: which row is the header and which export type a sheet holds; which sheets of a file to import."""

from dataclasses import dataclass, field

from django.utils import timezone

from . import origin
from .errorbook import LEAD_COLUMNS
from .errors import UnreadableFile
from .result import SheetPlan
from .stand import stand_in_title
from .types import TYPES, header_key

HEADER_SEARCH_ROWS = 20


@dataclass
class Layout:
    export_type: object  # ExportType
    header_row: int  # 0-based index in the sheet's rows
    positions: dict  # Column -> 0-based column index in the sheet
    unknown_columns: list = field(default_factory=list)
    missing_required: list = field(default_factory=list)
    header_cells: list = field(default_factory=list)
    partial: bool = False  # the sheet holds some rows only (an error workbook): nothing goes "gone"
    title_stand: object = None  # the date its title rows give as the stand, if any (importing.stand)
    warnings: list = field(default_factory=list)  # what detection noticed, for the preview


def match_header(cells, export_type):
    """Column -> position for the columns of `export_type` found in `cells`.

    A column's own header wins over its aliases (an "Indicering" column over a "Klant van" beside it), then
    the first occurrence.
    """
    keys = [header_key(cell) for cell in cells]
    positions = {}
    used = set()
    for column in export_type.columns:
        for wanted in ({header_key(column.header)}, column.keys):
            index = next((i for i, key in enumerate(keys) if key and key in wanted and i not in used), None)
            if index is not None:
                positions[column] = index
                used.add(index)
                break
    unknown = [str(cells[i]).strip() for i, k in enumerate(keys) if k and i not in used]
    return positions, unknown


def detect(rows, forced_type=None):
    """The layout of a sheet, or None when no row in the first 20 looks like a header of any type.

    With `forced_type` only that type is tried, and a header row missing some required
    columns is still returned (with `missing_required`) so the preview can say which.
    """
    candidates = [TYPES[forced_type]] if forced_type else list(TYPES.values())
    best_partial = None
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not any(cell not in (None, "") for cell in cells):
            continue
        scored = []
        for export_type in candidates:
            positions, unknown = match_header(cells, export_type)
            missing = [c.header for c in export_type.required if c not in positions]
            if not missing:
                scored.append((len(positions), export_type, positions, unknown))
            elif len(missing) < len(export_type.required) and best_partial is None:
                best_partial = Layout(export_type, index, positions, unknown, missing, list(cells))
        if scored:
            # The type that recognises the most columns: a modules sheet also has a Traject-ID.
            _, export_type, positions, unknown = max(scored, key=lambda item: item[0])
            return Layout(export_type, index, positions, unknown, header_cells=list(cells))
    if forced_type:
        return best_partial
    return best_partial if best_partial and len(best_partial.positions) >= 2 else None


def detect_sheets(raw_sheets, forced_type, name):
    """([(raw sheet, Layout)] in the order types are applied, [SheetPlan of each sheet left out]).

    Refuses (UnreadableFile) a file this app exported; reads its error workbook as corrections (origin.py).
    One sheet per type: a second one of a type is left out. Each sheet is parsed here for its first rows
    and released again when the file has several, so only one sheet is in memory at a time.
    """
    layouts, ignored, types_seen = [], [], {}
    for raw in raw_sheets:
        layout = _layout(raw, forced_type, name)
        if len(raw_sheets) > 1:
            raw.release()  # parsed again when planned
        if layout is None:
            ignored.append(SheetPlan.ignored(raw.name, "genegeerd: geen kopregel van een export herkend"))
        elif layout.export_type.name in types_seen and not layout.missing_required:
            ignored.append(SheetPlan.ignored(
                raw.name, f"genegeerd: blad '{types_seen[layout.export_type.name]}' bevat al "
                          f"{layout.export_type.label}"))
        else:
            types_seen.setdefault(layout.export_type.name, raw.name)
            layouts.append((raw, layout))
    order = list(TYPES)
    layouts.sort(key=lambda pair: order.index(pair[1].export_type.name))
    return layouts, ignored


def _layout(raw, forced_type, name):
    head = raw.head()
    corrections = origin.is_errorbook(raw.mark, head)
    if corrections:
        raw.skip_columns = len(LEAD_COLUMNS)
        head = raw.head()
    layout = detect(head, forced_type)
    if not corrections and origin.is_our_export(raw.mark, layout):
        raise UnreadableFile(origin.REFUSAL.format(name=name))
    if layout is not None:
        layout.partial = corrections
        layout.title_stand, future = stand_in_title(head[:layout.header_row], timezone.localdate())
        layout.warnings += [f"De datum {day:%d-%m-%Y} in de titelregels ligt na vandaag: die is niet als stand "
                            "gebruikt." for day in future]
    return layout
