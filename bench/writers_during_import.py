"""While an import runs on SQLite, time the requests that write: a client page (its audit record) and a login.

    python -m bench.writers_during_import ROWS [--slow-planning SECONDS] [--quick-passwords]    # prints JSON

It makes a SQLite file of its own, migrated, with the app's settings (WAL, transactions that take the write
lock at BEGIN, a 30 s busy timeout) — the test suite's in-memory database locks per table instead, so a
test of this runs it as a child process (tests/importing/test_writers_during_import.py). `--slow-planning`
stretches the planning (a pause per chunk) to show what waits for what, whatever the machine's speed;
`--quick-passwords` hashes the login's password cheaply, so a login times the waiting, not the hashing.
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

PASSWORD = "een-lang-wachtwoord-2026"


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("--slow-planning", type=float, default=0.0)
    parser.add_argument("--quick-passwords", action="store_true")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'db.sqlite3'}"
        os.environ["DJANGO_DEBUG"] = "1"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.conf import settings

        settings.MEDIA_ROOT = folder
        if options.quick_passwords:
            settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        print(json.dumps(measure(options.rows, options.slow_planning, Path(folder))))


def measure(rows, slow_planning, folder):
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host name
    call_command("migrate", verbosity=0)
    user, kandidaat = _user_and_client()
    path = _kandidaten_file(folder / "kandidaten.xlsx", rows)
    phases, outcome = _watched_phases(slow_planning), {}
    importer = threading.Thread(target=_import, args=(path, outcome), name="import")
    requests = []
    importer.start()
    page = Client()
    page.force_login(user)
    while importer.is_alive():
        requests.append(_timed("kandidaatpagina", lambda: page.get(f"/kandidaten/{kandidaat.pk}/"), 200))
        requests.append(_timed("inloggen", lambda: Client().post(
            "/inloggen/", {"username": user.username, "password": PASSWORD}), 302))
        time.sleep(0.05)
    importer.join()
    return {"rows": rows, "import": outcome, "phases": phases, "requests": requests}


def _timed(name, request, expected_status):
    started = time.perf_counter()
    status = request().status_code
    return {"request": name, "started": started, "seconds": time.perf_counter() - started,
            "ok": status == expected_status}


def _import(path, outcome):
    from django.db import connection

    from kandidaten.importing import import_file

    result = import_file(path, original_name=path.name, skip_invalid=True)
    outcome.update(status=result.status, message=result.message)
    connection.close()


def _watched_phases(slow_planning):
    """Note when the import plans and when it writes; stretch the planning by `slow_planning` seconds."""
    from kandidaten.importing import pipeline, plan

    phases = {}
    original_plan, original_write, original_settle = pipeline.ImportRun.plan, pipeline.write_plans, (
        plan.SheetPlanner._settle)

    def noted(name, function):
        def call(*args, **kwargs):
            phases.setdefault(name, []).append([time.perf_counter(), None])
            try:
                return function(*args, **kwargs)
            finally:
                phases[name][-1][1] = time.perf_counter()
        return call

    def slow_settle(self, *args):  # once per chunk: the pauses add up to `slow_planning`
        data_rows = self.raw_sheet.size_hint - self.layout.header_row - 1
        time.sleep(slow_planning / max(1, -(-data_rows // plan.CHUNK_ROWS)))
        return original_settle(self, *args)

    pipeline.ImportRun.plan = noted("plannen", original_plan)
    pipeline.write_plans = noted("schrijven", original_write)
    if slow_planning:
        plan.SheetPlanner._settle = slow_settle
    return phases


def _user_and_client():
    """A teamleider of Epe and Heerde, and a client of Heerde to look at (the import brings Epe's)."""
    from django.contrib.auth.models import Group

    from kandidaten.models import Gebruiker, Gemeente, Kandidaat
    from kandidaten.roles import TEAMLEIDER

    user = Gebruiker.objects.create_user("teamleider.meting", password=PASSWORD)
    user.groups.add(Group.objects.get(name=TEAMLEIDER))
    user.gemeenten.add(*Gemeente.objects.filter(naam__in=["Epe", "Heerde"]))
    heerde = Gemeente.objects.get(naam="Heerde")
    kandidaat = Kandidaat.objects.create(pers_nr="1", pers_nr_sleutel="1", gemeente=heerde, naam="Eerste, E.")
    return user, kandidaat


def _kandidaten_file(path, rows):
    """A client export as the demo writes it: title row, header in row 3, Epe's clients."""
    import datetime

    from kandidaten.demo import generate

    demo = generate.DemoSet(
        [["Epe", str(1000 + number), f"Jansen, K{number}.", "Client PW", "DGR", "J", "Open", "JNLO"[number % 4],
          "04 met groeipotentieel", "", "A. de Vries"] for number in range(rows)], [], [], [])
    written = generate.write_xlsx(demo, path.parent / "export", datetime.date.today())[0]
    return written.rename(path)


if __name__ == "__main__":
    sys.exit(main())
