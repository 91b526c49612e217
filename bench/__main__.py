"""Run every benchmark section and print one table.

    python -m bench               # all sections
    python -m bench import list   # only these sections

The benchmark database is a separate SQLite file in bench/.data (or
BENCH_DATABASE_URL), never the developer's db.sqlite3.
"""

import importlib
import os
import platform
import sys
import time

from bench.measure import DATA_DIR

SECTIONS = ["import_bench", "list_bench", "panel_bench", "team_bench", "transparantie_bench"]


def machine_description():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as handle:
            kib = int(handle.readline().split()[1])
            mem = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}"


def format_row(row):
    ratio = f"{row.ratio:.2f}×" if row.ratio is not None else ""
    floor = f"{row.floor:,.2f} ({row.floor_label})" if row.floor is not None else ""
    verdict = {True: "ok", False: "NIET GEHAALD", None: ""}[row.ok]
    value = f"{row.value:,.2f} {row.unit}"
    return f"| {row.section} | {row.figure} | {value} | {floor} | {ratio} | {row.target} | {verdict} |"


def main(argv):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    default_url = f"sqlite:///{DATA_DIR / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", default_url)
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per benchmark login between the sections
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    wanted = [f"{name}_bench" if not name.endswith("_bench") else name for name in argv] or SECTIONS
    rows = []
    started = time.perf_counter()
    for name in wanted:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            print(f"(sectie {name} bestaat nog niet)", file=sys.stderr)
            continue
        print(f"== {name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run({}))
    print(f"\nMachine: {machine_description()}; duur {time.perf_counter() - started:,.0f} s\n")
    print("| sectie | meting | waarde | vloer (zelfde run) | verhouding | doel | oordeel |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(format_row(row))
    return 1 if any(row.ok is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
