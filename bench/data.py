"""Benchmark data: the national demo scale in the bench database, and big export files, made once."""

import datetime
import os
import random
import subprocess
import sys

from bench.measure import DATA_DIR, ROOT


def ensure_national():
    """Load ~250,000 clients and ~1,000,000 items into the bench database (once; later calls are quick)."""
    from django.core.management import call_command

    from kandidaten.models import Kandidaat

    call_command("migrate", verbosity=0)
    if Kandidaat.objects.count() >= 200_000:
        return
    print("   nationale demodata laden (eenmalig, enkele minuten)…", file=sys.stderr, flush=True)
    call_command("demodata", "--scale", "national", "--force", "--seed", "2025", stdout=open(os.devnull, "w"))


def migrated_database(name):
    """A fresh, migrated SQLite file for one measurement (copied from a migrated template)."""
    import shutil

    template = DATA_DIR / "template.sqlite3"
    # Migrated every time (a no-op when up to date): a template from before a new migration would measure
    # yesterday's indexes.
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{template}", DJANGO_DEBUG="1")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    target = DATA_DIR / name
    for suffix in ("", "-wal", "-shm"):
        (DATA_DIR / f"{name}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, target)
    return target


def big_kandidaten_xlsx(rows=200_000):
    path = DATA_DIR / f"kandidaten-{rows}.xlsx"
    if not path.exists():
        from django.core.management import call_command

        from kandidaten.demo import generate

        call_command("migrate", verbosity=0)  # the generator reads the gemeenten from the reference data
        print(f"   {path.name} maken (eenmalig)…", file=sys.stderr, flush=True)
        demo = generate.national(7, datetime.date(2026, 11, 1), clients=rows)
        demo = generate.DemoSet(demo.kandidaten, [], [], [])
        written = generate.write_xlsx(demo, DATA_DIR / "tmp-k", datetime.date(2026, 11, 1))[0]
        written.rename(path)
    return path


def messy_kandidaten_xlsx(rows=200_000):
    """The client export of big_kandidaten_xlsx() as real exports look: three title rows (one with the
    peildatum), a third of the Pers. nrs. as number cells and the rest as text with a leading zero, gemeenten
    spelled in several forms (aliases, capitals, stray spaces), and noise: an empty row every 997 rows, the
    header again every 10,000 rows (a page break), a total row at the end."""
    path = DATA_DIR / f"kandidaten-rommelig-{rows}.xlsx"
    if path.exists():
        return path
    import python_calamine
    import xlsxwriter

    from kandidaten.models import GemeenteAlias

    source = python_calamine.CalamineWorkbook.from_path(big_kandidaten_xlsx(rows)).get_sheet_by_index(0).to_python()
    header_at = next(index for index, row in enumerate(source[:20]) if "Pers. nr." in row)
    header, clients = source[header_at], source[header_at + 1:]
    print(f"   {path.name} maken (eenmalig)…", file=sys.stderr, flush=True)
    spellings = _gemeente_spellings(GemeenteAlias.objects.values_list("gemeente__naam", "alias"))
    rng = random.Random(13)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Kandidaten")
    for line, title in enumerate(["Kandidaten bekend bij het werkbedrijf", "Peildatum: 01-11-2026"]):
        sheet.write_string(line, 0, title)
    row_number = 3
    for index, client in enumerate([header, *clients]):
        if index and index % 997 == 0:
            row_number += 1  # an empty row
        if index and index % 10_000 == 0:
            _write_cells(sheet, row_number, header)  # the header again, after a page break
            row_number += 1
        if index:
            client = _messy(client, index, spellings, rng)
        _write_cells(sheet, row_number, client)
        row_number += 1
    sheet.write_string(row_number, 0, f"Totaal: {len(clients)} kandidaten")
    workbook.close()
    return path


def _gemeente_spellings(aliases):
    spellings = {}
    for naam, alias in aliases:
        spellings.setdefault(naam, [naam]).append(alias)
    return spellings


def _messy(client, index, spellings, rng):
    client = list(client)
    pers_nr = str(client[1]).removesuffix(".0")
    client[1] = float(pers_nr) if index % 3 == 0 else "0" + pers_nr
    gemeente = str(client[0])
    choice = rng.random()
    if choice < 0.1:
        client[0] = gemeente.upper() + " "
    elif choice < 0.15:
        client[0] = " " + gemeente.lower()
    elif gemeente in spellings and choice < 0.6:
        client[0] = rng.choice(spellings[gemeente])
    return client


def _write_cells(sheet, row, cells):
    for column, cell in enumerate(cells):
        if isinstance(cell, float):
            sheet.write_number(row, column, cell)
        elif cell not in (None, ""):
            sheet.write_string(row, column, str(cell))


def big_items_xlsx(trajecten=300_000, modules=500_000, plaatsingen=200_000, clients=200_000):
    """One workbook with three sheets, for the clients of big_kandidaten_xlsx()."""
    path = DATA_DIR / f"items-{trajecten}-{modules}-{plaatsingen}.xlsx"
    if path.exists():
        return path
    import xlsxwriter

    from kandidaten.demo import generate

    print(f"   {path.name} maken (eenmalig, enkele minuten)…", file=sys.stderr, flush=True)
    rng = random.Random(11)
    today = datetime.date(2026, 11, 1)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    persons = [100000 + i for i in range(clients)]

    def sheet(name, header, count, make):
        worksheet = workbook.add_worksheet(name)
        for col, title in enumerate(header):
            worksheet.write_string(0, col, title)
        for r in range(1, count + 1):
            generate.write_row(worksheet, r, make(r), date_format)

    def dates():
        return generate._dates(rng, today, "item")

    def traject(r):
        start, signaal, einde = dates()
        return [rng.choice(persons), f"T{r}", rng.choice(generate.TRAJECTNAMEN), rng.choice(generate.UITVOERENDEN),
                start, signaal, einde]

    def module(r):
        start, signaal, einde = dates()
        return [rng.choice(persons), f"M{r}", f"T{rng.randint(1, trajecten)}", rng.choice(generate.MODULENAMEN),
                rng.choice(generate.UITVOERENDEN), start, signaal, einde, "J" if rng.random() < 0.05 else "N"]

    def plaatsing(r):
        start, signaal, einde = dates()
        return [rng.choice(persons), f"P{r}", rng.choice(generate.WERKGEVERS), "Medewerker",
                rng.choice(generate.UITVOERENDEN), start, signaal, einde]

    sheet("Trajecten", generate.TRAJECT_HEADER, trajecten, traject)
    sheet("Modules", generate.MODULE_HEADER, modules, module)
    sheet("Plaatsingen", generate.PLAATSING_HEADER, plaatsingen, plaatsing)
    workbook.close()
    return path
