"""Timing and peak-memory helpers shared by the benchmark sections."""

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / ".data"


@dataclass
class Row:
    """One line of the bench table: a figure, its floor, and the target it must meet."""

    section: str
    figure: str
    value: float
    unit: str
    floor: float | None = None
    floor_label: str = ""
    target: str = ""
    ok: bool | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self):
        if self.floor in (None, 0):
            return None
        return self.value / self.floor


@dataclass
class ChildResult:
    seconds: float
    peak_rss_mb: float
    result: object


def run_child(target, *args, env=None):
    """Run `target` ("module:function") in a fresh Python process.

    The function gets `args` (strings) and returns something JSON-able. Returns
    its wall time (measured inside the child, around the call only), the peak
    RSS of the whole child process, and its return value.
    """
    environment = dict(os.environ)
    environment.update(env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.child", target, *map(str, args)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = process.communicate()
    if process.returncode:
        raise RuntimeError(f"{target} faalde:\n{stderr[-4000:]}")
    payload = json.loads(stdout.strip().splitlines()[-1])
    peak = payload.get("peak_rss_mb")
    return ChildResult(seconds=payload["seconds"], peak_rss_mb=peak, result=payload["result"])


def timed(function, *args, repeat=1, **kwargs):
    """Median wall time over `repeat` runs and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
