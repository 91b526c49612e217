"""The error workbook: every row error with the original row beside it, one sheet per source sheet."""

import json
import tempfile

from kandidaten.exporting import MARK_ERRORBOOK, mark_workbook, neutralise

# The columns in front of the original row; the importer knows an error workbook by them (importing.origin).
LEAD_COLUMNS = ("Excel-rij", "Kolom", "Waarde", "Melding")


def load_errors(path):
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def write_errorbook(payload):
    """A temporary file with the workbook; returns (file, number of error rows)."""
    import xlsxwriter

    spool = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(spool, {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_numbers": False, "strings_to_urls": False})
    mark_workbook(workbook, MARK_ERRORBOOK)
    bold = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    count = 0
    used_names = set()
    for sheet in payload:
        name = _sheet_name(sheet["sheet"], used_names)
        worksheet = workbook.add_worksheet(name)
        original = ["" if cell is None else str(cell) for cell in sheet["header"]]
        header = [*LEAD_COLUMNS, *original]
        for col, title in enumerate(header):
            worksheet.write_string(0, col, neutralise(title), bold)
        worksheet.freeze_panes(1, 4)
        worksheet.set_column(0, 0, 9)
        worksheet.set_column(1, 2, 18)
        worksheet.set_column(3, 3, 50)
        row_index = 1
        for message in sheet.get("sheet_errors", []):
            worksheet.write_string(row_index, 3, neutralise(message))
            row_index += 1
        for excel_row, column, value, message, values in sheet["errors"]:
            worksheet.write_number(row_index, 0, excel_row)
            worksheet.write_string(row_index, 1, neutralise(str(column)))
            worksheet.write_string(row_index, 2, neutralise(str(value)))
            worksheet.write_string(row_index, 3, neutralise(message))
            for offset, cell in enumerate(values):
                if cell is None or cell == "":
                    continue
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    worksheet.write_number(row_index, len(LEAD_COLUMNS) + offset, cell)
                else:
                    worksheet.write_string(row_index, len(LEAD_COLUMNS) + offset, neutralise(str(cell)))
            row_index += 1
            count += 1
        worksheet.autofilter(0, 0, max(row_index - 1, 1), len(header) - 1)
    workbook.close()
    spool.seek(0)
    return spool, count


def _sheet_name(name, used):
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name))[:28] or "Blad"
    candidate, number = clean, 2
    while candidate.casefold() in used:
        candidate = f"{clean[:25]} ({number})"
        number += 1
    used.add(candidate.casefold())
    return candidate
