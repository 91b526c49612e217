"""The importing processes give way to pages: a lower CPU priority, and one core of the database.

An import is CPU work in Python for seconds to minutes, and after it the panel and team overview are counted
ahead nationally in PostgreSQL (parallel queries: every core for a second). On a machine with few cores both
took the cores from the web server's workers, and pages waited behind them (docs/performance.md, "Under
load"). The worker (`manage.py start` starts it so, and its import tasks) and `manage.py importeer` call
give_way_to_pages() before they work; settings.IMPORT_NICENESS = 0 leaves them as they were started.
"""

import os

from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created

_RECEIVER = "kandidaten.importing.priority"


def give_way_to_pages():
    """Lower this process's CPU priority, and run its PostgreSQL queries without parallel workers."""
    if settings.IMPORT_NICENESS <= 0:
        return
    lower_cpu_priority()
    connection_created.connect(one_database_core, dispatch_uid=_RECEIVER)
    if connection.connection is not None:  # the connection already open; later ones by the signal
        one_database_core(sender=None, connection=connection)


def lower_cpu_priority():
    """This process's CPU priority to IMPORT_NICENESS; never raised (an administrator's own `nice` stands, and
    raising it needs root). Touches no database connection: `manage.py start` calls it in the worker's process
    between fork and exec."""
    wanted = settings.IMPORT_NICENESS
    if wanted > 0 and hasattr(os, "setpriority") and os.getpriority(os.PRIO_PROCESS, 0) < wanted:
        os.setpriority(os.PRIO_PROCESS, 0, wanted)


def one_database_core(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")


def stop_giving_way():
    """For tests: new connections as before (the process's priority stays; only root can raise it again)."""
    connection_created.disconnect(dispatch_uid=_RECEIVER)
