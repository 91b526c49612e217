"""Kandidaten exports as real ones look, written with XlsxWriter (fast), and their import at a stand date."""

import csv
import datetime

import xlsxwriter

from kandidaten.importing import import_file
from kandidaten.models import Import

HEADER = [
    "Bet. gemeente", "Pers. nr.", "Naam", "Doelgroep", "DGR", "Sonar - Banenafspraken", "Sonar - Status",
    "Sonar - Klantprofiel", "Indicering", "Beschut werk",
]
TITEL = ["Kandidatenoverzicht Compas", "Export: alle kandidaten per gemeente"]


def klant(pers_nr, gemeente="Epe", *, doelgroep="Client PW", dgr="DGR", banenafspraak="J", status="Open",
          klantprofiel="N", indicering="", beschut=""):
    """One row in HEADER's order; counted in Sonar by default (a gemeente client without a profile)."""
    return [gemeente, pers_nr, f"Klant, {pers_nr}.", doelgroep, dgr, banenafspraak, status, klantprofiel, indicering,
            beschut]


def xlsx(path, rows, *, titel=TITEL, header=HEADER):
    """Title rows and an empty row above the header; numbers stay numbers (Pers. nr. 7974)."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Kandidaten")
    write_string, write_number = sheet.write_string, sheet.write_number
    r = 0
    for r, text in enumerate(titel):
        write_string(r, 0, text)
    r = len(titel) + 1
    for c, text in enumerate(header):
        write_string(r, c, text)
    for row in rows:
        r += 1
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                write_number(r, c, value)
            elif value:
                write_string(r, c, value)
    workbook.close()
    return path


def csv_export(path, rows, *, header=HEADER, encoding="cp1252"):
    """What Dutch Excel writes: `;`, Windows-1252."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def importeer(path, stand, **options):
    """Import `path` through the real importer as the export of `stand`; it must apply."""
    record = Import.objects.create(bestandsnaam=path.name, stand=stand, gebruikersnaam="test")
    options.setdefault("confirm_mass_gone", True)
    outcome = import_file(path, import_record=record, **options)
    assert outcome.status == "applied", outcome.message
    return outcome


def datum(text):
    return datetime.datetime.strptime(text, "%d-%m-%Y").date()
