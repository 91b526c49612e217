"""`manage.py start [ADRES] [--gunicorn]`: the web server and the import worker together.

`make run` starts Django's development server this way; `make serve` gunicorn, the production server
(docs/productie.md; a real installation may rather run the two as services of their own).

Imports are previewed and applied by a worker process (`db_worker`, kandidaten.importing.background); without
one an upload waits in the queue for ever. Each child runs in a process group of its own, so one Ctrl+C here
reaches the whole of each (runserver's reloader and its child included) as SIGTERM (SIGINT may be ignored by a
child started in the background): the first asks both to stop (the worker finishes the import it is applying,
if any), a second breaks that import off (it is rolled back and ends as "afgebroken"), a third kills. If
either child stops by itself, the other is stopped too.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from kandidaten.importing.priority import lower_cpu_priority


class Command(BaseCommand):
    help = "Start de webserver en de importverwerker samen; Ctrl+C stopt beide."

    def add_arguments(self, parser):
        parser.add_argument("adres", nargs="?", default="127.0.0.1:8000", help="adres:poort van de webserver")
        parser.add_argument("--gunicorn", action="store_true", help="gunicorn in plaats van de ontwikkelserver")
        parser.add_argument("--workers", type=int, default=3, help="aantal gunicorn-workers (met --gunicorn)")

    def handle(self, *args, adres, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        if options["gunicorn"]:
            gunicorn = str(Path(sys.executable).with_name("gunicorn"))
            webserver = [gunicorn, "config.wsgi:application", "--bind", adres, "--workers", str(options["workers"]),
                         "--chdir", str(settings.BASE_DIR)]
        else:
            webserver = [*manage, "runserver", adres]
        children = {
            "webserver": webserver,
            # No reloader: a reloaded worker would drop the import it is applying.
            "importverwerker": [*manage, "db_worker", "--no-reload", "--no-startup-delay"],
        }
        # The worker gives way to the web server's pages (settings.IMPORT_NICENESS; its tasks also keep their
        # PostgreSQL queries to one core: importing.priority).
        self.processes = {
            name: subprocess.Popen(command, start_new_session=True,
                                   preexec_fn=lower_cpu_priority if name == "importverwerker" else None)
            for name, command in children.items()
        }
        self.stop_requests = 0
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        self.stdout.write(
            f"Webserver (http://{adres}) en importverwerker gestart; stoppen met Ctrl+C "
            f"(pid {', '.join(str(p.pid) for p in self.processes.values())})."
        )
        self.stdout.flush()
        first_to_end = self._wait_for_any()
        if not self.stop_requests:
            self.stderr.write(f"De {first_to_end} is gestopt; de rest wordt ook gestopt.")
            self._signal_all(signal.SIGTERM)
        for process in self.processes.values():
            process.wait()
        code = self.processes[first_to_end].returncode
        sys.exit(0 if self.stop_requests else (code or 1))

    def _wait_for_any(self):
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    return name
            time.sleep(0.2)

    def _stop(self, signum, frame):
        self.stop_requests += 1
        if self.stop_requests == 1:
            self.stdout.write("Stoppen… (een import die nu wordt toegepast, wordt eerst afgemaakt; nogmaals Ctrl+C "
                              "breekt hem af)")
            self.stdout.flush()
        self._signal_all(signal.SIGTERM if self.stop_requests < 3 else signal.SIGKILL)

    def _signal_all(self, signum):
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signum)
                except ProcessLookupError:
                    pass
