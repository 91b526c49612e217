"""Realistic demo exports in the IMPORT.md formats (docs/demodata.md).

Werkbedrijf scale: the clients of Apeldoorn, Epe and Heerde, with exactly the
numbers UWV published for Q2 2025 counted in Sonar (2,303, 367 and 173), plus
clients outside the teldefinitie, written as .xlsx with a title row above the
header the way Compas exports look. National scale: ~250,000 clients over all
gemeenten and ~1,000,000 items, as CSV (for the benchmarks). The files go
through the real importer; nothing is written to the database directly.
"""

import csv
import datetime
import random
from dataclasses import dataclass
from pathlib import Path

from kandidaten.models import Gemeente

WERKBEDRIJF_COUNTED = {"Apeldoorn": 2303, "Epe": 367, "Heerde": 173}
# Clients outside UWV's teldefinitie (no DGR, box not ticked, or dienstverlening closed) per counted client.
OUTSIDE_PER_COUNTED = 1.2

DOELGROEPEN = [
    ("Client PW", 40), ("Partner PW", 5), ("NUG", 6), ("IOAW", 2), ("Wajong", 27), ("WIA", 8), ("WW", 7),
    ("WGA", 3), ("Overig", 2),
]
KLANTPROFIEL_CELLS = [("J", 46), ("N", 28), ("", 10), ("L", 4), ("O", 9), ("Ja", 1), ("nee", 2)]
LADDER_CELLS = [
    ("01 zonder groeipotentieel", 3), ("02 met groeipotentieel", 6), ("02 zonder groeipotentieel", 4),
    ("03 met groeipotentieel", 10), ("03 zonder groeipotentieel", 5), ("04 met groeipotentieel", 12),
    ("04 zonder groeipotentieel", 6), ("05 met groeipot...", 14), ("05 zonder groeipotentieel", 7), ("06", 10),
    ("=", 5), ("(Leeg)", 8), ("", 10),
]
DV_SOORTEN = ["Werkfit maken", "Naar werk", "Participatie", "Plaatsing met loonkostensubsidie", "Jobcoaching", ""]
ACHTERNAMEN = [
    "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel",
    "van der Veen", "van den Broek", "de Bruijn", "de Jong", "Willems", "Yilmaz", "El Amrani", "Öztürk", "Nguyen",
]
VOORLETTERS = "ABCDEFGHIJKLMNPRSTWY"
BEGELEIDERS = {
    "Apeldoorn": ["B. Bakker", "C. Jansen", "D. Hendriks", "E. Smit", "F. Mulder", "G. Kok", "H. de Graaf",
                  "Beleging 100%"],
    "Epe": ["A. de Vries", "J. Peters", "K. Brouwer", "Beleging 100%"],
    "Heerde": ["L. Visser", "M. Dekker", "Beleging 100%"],
}
UITVOERENDEN = ["Alrijde B", "Alrijde C", "Lucrato Leerwerk", "Werkfit Apeldoorn", "Jobcoach Team Noord",
                "Re-integratie Oost", "Detacheringsteam", "Participatieplein Epe", "Heerde Werkt"]
TRAJECTNAMEN = ["Werkfit", "Naar werk", "Participatie", "Leerwerktraject", "Beschut werk"]
MODULENAMEN = ["Sollicitatietraining", "Werkervaringsplaats", "Taal op de werkvloer", "Jobcoaching",
               "Arbeidsritme", "Digitale vaardigheden", "VCA-cursus"]
WERKGEVERS = ["Bouwbedrijf Veluwe", "Zorggroep Apeldoorn", "Hotel De Heerd", "Groenbeheer Oost",
              "Supermarkt Centrum", "Logistiek IJssel", "Gemeente Epe", "Schoonmaak Noord"]

KANDIDAAT_HEADER = [
    "Bet. gemeente", "Pers. nr.", "Naam", "Doelgroep", "DGR", "Sonar - Banenafspraken", "Sonar - Status",
    "Sonar - Klantprofiel", "Sonar - Participatieladder", "Sonar - DV Laatste Soort", "Begeleider Compas",
]
TRAJECT_HEADER = ["Pers. nr.", "Traject-ID", "Traject", "Uitvoerende", "Startdatum", "Signaaldatum", "Einddatum"]
MODULE_HEADER = ["Pers. nr.", "Module-ID", "Traject-ID", "Module", "Uitvoerende", "Startdatum", "Signaaldatum",
                 "Einddatum", "Opgeschort"]
