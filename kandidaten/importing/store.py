"""Store: where planned rows wait for the write — temporary tables of the import's own connection.

Planning reads the data and writes only here. A temporary table lives in SQLite's separate temp database, so
filling it takes no lock on the main database (every other request goes on writing), and PostgreSQL keeps it
to the session. The write then copies from it with INSERT … SELECT and UPDATE … FROM, in one short
transaction (apply.py). Memory stays flat whatever the file's size (the items workbook: a million rows).
A dry run keeps no rows (Discard): the preview shows counts and samples only.
"""

import contextlib
import itertools

from django.db import connection, transaction

from kandidaten.models import KandidaatWijziging

BATCH = 5000
# What each kind of table holds, besides the planned values of a row (new, changed).
NEW, CHANGED, REHASH, GONE, HISTORY = "new", "changed", "rehash", "gone", "history"
SHARED = "shared"  # the distinct combinations of a type's shared columns (Rules.shared_columns) of new rows
SHARED_ID = "_shared"  # a new row's combination of them
REHASH_COLUMNS = ("id", "bron_hash")  # same data, another raw spelling: only the hash is written
GONE_COLUMNS = ("id",)
HISTORY_COLUMNS = ("kandidaat_id", "veld", "oud", "nieuw")  # KandidaatWijziging, one per changed field
REFERENCE_PREFIX = "_"  # a planned column holding the business key of a record pointed at (rules.Reference)


class Discard:
    """The store of a dry run: nothing is kept."""

    keeps_rows = False

    def add(self, kind, export_type, names, rows):
        pass

    def add_new(self, export_type, columns):
        pass

    def table(self, kind, export_type):
        return None

    def drop(self):
        pass


class TemporaryTables(Discard):
    keeps_rows = True

    def __init__(self):
        self.tables = {}  # (kind, type name) -> (quoted table name, column names)
        self.combinations = {}  # type name -> {combination of shared values: its id}

    def add_new(self, export_type, columns):
        """New rows, given as {name: values}. The columns the type shares between many rows (the derived
        flags and what they derive from: a few hundred combinations) are kept once per combination, each row
        pointing at its own: half the values to pass per row, where passing them is what writing costs."""
        shared = [name for name in export_type.rules.shared_columns if name in columns]
        if shared:
            combinations = self.combinations.setdefault(export_type.name, {})
            known = len(combinations)
            ids = [combinations.setdefault(combination, len(combinations))
                   for combination in zip(*(columns[name] for name in shared), strict=True)]
            added = itertools.islice(combinations.items(), known, None)
            self.add(SHARED, export_type, ("id", *shared), ((number, *values) for values, number in added))
            columns = {name: values for name, values in columns.items() if name not in shared}
            columns[SHARED_ID] = ids
        self.add(NEW, export_type, tuple(columns), zip(*columns.values(), strict=True))

    def add(self, kind, export_type, names, rows):
        """Add `rows` (tuples in the order of `names`) to this kind of table of the type."""
        rows = list(rows)
        if not rows:
            return
        key = (kind, export_type.name)
        if key not in self.tables:
            self.tables[key] = (self._create(kind, export_type, names), tuple(names))
        table, columns = self.tables[key]
        assert tuple(names) == columns, f"{key}: {names} after {columns}"
        sql = (f"INSERT INTO {table} ({', '.join(map(connection.ops.quote_name, columns))}) "
               f"VALUES ({', '.join(['%s'] * len(columns))})")
        with scratch_transaction(), connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start:start + BATCH])

    def table(self, kind, export_type):
        """(quoted name, column names) of this kind of table, or None when the plan put nothing in it."""
        return self.tables.get((kind, export_type.name))

    def rows(self, kind, export_type):
        """The rows of a table as dicts, in no particular order, new ones with their shared values (for tests and
        inspection)."""
        found = self.table(kind, export_type)
        if found is None:
            return []
        table, columns = found
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        if kind == NEW and SHARED_ID in columns:
            combinations = {row.pop("id"): row for row in self.rows(SHARED, export_type)}
            rows = [{**row, **combinations[row.pop(SHARED_ID)]} for row in rows]
        return rows

    def drop(self):
        with connection.cursor() as cursor:
            for table, _columns in self.tables.values():
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
        self.tables, self.combinations = {}, {}

    def _create(self, kind, export_type, names):
        table = connection.ops.quote_name(f"import_plan_{kind}_{export_type.name}")
        model = KandidaatWijziging if kind == HISTORY else export_type.model
        columns = ", ".join(f"{connection.ops.quote_name(name)} {_column_type(model, name)}" for name in names)
        with scratch_transaction(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns})")
        return table


def _column_type(model, name):
    if name == SHARED_ID:
        return "integer"
    if name.startswith(REFERENCE_PREFIX):
        return "varchar(50)"
    return model._meta.get_field(name).db_type(connection)


@contextlib.contextmanager
def scratch_transaction():
    """A transaction for writing the temporary tables only.

    SQLite: BEGIN DEFERRED, which takes no lock on the main database as long as only temporary tables are
    written (the connection's own transaction_mode, IMMEDIATE, would take the write lock at BEGIN). Inside a
    transaction already (a re-plan under the import's lock, a test), a savepoint.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    mode = connection.transaction_mode
    connection.transaction_mode = "DEFERRED"
    try:
        with transaction.atomic():
            connection.transaction_mode = mode
            yield
    finally:
        connection.transaction_mode = mode
