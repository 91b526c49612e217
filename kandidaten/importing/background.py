"""Run an import step outside the request, so a big file never times out the page.

State lives only in the Import row (status, rows read), so any server process can
report progress. Django ships no task worker (django.tasks' built-in backends are
for development), so a daemon thread does the work; a process that dies mid-import
leaves the row in "bezig", which the import page reports after models.imports.STALE_AFTER.
Tests set IMPORT_IN_BACKGROUND = False to run the step inline.
"""

import logging
import threading

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def run(function, *args, **kwargs):
    if not getattr(settings, "IMPORT_IN_BACKGROUND", True):
        return function(*args, **kwargs)

    def target():
        try:
            function(*args, **kwargs)
        except Exception:  # the import records its own failures; this is for bugs
            logger.exception("Import op de achtergrond mislukt")
        finally:
            connection.close()

    threading.Thread(target=target, name="import", daemon=True).start()
    return None
