"""What is stored of a type: read as far as a plan needs it."""

from typing import NamedTuple

from django.db import connection
from django.db.models import CharField, StringAgg, Value
from django.db.models.functions import Concat

from .hashing import CELL_SEPARATOR


class Stored(NamedTuple):
    pk: int
    bron_hash: str
    in_bron: bool
    gemeente_id: int | None  # the client's gemeente (an item's: its client's)


def stored_hashes(export_type):
    """{key: bron_hash} of the records of a type in the source.

    Asked as one text of key, hash, key, hash… that Python splits: a row per record cost more in making
    200,000 tuples than the database took to read them (0.19 -> 0.13 s). The separator cannot occur in
    a key (control characters are refused) or a hash (hex).
    """
    pairs = export_type.model.objects.filter(in_bron=True).order_by().aggregate(pairs=StringAgg(
        Concat(export_type.rules.key_column, Value(CELL_SEPARATOR), "bron_hash", output_field=CharField()),
        delimiter=Value(CELL_SEPARATOR),
    ))["pairs"]
    parts = iter(pairs.split(CELL_SEPARATOR) if pairs else ())
    return dict(zip(parts, parts, strict=True))


class Existing:
    """The stored records of a type, read as far as needed.

    Everything a re-import of an unchanged file needs is the hash of every record still in the source:
    one two-column query. The rest (id, in the source or not, gemeente) is read for the keys that need it,
    or for all records at once when the rows are judged one by one or many need it.
    """

    BATCH = 900  # keys per IN (...): under SQLite's old limit of 999 parameters
    READ_ALL_FROM = 20_000  # keys asked for before the whole table is cheaper to read

    def __init__(self, export_type, hashes=None):
        """`hashes`: stored_hashes(export_type), when they were read ahead (prefetch.py)."""
        rules = export_type.rules
        self.table = connection.ops.quote_name(export_type.model._meta.db_table)
        self.key_column = rules.key_column
        self.gemeente_column = rules.gemeente_sql(self.table)
        self.stored_hashes = stored_hashes(export_type) if hashes is None else hashes
        self._digests = None
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.table}")
            self.count = cursor.fetchone()[0]
        self.details = {}  # sleutel -> Stored, or None: not stored
        self.complete = self.count == 0
        self.asked = 0

    @property
    def digests_in_source(self):
        """The stored hashes as bytes. A row's hash covers its key as shown (and the salt its type): a row whose
        digest is among them is the unchanged row of a record in the source, whatever its key."""
        if self._digests is None:
            self._digests = set(map(bytes.fromhex, self.stored_hashes.values()))
        return self._digests

    def _select(self):
        return f"SELECT {self.key_column}, id, bron_hash, in_bron, {self.gemeente_column} FROM {self.table}"

    def read_all(self):
        if not self.complete:
            with connection.cursor() as cursor:
                cursor.execute(self._select())
                self.details = {row[0]: Stored._make(row[1:]) for row in cursor.fetchall()}
            self.complete = True

    def read(self, sleutels):
        """Make get() answer for these keys without a query each."""
        if self.complete:
            return
        sleutels = [sleutel for sleutel in sleutels if sleutel not in self.details]
        self.asked += len(sleutels)
        if self.asked > self.READ_ALL_FROM:
            self.read_all()
            return
        self.details.update(dict.fromkeys(sleutels))  # None: not stored, unless found below
        with connection.cursor() as cursor:
            for start in range(0, len(sleutels), self.BATCH):
                batch = sleutels[start:start + self.BATCH]
                cursor.execute(f"{self._select()} WHERE {self.key_column} IN ({', '.join(['%s'] * len(batch))})",
                               batch)
                self.details.update((row[0], Stored._make(row[1:])) for row in cursor.fetchall())

    def get(self, sleutel):
        """The Stored record with this key, or None."""
        if not self.complete and sleutel not in self.details:
            self.read_all()
        return self.details.get(sleutel)

    def in_source(self, gemeenten, seen_keys):
        """(number of records in the source within `gemeenten`, sorted pks of those not seen).

        `gemeenten`: the gemeenten a file speaks for; records of other gemeenten never go gone."""
        unseen = self.stored_hashes.keys() - seen_keys
        self.read(unseen)
        gone = sorted(found.pk for found in map(self.get, unseen) if found.gemeente_id in gemeenten)
        if not gemeenten:
            return 0, gone
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {self.table} WHERE in_bron AND {self.gemeente_column} IN "
                f"({', '.join(['%s'] * len(gemeenten))})", list(gemeenten),
            )
            return cursor.fetchone()[0], gone
