"""Build real export files for the importer tests."""

import csv
import io
import re
import zipfile

import openpyxl

KANDIDAAT_HEADER = [
    "Bet. gemeente", "Pers. nr.", "Naam", "Doelgroep", "DGR", "Sonar - Banenafspraken", "Sonar - Status",
    "Sonar - Klantprofiel", "Sonar - Participatieladder", "Begeleider Compas",
]


def kandidaat_row(pers_nr, gemeente="Epe", klantprofiel="N", **overrides):
    row = {
        "Bet. gemeente": gemeente, "Pers. nr.": pers_nr, "Naam": f"Jansen, {pers_nr}.", "Doelgroep": "Client PW",
        "DGR": "DGR", "Sonar - Banenafspraken": "J", "Sonar - Status": "Open", "Sonar - Klantprofiel": klantprofiel,
        "Sonar - Participatieladder": "04 met groeipotentieel", "Begeleider Compas": "A. de Vries",
    }
    row.update(overrides)
    return [row[h] for h in KANDIDAAT_HEADER]


def xlsx(path, sheets, title_rows=0):
    """sheets: {name: [header, *rows]}; optional title rows above the header."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for index in range(title_rows):
            sheet.append([f"Titel {index + 1}"] if index == 0 else [])
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def kandidaten_xlsx(path, rows, **kwargs):
    return xlsx(path, {"Kandidaten": [KANDIDAAT_HEADER, *rows]}, **kwargs)


def csv_file(path, rows, delimiter=";", encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def rewrite_xlsx(source, target, transform):
    """Copy an xlsx, passing every (member name, bytes) through `transform`."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, transform(info.filename, zin.read(info.filename)))
    return target


def lying_dimension(source, target):
    def transform(name, data):
        if name.startswith("xl/worksheets/sheet"):
            return re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B2"', data)
        return data

    return rewrite_xlsx(source, target, transform)


def zip_bomb(target, size=8 * 1024 * 1024):
    """A small file that declares a huge uncompressed sheet."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b"<row>" + b"0" * (1024 * 1024) + b"</row>"
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(size // len(chunk) + 1):
                member.write(chunk)
    target.write_bytes(buffer.getvalue())
    return target


def pad_sheet(source, target, padding):
    """Copy an xlsx with `padding` (bytes) put inside its first sheet's XML, before </sheetData>."""
    def transform(name, data):
        if name.startswith("xl/worksheets/sheet1"):
            return data.replace(b"</sheetData>", padding + b"</sheetData>", 1)
        return data

    return rewrite_xlsx(source, target, transform)


def set_dimension(source, target, ref):
    """Copy an xlsx whose sheets declare `ref` as their dimension (what a lying writer could do)."""
    def transform(name, data):
        if name.startswith("xl/worksheets/sheet"):
            return re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="' + ref.encode() + b'"', data)
        return data

    return rewrite_xlsx(source, target, transform)
