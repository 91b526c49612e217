"""Two versions of the national client export for the import during the load test (`python -m loadtest.variants A B`).

A is the national demo's own client export; B changes the klantprofiel of one row in ten. Importing A and B in
turn makes every import a heavy weekly one (~25,000 changed clients, each with its history).
"""

import csv
import datetime
import os
import random
import sys
import tempfile
from pathlib import Path

import django


def main(first, second):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from kandidaten.demo import generate

    demo = generate.national(2025, datetime.date.today())
    with tempfile.TemporaryDirectory() as scratch:
        written = generate.write_csv(generate.DemoSet(demo.kandidaten, [], [], []), Path(scratch))[0]
        text = written.read_text(encoding="utf-8-sig")
    Path(first).write_text(text, encoding="utf-8")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    header = rows[0]
    column = header.index("Sonar - Klantprofiel")
    rng = random.Random(9)
    for row in rows[1:]:
        if row and rng.random() < 0.1:
            row[column] = "J" if row[column] != "J" else "N"
    with open(second, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)


if __name__ == "__main__":
    main(*sys.argv[1:])