PLAATSING_HEADER = ["Pers. nr.", "Plaatsing-ID", "Werkgever", "Functie", "Uitvoerende", "Startdatum",
                    "Signaaldatum", "Einddatum"]


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class DemoSet:
    kandidaten: list
    trajecten: list
    modules: list
    plaatsingen: list


def _kandidaat(rng, number, gemeente, counted, begeleiders):
    doelgroep = _weighted(rng, DOELGROEPEN)
    if counted:
        dgr, box, status = rng.choice(["DGR", "J", "Ja"]), "J", rng.choice(["Open", "Open", "OPEN"])
    else:
        reason = rng.random()
        dgr = "N" if reason < 0.45 else rng.choice(["DGR", "J"])
        box = "J" if reason < 0.45 or reason > 0.75 else rng.choice(["N", ""])
        status = "Gesloten" if reason > 0.75 else rng.choice(["Open", "", "Gesloten"])
        if dgr != "N" and box == "J" and status.lower() == "open":
            status = "Gesloten"
    name = f"{rng.choice(ACHTERNAMEN)}, {rng.choice(VOORLETTERS)}."
    pers_nr = f"{number:06d}" if rng.random() < 0.7 else number  # text with zeros, or a number cell
    return [
        gemeente, pers_nr, name, doelgroep, dgr, box, status, _weighted(rng, KLANTPROFIEL_CELLS),
        _weighted(rng, LADDER_CELLS), rng.choice(DV_SOORTEN), rng.choice(begeleiders),
    ]


def _dates(rng, today, kind):
    start = today - datetime.timedelta(days=rng.randint(-20, 700))
    signaal = None if rng.random() < 0.2 else today + datetime.timedelta(days=rng.randint(-60, 90))
    if rng.random() < 0.45:
        einde = None
    else:
        einde = start + datetime.timedelta(days=rng.randint(60, 540))
    if kind == "module" and einde is None and rng.random() < 0.5:
        einde = start + datetime.timedelta(days=rng.randint(20, 200))
    return start, signaal, einde


def _items(rng, persons, today, *, trajecten_per, modules_per_traject, plaatsingen_per, uitvoerenden):
    trajecten, modules, plaatsingen = [], [], []
    for pers_nr in persons:
        for _ in range(_count(rng, trajecten_per)):
            traject_id = f"T{len(trajecten) + 100001}"
            start, signaal, einde = _dates(rng, today, "traject")
            trajecten.append([pers_nr, traject_id, rng.choice(TRAJECTNAMEN), rng.choice(uitvoerenden), start,
                              signaal, einde])
            for _ in range(_count(rng, modules_per_traject)):
                m_start, m_signaal, m_einde = _dates(rng, today, "module")
                m_start = max(m_start, start)
                if m_einde is not None and m_einde < m_start:
                    m_einde = m_start + datetime.timedelta(days=30)
                modules.append([pers_nr, f"M{len(modules) + 200001}", traject_id, rng.choice(MODULENAMEN),
                                rng.choice(uitvoerenden), m_start, m_signaal, m_einde,
                                "J" if rng.random() < 0.06 else "N"])
        for _ in range(_count(rng, plaatsingen_per)):
            start, signaal, einde = _dates(rng, today, "plaatsing")
            plaatsingen.append([pers_nr, f"P{len(plaatsingen) + 300001}", rng.choice(WERKGEVERS),
                                rng.choice(["Medewerker productie", "Schoonmaker", "Magazijnmedewerker",
                                            "Groenvoorziener", "Administratief medewerker"]),
                                rng.choice(uitvoerenden), start, signaal, einde])
    return trajecten, modules, plaatsingen


def _count(rng, mean):
    """A small whole number with the given mean."""
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


