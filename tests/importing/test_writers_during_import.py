"""On SQLite, an import holds the write lock only to write: requests that write (a client page records an audit
event, a login) go on while it reads and plans the file."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's one writer at a time; `make test` runs it there")
def test_pages_that_write_answer_within_two_seconds_while_an_import_plans_and_applies():
    # A child process with a SQLite file of its own, as the app runs: the suite's in-memory database locks
    # per table. The planning is stretched to 3 s, so a lock held while planning would show.
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    finished = subprocess.run(
        [sys.executable, "-m", "bench.writers_during_import", "20000", "--slow-planning", "3", "--quick-passwords"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=True,
    )
    measured = json.loads(finished.stdout.strip().splitlines()[-1])
    assert measured["import"]["status"] == "applied", measured["import"]
    (planning_started, planning_ended), = measured["phases"]["plannen"]
    (writing_started, writing_ended), = measured["phases"]["schrijven"]
    requests = measured["requests"]
    assert all(request["ok"] for request in requests)
    assert max(request["seconds"] for request in requests) <= 2.0
    during_planning = [r for r in requests if r["started"] + r["seconds"] < planning_ended
                       and r["started"] > planning_started]
    assert planning_ended - planning_started > 2.5
    assert {r["request"] for r in during_planning} == {"kandidaatpagina", "inloggen"}, "writes went on meanwhile"
    assert len(during_planning) >= 10
    assert writing_ended - writing_started < 2.0
