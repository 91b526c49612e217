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
    # ru_maxrss is in KiB on Linux: the peak of this whole process.
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_mb, "result": result}))


if __name__ == "__main__":
    main()
