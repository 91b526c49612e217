"""Detect: which row is the header and which export type a sheet holds."""

from dataclasses import dataclass, field

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
