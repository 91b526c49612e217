"""Import figures of issues #3 and #14, each beside its floor measured in the same run (docs/performance.md)."""

import json
import os
import sqlite3
import subprocess
import sys

from bench import data
from bench.measure import ROOT, Row, run_child
from kandidaten.importing import import_file  # loaded before the clock starts (bench.child), as in a server

SECTION = "import"


def raw_parse(path):
    """The floor's first half: the fastest raw read of every cell (python-calamine)."""
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(path)
    count = 0
    for name in workbook.sheet_names:
        for _row in workbook.get_sheet_by_name(name).iter_rows():
            count += 1
    return count


def floor_upsert(path, db_path):
    """Raw parse + the same rows upserted with the DB driver's executemany (no Django, no checks)."""
    import python_calamine

    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    rows = list(sheet.iter_rows())
    header_index = next(i for i, row in enumerate(rows[:20]) if "Pers. nr." in row)
    width = len(rows[header_index])
    connection = sqlite3.connect(db_path)
    columns = ", ".join(f"c{i}" for i in range(width))
    connection.execute(f"CREATE TABLE IF NOT EXISTS floor (sleutel TEXT PRIMARY KEY, {columns})")
    placeholders = ", ".join("?" * (width + 1))
    updates = ", ".join(f"c{i} = excluded.c{i}" for i in range(width))
    with connection:
        connection.executemany(
            f"INSERT INTO floor VALUES ({placeholders}) ON CONFLICT (sleutel) DO UPDATE SET {updates}",
            ([str(row[1]), *map(str, row)] for row in rows[header_index + 1:]),
        )
    connection.close()
    return len(rows) - header_index - 1


def our_import(path):
    outcome = import_file(path, original_name=os.path.basename(path), skip_invalid=True, confirm_mass_gone=True)
    assert outcome.status == "applied", outcome.message
    return {s["type"]: s["rows"] for s in outcome.sheets}


REPEAT = 3  # rounds of floors and ours; the median ratio counts (the machine is shared)


def run(ctx):
    rows = []
    for label, path in (("200k kandidaten, rommelig", data.messy_kandidaten_xlsx()),
                        ("200k kandidaten", data.big_kandidaten_xlsx())):
        figures, db = _first_and_again(label, path)
        rows.extend(figures)
    # The items of those clients, into the database the last run left them in.
    items = data.big_items_xlsx()
    items_run = run_child("bench.import_bench:our_import", items, env={"DATABASE_URL": f"sqlite:///{db}"})
    item_rows = sum(items_run.result.values())
    rows.append(Row(SECTION, f"import items-werkmap ({item_rows:,} rijen)".replace(",", "."), item_rows /
                    items_run.seconds, "rijen/s"))
    rows.append(Row(SECTION, "import items-werkmap: piekgeheugen", items_run.peak_rss_mb, "MB", None, "",
                    "≤ 600 MB", items_run.peak_rss_mb <= 600))
    rows.extend(writers_during_import())
    rows.extend(run_comparison())
    return rows


