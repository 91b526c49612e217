"""The import pipeline: read → detect → plan → apply (docs/importing.md).

`import_file` is the one entry point (pipeline.py); the web views and the `importeer` command are thin
shells around it.
"""

from .errors import UnreadableFile
from .outcome import Outcome, errors_path, mass_gone
from .pipeline import data_version, import_file, lock_imports
from .types import TYPES

__all__ = ["TYPES", "Outcome", "import_file", "data_version", "errors_path", "lock_imports", "mass_gone",
           "UnreadableFile"]
