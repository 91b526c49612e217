"""Child process entry point for bench.measure.run_child."""

import importlib
import json
import resource
import sys
import time


def main():
    target, *args = sys.argv[1:]
    module_name, function_name = target.split(":")
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    function = getattr(importlib.import_module(module_name), function_name)
    start = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "result": result}))


def peak_rss_mb():
    """This program's peak resident memory.

    Not ru_maxrss: Linux carries the parent's high-water mark across fork/vfork + exec into it, so a child
    of a bench that has loaded the national data would report the parent's gigabyte. VmHWM belongs to the
    address space that exec created.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