def _first_and_again(label, path):
    """First import against parse + upsert, and the unchanged re-import against the raw parse.

    The machine is shared: each round measures the floors and ours one after the other, so a busy moment
    weighs on both, and the round with the median ratio is reported. Returns the figures and the database
    of the last round."""
    rounds = []
    floor_db = data.DATA_DIR / "floor.sqlite3"
    for _ in range(REPEAT):
        parse = run_child("bench.import_bench:raw_parse", path)
        floor_db.unlink(missing_ok=True)
        upsert = run_child("bench.import_bench:floor_upsert", path, floor_db)
        # floor_upsert parses too: its own time is parse + write.
        floor = parse.seconds + max(upsert.seconds - parse.seconds, 0.0)
        db = data.migrated_database("import.sqlite3")
        env = {"DATABASE_URL": f"sqlite:///{db}", "DJANGO_DEBUG": "1"}
        first = run_child("bench.import_bench:our_import", path, env=env)
        again = run_child("bench.import_bench:our_import", path, env=env)
        rounds.append((parse, floor, first, again))
    by_first = sorted(rounds, key=lambda one: one[2].seconds / one[1])[len(rounds) // 2]
    by_again = sorted(rounds, key=lambda one: one[3].seconds / one[0].seconds)[len(rounds) // 2]
    peak = max(one[2].peak_rss_mb for one in rounds)
    return _rows(label, by_first, by_again, peak), db


def _rows(label, by_first, by_again, peak):
    _parse, floor, first, _again = by_first
    parse, _floor, _first, again = by_again
    n = sum(first.result.values())
    return [
        Row(SECTION, f"eerste import {label}", first.seconds, "s", floor, "parse + executemany-upsert",
            "≤ 2,0× vloer", first.seconds <= 2.0 * floor),
        Row(SECTION, f"eerste import {label}: piekgeheugen", peak, "MB", None, "", "≤ 400 MB", peak <= 400),
        Row(SECTION, f"eerste import {label}: snelheid", n / first.seconds, "rijen/s"),
        Row(SECTION, f"herimport ongewijzigd bestand, {label}", again.seconds, "s", parse.seconds, "ruwe parse",
            "≤ 1,5× vloer", again.seconds <= 1.5 * parse.seconds),
    ]


def writers_during_import(rows=100_000):
    """On SQLite, while a 100k-row import plans and applies: the longest wait of a page that writes and a login."""
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    finished = subprocess.run([sys.executable, "-m", "bench.writers_during_import", str(rows)], cwd=ROOT,
                              env=environment, capture_output=True, text=True, check=True)
    measured = json.loads(finished.stdout.strip().splitlines()[-1])
    result = []
    for kind, label in (("kandidaatpagina", "kandidaatpagina (auditregel)"), ("inloggen", "inloggen")):
        seconds = [request["seconds"] for request in measured["requests"] if request["request"] == kind]
        result.append(Row(SECTION, f"tijdens import 100k (SQLite): {label}, langste van {len(seconds)}",
                          max(seconds), "s", None, "", "≤ 2 s", max(seconds) <= 2.0))
    for phase, label in (("plannen", "plannen, zonder schrijfslot"), ("schrijven", "schrijven, met schrijfslot")):
        started, ended = measured["phases"][phase][-1]
        result.append(Row(SECTION, f"import 100k (SQLite): {label}", ended - started, "s"))
    return result


IEX_COLUMNS = ["Bet. gemeente", "Pers. nr.", "Naam", "Doelgroep", "Sonar - Participatieladder",
               "Sonar - DV Laatste Soort", "Begeleider Compas"]


def write_slice(source, target, count=20_000):
    """The first `count` clients of the big file, header in row 1 (what tablib expects), Pers. nr. as text."""
    import python_calamine
    import xlsxwriter

    rows = python_calamine.CalamineWorkbook.from_path(source).get_sheet_by_index(0).to_python()
    header_index = next(i for i, row in enumerate(rows[:20]) if "Pers. nr." in row)
    header = rows[header_index]
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Kandidaten")
    for col, title in enumerate(header):
        sheet.write_string(0, col, title)
    for r, row in enumerate(rows[header_index + 1:header_index + 1 + count], start=1):
        for col, value in enumerate(row):
            if isinstance(value, float) and value.is_integer():
                value = str(int(value))
            sheet.write_string(r, col, str(value))
    workbook.close()
    return count


def iex_import(path):
    """django-import-export 4.4: a plain ModelResource with its documented bulk settings."""
    import tablib
    from import_export import fields, resources, widgets

    from kandidaten.models import Gemeente, Kandidaat

    class KandidaatResource(resources.ModelResource):
        gemeente = fields.Field("gemeente", "Bet. gemeente", widgets.ForeignKeyWidget(Gemeente, "naam"))
        pers_nr_sleutel = fields.Field("pers_nr_sleutel", "Pers. nr.")
        pers_nr = fields.Field("pers_nr", "Pers. nr.")
        naam = fields.Field("naam", "Naam")
        doelgroep = fields.Field("doelgroep", "Doelgroep")
        participatieladder = fields.Field("participatieladder", "Sonar - Participatieladder")
        dv_laatste_soort = fields.Field("dv_laatste_soort", "Sonar - DV Laatste Soort")
        begeleider = fields.Field("begeleider", "Begeleider Compas")

        class Meta:
            model = Kandidaat
            import_id_fields = ("pers_nr_sleutel",)
            fields = ("gemeente", "pers_nr_sleutel", "pers_nr", "naam", "doelgroep", "participatieladder",
                      "dv_laatste_soort", "begeleider")
            use_bulk = True
            batch_size = 1000
            skip_unchanged = True

    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx")
    result = KandidaatResource().import_data(dataset, dry_run=False, raise_errors=True)
    return result.totals.get("new", 0) + result.totals.get("update", 0)


def run_comparison():
    kandidaten = data.big_kandidaten_xlsx()
    slice_path = data.DATA_DIR / "kandidaten-20000.xlsx"
    if not slice_path.exists():
        write_slice(str(kandidaten), str(slice_path))
    ours_db = data.migrated_database("iex-ours.sqlite3")
    theirs_db = data.migrated_database("iex-theirs.sqlite3")
    ours = run_child("bench.import_bench:our_import", slice_path, env={"DATABASE_URL": f"sqlite:///{ours_db}"})
    theirs = run_child("bench.import_bench:iex_import", slice_path, env={"DATABASE_URL": f"sqlite:///{theirs_db}"})
    ours_rate = sum(ours.result.values()) / ours.seconds
    theirs_rate = theirs.result / theirs.seconds
    return [
        Row(SECTION, "django-import-export 4.4 op 20k rijen", theirs_rate, "rijen/s"),
        Row(SECTION, "onze import op dezelfde 20k rijen", ours_rate, "rijen/s", theirs_rate,
            "django-import-export", "≥ 20× vloer", ours_rate >= 20 * theirs_rate),
    ]
