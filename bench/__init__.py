"""`make bench`: the figures the issues name, each beside its floor measured in the same run.

Each section is a module in this package with `run(context) -> list[Row]`.
Measurements that report peak memory run in a child process (see measure.py)
so one figure's memory does not leak into the next.
"""
