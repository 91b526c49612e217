import hashlib
import os
import tempfile
from pathlib import Path

import pytest

from kandidaten.reference_data import DATA_DIR

from . import exports, uwv_fixture

HIER = Path(__file__).resolve().parent
SEED = 2025


def _cache_sleutel():
    """The fixture file depends on its builders, the reference data and the seed: a change makes a new one."""
    digest = hashlib.sha256(str(SEED).encode())
    for path in (HIER / "uwv_fixture.py", HIER / "exports.py", DATA_DIR / "uwv-transparantie-gepubliceerd.csv",
                 DATA_DIR / "arbeidsmarktregios-2025.csv"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def uwv_export():
    """(fixture, path of its xlsx). Writing ~193,000 rows takes XlsxWriter 10-20 s, so the file is kept in the
    system's temporary folder between runs (SQLite and PostgreSQL runs share it), under a key of its inputs."""
    fixture = uwv_fixture.bouw(seed=SEED)
    folder = Path(tempfile.gettempdir()) / "kandidaten-testbestanden"
    folder.mkdir(exist_ok=True)
    path = folder / f"uwv-2025-q2-{_cache_sleutel()}.xlsx"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.deel.xlsx")  # per process: two test runs may write at once
        exports.xlsx(partial, fixture.rows(uwv_fixture.schrijfwijzen()))
        partial.replace(path)  # atomic: another process never reads a half-written file
    return fixture, path