def werkbedrijf(seed, today):
    rng = random.Random(seed)
    kandidaten = []
    number = 7000
    for gemeente, counted in WERKBEDRIJF_COUNTED.items():
        outside = int(counted * OUTSIDE_PER_COUNTED)
        flags = [True] * counted + [False] * outside
        rng.shuffle(flags)
        for is_counted in flags:
            number += rng.randint(1, 3)
            spelled = gemeente if rng.random() > 0.02 else gemeente.upper() + " "
            kandidaten.append(_kandidaat(rng, number, spelled, is_counted, BEGELEIDERS[gemeente]))
    persons = [row[1] for row in kandidaten]
    trajecten, modules, plaatsingen = _items(
        rng, persons, today, trajecten_per=0.6, modules_per_traject=1.3, plaatsingen_per=0.15,
        uitvoerenden=UITVOERENDEN,
    )
    return DemoSet(kandidaten, trajecten, modules, plaatsingen)


def national(seed, today, clients=250_000):
    rng = random.Random(seed)
    gemeenten = list(Gemeente.objects.exclude(regio=None).values_list("naam", flat=True))
    weights = [rng.paretovariate(1.2) for _ in gemeenten]
    begeleiders = [f"{rng.choice(VOORLETTERS)}. {name}" for name in ACHTERNAMEN] + ["Beleging 100%"]
    uitvoerenden = UITVOERENDEN + [f"Uitvoerder {i:03d}" for i in range(1, 200)]
    kandidaten = []
    for index, gemeente in enumerate(rng.choices(gemeenten, weights, k=clients)):
        kandidaten.append(_kandidaat(rng, 100000 + index, gemeente, rng.random() < 0.45, begeleiders))
    persons = [row[1] for row in kandidaten]
    trajecten, modules, plaatsingen = _items(
        # ~300k trajecten, ~495k modules (the default limit is 500,000 rows per sheet), ~200k plaatsingen.
        rng, persons, today, trajecten_per=1.2, modules_per_traject=1.65, plaatsingen_per=0.8,
        uitvoerenden=uitvoerenden,
    )
    return DemoSet(kandidaten, trajecten, modules, plaatsingen)


def test_scale(seed, today):
    rng = random.Random(seed)
    kandidaten = [
        _kandidaat(rng, 500 + i, gemeente, i % 2 == 0, BEGELEIDERS[gemeente])
        for i, gemeente in enumerate(["Apeldoorn", "Epe", "Heerde"] * 20)
    ]
    trajecten, modules, plaatsingen = _items(
        rng, [row[1] for row in kandidaten], today, trajecten_per=1, modules_per_traject=1, plaatsingen_per=0.5,
        uitvoerenden=UITVOERENDEN[:3],
    )
    return DemoSet(kandidaten, trajecten, modules, plaatsingen)


def write_xlsx(demo, folder, today):
    """One workbook per export, each with a title row and an empty row above the header (as Compas writes)."""
    import xlsxwriter

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, header, rows in _exports(demo):
        path = folder / f"{name}.xlsx"
        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                                   "strings_to_formulas": False, "strings_to_urls": False})
        sheet = workbook.add_worksheet(name.capitalize())
        date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
        sheet.write_string(0, 0, f"{name.capitalize()} bekend bij het werkbedrijf — export {today:%d-%m-%Y}")
        for col, title in enumerate(header):
            sheet.write_string(2, col, title)
        for r, row in enumerate(rows, start=3):
            write_row(sheet, r, row, date_format)
        workbook.close()
        paths.append(path)
    return paths


def write_row(sheet, r, row, date_format):
    """One row of an XlsxWriter sheet: dates as real dates, numbers as numbers, empty cells left out."""
    for col, value in enumerate(row):
        if value is None or value == "":
            continue
        if isinstance(value, datetime.date):
            sheet.write_datetime(r, col, datetime.datetime.combine(value, datetime.time()), date_format)
        elif isinstance(value, int):
            sheet.write_number(r, col, value)
        else:
            sheet.write_string(r, col, value)


def write_csv(demo, folder):
    """`;`-separated, dates as dd-mm-jjjj: what Dutch Excel writes."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, header, rows in _exports(demo):
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(header)
            for row in rows:
                writer.writerow([
                    value.strftime("%d-%m-%Y") if isinstance(value, datetime.date) else ("" if value is None else value)
                    for value in row
                ])
        paths.append(path)
    return paths


def _exports(demo):
    return [
        ("kandidaten", KANDIDAAT_HEADER, demo.kandidaten),
        ("trajecten", TRAJECT_HEADER, demo.trajecten),
        ("modules", MODULE_HEADER, demo.modules),
        ("plaatsingen", PLAATSING_HEADER, demo.plaatsingen),
    ]
