"""The importing processes give way to pages: they run at a lower CPU priority (settings.IMPORT_NICENESS).

An import is CPU work in Python for seconds to minutes; on a machine with few cores it took one from the web
server's workers, and pages waited behind it (docs/performance.md, "Under load"). The worker (`manage.py
start` starts it so; systemd: `Nice=`) and `manage.py importeer` lower their own priority before they work.
"""

import os

from django.conf import settings


def give_way_to_pages():
    """Lower this process's CPU priority to IMPORT_NICENESS; never raise it (an administrator's own `nice`
    stands, and raising it needs root)."""
    wanted = settings.IMPORT_NICENESS
    if wanted <= 0 or not hasattr(os, "setpriority"):
        return
    if os.getpriority(os.PRIO_PROCESS, 0) < wanted:
        os.setpriority(os.PRIO_PROCESS, 0, wanted)
