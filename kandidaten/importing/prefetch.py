"""Prefetch: read the stored hashes a plan needs while python-calamine parses the sheet.

A re-import of an unchanged file spends ~0.15 s per 200,000 records reading the hashes of the records in the
source (existing.stored_hashes); the parse (~1.7 s) lets go of the GIL, so a thread with a database
connection of its own reads them meanwhile. Which type a sheet holds is only certain once its header is
parsed: the thread guesses it from the texts near the start of the sheet's XML, as detect would from the
header. A wrong guess costs only the thread's time (the plan then reads the hashes itself).

Only outside a transaction: inside one (a test's) another connection would not see its rows. The hashes are
read after the import noted the data generation, so a change meanwhile makes it plan again under the lock.
"""

import concurrent.futures

from django.db import connection

from .existing import stored_hashes
from .types import TYPES, header_key


class Prefetch:
    def __init__(self, raw_sheets):
        self._futures = {}
        guessed = {guess for guess in map(_guess, raw_sheets) if guess is not None}
        if not guessed or connection.in_atomic_block:
            return
        # After the sheet XML's own scan (read._SheetScans): two threads beside the parse would share one core.
        scanned = raw_sheets[0].scans.wait if raw_sheets[0].scans else (lambda: None)
        executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-prefetch")
        self._futures = {export_type.name: executor.submit(_read, export_type, scanned) for export_type in guessed}
        executor.shutdown(wait=False)

    def stored_hashes(self, export_type):
        """The hashes read ahead for this type, once (a plan made again reads them anew); None if none were."""
        future = self._futures.pop(export_type.name, None)
        return future.result() if future is not None else None


def _read(export_type, scanned):
    try:
        scanned()
        return stored_hashes(export_type)
    finally:
        connection.close()  # this thread's own connection


def _guess(raw_sheet):
    """The type whose required columns are all among the sheet's first texts (the most columns found wins)."""
    keys = {header_key(text) for text in raw_sheet.first_texts}
    found = [(sum(bool(keys & column.keys) for column in export_type.columns), export_type)
             for export_type in TYPES.values()
             if all(keys & column.keys for column in export_type.required)]
    return max(found, key=lambda pair: pair[0])[1] if found else None
