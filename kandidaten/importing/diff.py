"""Diff: a detected sheet against the database -> new, changed (with fields), unchanged, gone.

Speed matters most for the weekly re-import of a mostly unchanged file. Every
stored record keeps `bron_hash`, a hash of its raw cells as read; a row whose
raw cells hash the same as last time is unchanged without being normalised.
The hash includes a salt of the reference data (gemeenten and aliases) and of
this module's version, so a new alias re-normalises every row once.
"""

import collections
import hashlib
import itertools
import operator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import CharField, Max, StringAgg, Value
from django.db.models.functions import Concat

from kandidaten.keys import doelgroep_sleutel, pers_nr_sleutel
from kandidaten.models import Doelgroep, Gemeente, GemeenteAlias, Kandidaat, Traject
from kandidaten.models.kandidaat import derive_flags, derive_klant_van

from . import normalise as n
from .errors import CellError, RowError
from .origin import ERRORBOOK_WARNING
from .scope import Scope

NORMALISE_VERSION = "2"
MAX_ERRORS_KEPT = 200
FLUSH_ROWS = 10_000
CHUNK_ROWS = 10_000
_ABSENT = "<geen kolom>"

# Kandidaat fields an export may set, in the order history and previews show them.
KANDIDAAT_SOURCE_FIELDS = (
    "pers_nr", "gemeente_id", "gemeente_in_bron", "naam", "doelgroep", "dgr", "banenafspraak", "sonar_status",
    "klantprofiel", "participatieladder", "ladder_trede", "ladder_groeipotentieel", "dv_laatste_soort",
    "begeleider", "indicering", "beschut_werk",
)
KANDIDAAT_DERIVED_FIELDS = ("klant_van", "in_doelgroep_banenafspraak", "telt_in_sonar", "profiel_nodig")
# Fields whose changes are not worth a line in the preview or history: implied by others (a module's traject
# link by its Traject-ID as exported, shown instead: the preview shows business keys, never database ids).
_QUIET_FIELDS = {"gemeente_in_bron", "ladder_trede", "ladder_groeipotentieel", "pers_nr", "traject_id"}


@dataclass
class PlannedRow:
    excel_row: int
    sleutel: str
    values: dict  # model field -> value (only fields this file sets, plus derived ones)
    pk: int | None = None  # existing record
    changes: dict = field(default_factory=dict)  # field -> (old, new) for changed rows
    client_key: str = ""  # items: the client's Pers. nr. key
    traject_key: str | None = None  # modules with a Traject-ID column: the traject's key ("" for none)


class NewRows:
    """The new rows of a sheet, kept column by column as planned: a first import builds no object per row."""

    def __init__(self):
        self.batches = []  # _NewBatch

    def add(self, batch):
        if batch.sleutels:
            self.batches.append(batch)

    def __len__(self):
        return sum(len(batch.sleutels) for batch in self.batches)

    def __iter__(self):
        """The rows one by one, as PlannedRow (for tests and inspection; writing takes the columns)."""
        for batch in self.batches:
            for offset, values in enumerate(zip(*batch.columns, strict=True)):
                yield PlannedRow(
                    batch.excel_rows[offset], batch.sleutels[offset], dict(zip(batch.names, values, strict=True)),
                    client_key=batch.client_keys[offset] if batch.client_keys else "",
                    traject_key=batch.traject_keys[offset] if batch.traject_keys is not None else None,
                )


@dataclass
class _NewBatch:
    names: tuple  # the model fields of `columns`
    columns: list  # one list of values per name
    excel_rows: list
    sleutels: list
    client_keys: list | None = None  # items: the client's Pers. nr. key, per row
    traject_keys: list | None = None  # modules: the traject's key ("" for none), per row


@dataclass
class SheetPlan:
    sheet: str
    export_type: object | None
    rows_read: int = 0
    new: NewRows = field(default_factory=NewRows)
    changed: list = field(default_factory=list)
    unchanged: int = 0
    rehash: list = field(default_factory=list)  # (pk, hash): same data, different raw spelling
    gone: list = field(default_factory=list)  # pks
    existing_in_source: int = 0
    errors: list = field(default_factory=list)  # RowError, all of them
    error_rows: set = field(default_factory=set)
    sheet_errors: list = field(default_factory=list)  # problems of the sheet as a whole (missing columns)
    warnings: list = field(default_factory=list)
    unknown_columns: list = field(default_factory=list)
    field_changes: collections.Counter = field(default_factory=collections.Counter)
    ignored_reason: str = ""
    header_row: int = 0
    unknown_trajecten: int = 0
    header: list = field(default_factory=list)
    new_flushed: int = 0  # new rows already handed to the sink
    # kandidaten: the gemeenten whose clients this sheet speaks for (in the file, or left by a moved client)
    gemeenten: set = field(default_factory=set)
    gone_sample: list = field(default_factory=list)  # who would go, by business key: see gone_sample()

    def release(self):
        """Drop the planned rows once applied (or summarised); keep counts and errors."""
        self.new, self.changed, self.rehash, self.gone = NewRows(), [], [], []

    @property
    def error_count(self):
        return len(self.errors) + len(self.sheet_errors)

    def summary(self):
        return {
            "sheet": self.sheet,
            "type": self.export_type.name if self.export_type else None,
            "rows": self.rows_read,
            "new": self.new_flushed + len(self.new),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "gone": len(self.gone),
            "existing": self.existing_in_source,
            "gone_confirm": needs_gone_confirmation(len(self.gone), self.existing_in_source),
            "gone_sample": list(self.gone_sample),
            "gemeenten": sorted(self.gemeenten),
            "errors": self.error_count,
            "error_rows": len(self.error_rows),
            "warnings": list(self.warnings),
            "sheet_errors": list(self.sheet_errors),
            "unknown_columns": list(self.unknown_columns),
            "ignored": self.ignored_reason,
            "header_row": self.header_row + 1,
            "field_changes": [
                {"field": name, "old": old, "new": new, "count": count}
                for (name, old, new), count in self.field_changes.most_common()
            ],
            "first_errors": [error.as_dict() for error in self.errors[:MAX_ERRORS_KEPT]],
        }


GONE_CONFIRM_SAMPLE = 25


def needs_gone_confirmation(gone, existing):
    """More than 10% of a type's records in scope would go: a partial file, until the user confirms the number."""
    return gone * 10 > existing


def gone_sample(export_type, gone_pks):
    """Up to 25 of the records that would go, as the user knows them: business key, client's Pers. nr., name."""
    if not gone_pks:
        return []
    model = export_type.model
    client = "kandidaat__" if export_type.is_item else ""
    rows = (model.objects.filter(pk__in=gone_pks[:GONE_CONFIRM_SAMPLE]).order_by(export_type.id_field)
            .values_list(export_type.id_field, f"{client}pers_nr", f"{client}naam"))
    return [{"sleutel": key, "pers_nr": pers_nr, "naam": naam} for key, pers_nr, naam in rows]


def reference_salt():
    version = (
        Gemeente.objects.count(),
        GemeenteAlias.objects.count(),
        GemeenteAlias.objects.aggregate(m=Max("pk"))["m"],
        Gemeente.objects.aggregate(m=Max("pk"))["m"],
    )
    return f"{NORMALISE_VERSION}:{version}"


def hash_key(salt):
    """blake2b's salt and personalisation parameters for the row hashes, from the salt text.

    Parameters instead of a key: a keyed hash compresses one block more per row (0.17 -> 0.11 s per 200k)."""
    digest = hashlib.blake2b(salt.encode("utf-8")).digest()
    return {"salt": digest[:16], "person": digest[16:32]}


# What a stored hash covers: the key as shown (so 7974.0 and "7974" are one raw value, as they are one
# normalised value) and the other known cells as read. Rows of text only are joined (fast); any other row
# goes through repr(), which keeps 1, 1.0, "1" and a date apart.
_TEXT_ROW = "\x1e"  # repr() never starts with it
_CELL_SEPARATOR = "\x1f"  # a cell holding it is refused (control character): never part of a stored row


def _serialise(shown_key, others):
    for cell in others:
        if type(cell) is not str:
            return repr((shown_key, others))
    return _TEXT_ROW + shown_key + _CELL_SEPARATOR + _CELL_SEPARATOR.join(others)


def raw_hash(salt, shown_key, others):
    """The stored `bron_hash` of a row; `salt` from hash_key()."""
    data = _serialise(shown_key, others).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=8, **salt).hexdigest()


def raw_hashes(salt, shown_keys, others_of_rows):
    """raw_hash() of many rows, the same digests (the re-import's hot spot)."""
    prefix, separator, join = _TEXT_ROW, _CELL_SEPARATOR, _CELL_SEPARATOR.join
    try:  # rows of text only, the usual export: str.join refuses anything else
        serialised = [prefix + shown_key + separator + join(others)
                      for shown_key, others in zip(shown_keys, others_of_rows, strict=True)]
    except TypeError:
        serialised = list(map(_serialise, shown_keys, others_of_rows))
    # Copying a prepared hash costs less than passing salt and personalisation for every row (0.10 -> 0.06 s
    # per 200,000).
    prepared = hashlib.blake2b(digest_size=8, **salt)
    hashes = []
    for text in serialised:
        digest = prepared.copy()
        digest.update(text.encode("utf-8", "surrogatepass"))
        hashes.append(digest.hexdigest())
    return hashes


class _QuickPass:
    """Settles the unchanged rows of a chunk with whole-chunk operations, with the row-by-row path's outcome.

    Only takes a chunk where every row has a plain key (ASCII digits, or an integral number), no key occurs
    twice (in the chunk or before it) and no formula lacks its value: then no row of the chunk can be
    skipped as empty or refused for its key, and the order in which rows are judged does not matter.
    """

    def __init__(self, others_of, key_position, formula_rows, salt, existing, in_scope=None):
        self.others_of = others_of
        self.in_scope = in_scope  # Scope.row_test(): a chunk with a row outside the scope goes row by row
        self.key_of = operator.itemgetter(key_position)
        self.formula_rows = formula_rows
        self.salt = salt
        self.existing = existing
        # Only records still in the source can be unchanged; one that returns must be written.
        self.stored = existing.stored_hashes

    def keys(self, chunk):
        """(shown keys, sleutels) when every key of the chunk is plain, else None."""
        keys = list(map(self.key_of, chunk))
        texts = [key for key in keys if type(key) is str]
        numbers = [key for key in keys if type(key) is float]
        if len(texts) + len(numbers) != len(keys):
            return None
        if texts:
            joined = "".join(texts)
            if not (joined.isascii() and joined.isdigit()) or min(map(len, texts)) == 0 or max(
                    map(len, texts)) > 50:
                return None
        if numbers and not (all(map(float.is_integer, numbers)) and min(numbers) >= 0 and max(numbers) < 1e15):
            return None
        # As the row-by-row path: lstrip() hands back the cell itself when there is no zero to drop, so a
        # key costs no new string (a million keys stay in `seen` until the sheet is planned).
        if numbers:
            sleutels = [key.lstrip("0") or "0" if type(key) is str else str(int(key)) for key in keys]
            shown = [key if type(key) is str else sleutel for key, sleutel in zip(keys, sleutels, strict=True)]
            return shown, sleutels
        sleutels = list(map(str.lstrip, keys, itertools.repeat("0")))
        if "" in sleutels:
            sleutels = [sleutel or "0" for sleutel in sleutels]
        return keys, sleutels

    def candidates(self, index, chunk, plan, seen, tally):
        """The chunk's rows that are not unchanged, as the row-by-row path would hand them on; or None."""
        if self.formula_rows and not self.formula_rows.isdisjoint(range(index, index + len(chunk))):
            return None
        keys = self.keys(chunk)
        if keys is None:
            return None
        if self.in_scope is not None and not all(map(self.in_scope, chunk)):
            return None
        shown, sleutels = keys
        distinct = set(sleutels)
        # dict_keys.isdisjoint(set) walks the set (this chunk), not every key seen so far.
        if len(distinct) != len(sleutels) or not seen.keys().isdisjoint(distinct):
            return None
        excel_rows = range(index + 1, index + 1 + len(chunk))
        seen.update(zip(sleutels, excel_rows, strict=True))
        plan.rows_read += len(chunk)
        tally.rows(chunk)
        hashes = raw_hashes(self.salt, shown, list(map(self.others_of, chunk)))
        changed = list(map(operator.ne, hashes, map(self.stored.get, sleutels)))
        plan.unchanged += changed.count(False)
        candidates = list(itertools.compress(zip(excel_rows, chunk, shown, sleutels, hashes, strict=True), changed))
        existing = self.existing
        existing.read(sleutel for _row, _cells, _shown, sleutel, _hash in candidates)
        return [
            (excel_row, cells, shown_key, sleutel, row_hash, existing.get(sleutel))
            for excel_row, cells, shown_key, sleutel, row_hash in candidates
        ]


class _Tally:
    """What every row read adds, changed or not: its raw gemeente and doelgroep cells (for the warnings and the
    gemeenten a kandidaten file speaks for) and an item's raw Pers. nr. (the clients an item file speaks for)."""

    def __init__(self, layout):
        self.gemeenten = collections.Counter()
        self.doelgroepen = collections.Counter()
        self.clients = set()
        wanted = {"gemeente": self.gemeenten, "doelgroep": self.doelgroepen}
        if layout.export_type.is_item:
            wanted["pers_nr"] = self.clients
        self._columns = [(tally.update, operator.itemgetter(position))
                         for column, position in layout.positions.items() if (tally := wanted.get(column.field))
                         is not None]

    def rows(self, rows):
        for add, cell_of in self._columns:
            add(map(cell_of, rows))

    def row(self, cells):
        for add, cell_of in self._columns:
            add((cell_of(cells),))


class Existing:
    """The stored records of a type, read as far as needed.

    Everything a re-import of an unchanged file needs is the hash of every record still in the source:
    one two-column query. The rest (id, in the source or not, gemeente) is read for the keys that need it,
    or for all records at once when the rows are judged one by one or many need it.
    """

    BATCH = 900  # keys per IN (...): under SQLite's old limit of 999 parameters
    READ_ALL_FROM = 20_000  # keys asked for before the whole table is cheaper to read

    def __init__(self, export_type):
        self.table = connection.ops.quote_name(export_type.model._meta.db_table)
        self.key_column = "sleutel" if export_type.is_item else "pers_nr_sleutel"
        # What "gone" is scoped by: the gemeente of the client (an item's through its client).
        if export_type.is_item:
            clients = connection.ops.quote_name(Kandidaat._meta.db_table)
            self.gemeente_column = f"(SELECT gemeente_id FROM {clients} WHERE {clients}.id = kandidaat_id)"
        else:
            self.gemeente_column = "gemeente_id"
        self.stored_hashes = self._hashes_in_source(export_type.model)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.table}")
            self.count = cursor.fetchone()[0]
        self.details = {}  # sleutel -> (pk, bron_hash, in_bron, gemeente_id or None)
        self.complete = self.count == 0
        self.asked = 0

    def _hashes_in_source(self, model):
        """{key: bron_hash} of the records in the source.

        Asked as one text of key, hash, key, hash… that Python splits: a row per record cost more in making
        200,000 tuples than the database took to read them (0.19 -> 0.13 s). The separator cannot occur in
        a key (control characters are refused) or a hash (hex).
        """
        pairs = model.objects.filter(in_bron=True).order_by().aggregate(pairs=StringAgg(
            Concat(self.key_column, Value(_CELL_SEPARATOR), "bron_hash", output_field=CharField()),
            delimiter=Value(_CELL_SEPARATOR),
        ))["pairs"]
        parts = iter(pairs.split(_CELL_SEPARATOR) if pairs else ())
        return dict(zip(parts, parts, strict=True))

    def _select(self):
        return f"SELECT {self.key_column}, id, bron_hash, in_bron, {self.gemeente_column} FROM {self.table}"

    def read_all(self):
        if not self.complete:
            with connection.cursor() as cursor:
                cursor.execute(self._select())
                self.details = {row[0]: row[1:] for row in cursor.fetchall()}
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
                self.details.update((row[0], row[1:]) for row in cursor.fetchall())

    def get(self, sleutel):
        """(pk, bron_hash, in_bron, gemeente_id or None) of the record with this key, or None."""
        if not self.complete and sleutel not in self.details:
            self.read_all()
        return self.details.get(sleutel)

    def in_source(self, gemeenten, seen_keys):
        """(number of records in the source within `gemeenten`, sorted pks of those not seen).

        `gemeenten`: the gemeenten a file speaks for; records of other gemeenten never go gone."""
        unseen = self.stored_hashes.keys() - seen_keys
        self.read(unseen)
        gone = sorted(found[0] for found in map(self.get, unseen) if found[3] in gemeenten)
        if not gemeenten:
            return 0, gone
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {self.table} WHERE in_bron AND {self.gemeente_column} IN "
                f"({', '.join(['%s'] * len(gemeenten))})", list(gemeenten),
            )
            return cursor.fetchone()[0], gone


def _keys_of(model, key_column, *columns):
    """{key: id} of every record of `model`; with `columns`, {key: (id, *columns)}."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key_column}, {', '.join(('id', *columns))} FROM {table}")
        if not columns:
            return dict(cursor.fetchall())
        return {row[0]: row[1:] for row in cursor.fetchall()}


class Context:
    """What the sheets of one file share: reference data, and keys the file itself brings."""

    def __init__(self, import_date, scope=None):
        self.import_date = import_date
        self.scope = scope or Scope()
        self.salt = reference_salt()
        self.gemeenten = n.GemeenteResolver()
        self.doelgroep_klant_van = dict(Doelgroep.objects.values_list("sleutel", "klant_van"))
        self._clients = None
        self._client_gemeenten = None
        self._trajecten = None
        self.clients_in_file = set()
        self.gemeenten_in_file = {}  # key of a client the file brings -> its gemeente id
        self.trajecten_in_file = set()
        self.derived = {}  # the derived flags per distinct combination of their inputs
        self.dropped_indexes = {}  # type name -> CREATE INDEX statements to re-run after its bulk insert

    @property
    def clients(self):
        if self._clients is None:
            stored = _keys_of(Kandidaat, "pers_nr_sleutel", "gemeente_id")
            self._clients = {key: found[0] for key, found in stored.items()}
            self._client_gemeenten = {key: found[1] for key, found in stored.items()}
        return self._clients

    def client_gemeente(self, client_key):
        """The gemeente id of a client, as this file leaves it (None for an unknown client)."""
        if client_key in self.gemeenten_in_file:
            return self.gemeenten_in_file[client_key]
        if self._client_gemeenten is None:
            self.clients  # noqa: B018 - reads both maps
        return self._client_gemeenten.get(client_key)

    @property
    def trajecten(self):
        if self._trajecten is None:
            self._trajecten = _keys_of(Traject, "sleutel")
        return self._trajecten

    def forget_keys(self):
        """After applying a sheet, re-read keys so items find the clients just inserted."""
        self._clients = None
        self._client_gemeenten = None
        self._trajecten = None


def _row_error(plan, excel_row, cells, column_name, value, message):
    plan.errors.append(
        RowError(plan.sheet, excel_row, column_name, "" if value is None else str(value)[:200], message, list(cells))
    )
    plan.error_rows.add(excel_row)


class _Failed:
    """A cell that could not be normalised, in a column of normalised values."""

    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message


class ColumnNormaliser:
    """Normalise a column of cells at once; each distinct cell value once, as most columns repeat a few.

    Text cells are remembered by their text; other cells by (type, value), because 1 == 1.0 == True in a
    dict. Stops remembering at `limit` values, and does not remember at all for columns of nearly
    distinct values (names), where it would only cost.
    """

    def __init__(self, function, *, remember=True, limit=50_000):
        self.function = function
        self.remember = remember
        # A normaliser may offer a whole-column shortcut: the same values, or None to go cell by cell.
        self.whole_column = getattr(function, "column", None)
        self.texts = _Remembered(self, limit, lambda text: text)
        self.typed = _Remembered(self, limit, operator.itemgetter(1))
        self.failed_ever = False

    def one(self, value):
        try:
            return self.function(value)
        except CellError as problem:
            self.failed_ever = True
            return _Failed(str(problem))

    def column(self, cells):
        """The normalised values of `cells`, a _Failed where a cell is refused."""
        if not self.remember:
            if self.whole_column is not None and (values := self.whole_column(cells)) is not None:
                return values
            return list(map(self.one, cells))
        try:
            if set(map(type, cells)) <= {str}:
                return list(map(self.texts.__getitem__, cells))
            return list(map(self.typed.__getitem__, zip(map(type, cells), cells, strict=True)))
        except TypeError:  # an unhashable cell: never from our readers, but never crash either
            return list(map(self.one, cells))


class _Remembered(dict):
    """Cell key -> normalised value; a key not seen yet is normalised on lookup (C speed for the rest)."""

    def __init__(self, owner, limit, value_of):
        super().__init__()
        self.owner, self.limit, self.value_of = owner, limit, value_of

    def __missing__(self, key):
        result = self.owner.one(self.value_of(key))
        if len(self) < self.limit:
            self[key] = result
        return result


def plan_sheet(raw_sheet, layout, context, progress=None, sink=None):
    """Plan one sheet. With `sink`, new rows are handed over in batches instead of kept (flat memory)."""
    export_type = layout.export_type
    plan = SheetPlan(raw_sheet.name, export_type, header_row=layout.header_row)
    plan.unknown_columns = layout.unknown_columns
    plan.header = layout.header_cells
    plan.warnings += layout.warnings
    if layout.missing_required:
        plan.sheet_errors.append(
            "Verplichte kolom ontbreekt: " + ", ".join(layout.missing_required)
            + f" (kopregel gezocht in de eerste 20 rijen; gevonden in rij {layout.header_row + 1})."
        )
        return plan
    columns = list(export_type.columns)
    positions = [layout.positions.get(column) for column in columns]
    present = [column for column, position in zip(columns, positions, strict=True) if position is not None]
    key_index = next(i for i, column in enumerate(columns) if column.field == export_type.id_field)
    key_position = positions[key_index]
    required_positions = {
        layout.positions[column]: column for column in columns if column.required and column in layout.positions
    }
    existing = Existing(export_type)
    salt = hash_key(f"{context.salt}:{export_type.name}:" + ",".join(
        column.header if position is not None else _ABSENT for column, position in zip(columns, positions, strict=True)
    ))
    header = layout.header_cells
    header_names = {position: str(header[position]).strip() for position in range(len(header))}
    seen = {}
    tally = _Tally(layout)
    width = len(header)
    formulas = raw_sheet.formulas_without_value
    to_compare = []
    # The gemeente column needs the reference list: its normaliser lives in the context.
    # The key is normalised above; names are nearly all distinct, so remembering them would only cost.
    normalisers = [
        (column.field, operator.itemgetter(position),
         ColumnNormaliser(context.gemeenten if column.field == "gemeente" else column.normalise,
                          remember=column.field != "naam"),
         header_names.get(position, column.header))
        for column, position in zip(columns, positions, strict=True)
        if position is not None and column.field != export_type.id_field
    ]
    value_names = ("bron_hash", export_type.id_field, *(field_name for field_name, *_ in normalisers))

    key_header = columns[key_index].header
    is_kandidaten = export_type.name == "kandidaten"
    in_file = (context.clients_in_file if is_kandidaten
               else context.trajecten_in_file if export_type.name == "trajecten" else set())
    other_positions = [position for position in positions if position is not None and position != key_position]
    others_of = operator.itemgetter(*other_positions) if len(other_positions) > 1 else (
        lambda cells, _p=other_positions[0]: (cells[_p],))
    formula_rows = {row for row, col in formulas if col in required_positions}

    in_scope = context.scope.row_test(layout, context)
    quick = _QuickPass(others_of, key_position, formula_rows, salt, existing, in_scope)
    rows = raw_sheet.iter_rows()
    first_index = layout.header_row + 1
    rows_seen = len(list(itertools.islice(rows, first_index)))
    index = first_index
    while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
        rows_seen = index + len(chunk)
        if min(map(len, chunk)) < width:
            chunk = [cells if len(cells) >= width else list(cells) + [None] * (width - len(cells)) for cells in chunk]
        # Most rows of a weekly re-import are unchanged: the quick pass settles them a chunk at a time and
        # hands over the rest; a chunk it cannot judge exactly the same way goes row by row below.
        candidates = quick.candidates(index, chunk, plan, seen, tally)
        if candidates is None:
            candidates = []
            for excel_row, cells in enumerate(chunk, start=index + 1):
                if not any(cells) and all(cell is None or cell == "" for cell in cells):
                    continue
                plan.rows_read += 1

                # Formula cells that Excel never calculated read as empty: in a required column that is an error.
                if excel_row - 1 in formula_rows:
                    for row, col in sorted(formulas):
                        if row == excel_row - 1 and col in required_positions:
                            _row_error(plan, excel_row, cells, required_positions[col].header, "(formule)",
                                       "formule zonder berekende waarde: open het bestand in Excel, laat het "
                                       "herberekenen en sla het op")
                    continue

                cell = cells[key_position]
                kind = type(cell)
                if kind is str and cell.isdigit() and len(cell) <= 50:
                    shown_key, sleutel = cell, cell.lstrip("0") or "0"
                elif kind is float and cell.is_integer() and 0 <= cell < 1e15:
                    shown_key = sleutel = str(int(cell))
                else:
                    try:
                        shown_key = n.key(cell)
                    except CellError as problem:
                        _row_error(plan, excel_row, cells, key_header, cell, str(problem))
                        continue
                    sleutel = pers_nr_sleutel(shown_key)
                first = seen.get(sleutel)
                if first is not None:
                    _row_error(plan, excel_row, cells, key_header, shown_key,
                               f"dubbel: dit nummer staat ook in rij {first}")
                    continue
                seen[sleutel] = excel_row
                tally.row(cells)

                row_hash = raw_hash(salt, shown_key, others_of(cells))
                found = existing.get(sleutel)
                if found is not None and found[1] == row_hash and found[2] and (in_scope is None or in_scope(cells)):
                    plan.unchanged += 1
                    continue
                candidates.append((excel_row, cells, shown_key, sleutel, row_hash, found))
        index += len(chunk)

        # Column by column: each distinct value is normalised once, and a column without problems costs
        # no per-row test.
        cells_of_rows = [candidate[1] for candidate in candidates]
        normalised = []
        refused = collections.defaultdict(list)  # offset in candidates -> [(column name, cell, message)]
        for _field_name, cell_of, normaliser, column_name in normalisers:
            column = normaliser.column(list(map(cell_of, cells_of_rows)))
            normalised.append(column)
            if normaliser.failed_ever:
                for offset, value in enumerate(column):
                    if type(value) is _Failed:
                        refused[offset].append((column_name, cell_of(cells_of_rows[offset]), value.message))
        columns = dict(zip(value_names, ([candidate[4] for candidate in candidates],
                                         [candidate[2] for candidate in candidates], *normalised), strict=True))
        _settle(plan, candidates, columns, refused, export_type, context, to_compare, in_file)
        if sink is not None and len(plan.new) >= FLUSH_ROWS:
            sink(plan.new)
            plan.new_flushed += len(plan.new)
            plan.new = NewRows()
        if progress:
            progress(plan.rows_read)

    # A chunk reports its key and duplicate errors before its cell errors: show them in the file's order.
    plan.errors.sort(key=operator.attrgetter("row"))
    if raw_sheet.expected_rows and rows_seen < raw_sheet.expected_rows:
        # The reader returned fewer rows than the sheet holds: never import a part silently.
        plan.sheet_errors.append(
            f"Het blad kon niet volledig worden gelezen ({rows_seen} van {raw_sheet.expected_rows} rijen): "
            "sla het bestand opnieuw op als .xlsx."
        )
    # Rows with an error still name a record that is in the source: it must not be marked gone.
    seen_keys = seen.keys()
    _compare_changed(plan, export_type, to_compare, context)
    if export_type.is_item:
        gemeenten_in_file = {context.client_gemeente(pers_nr_sleutel(cell)) for cell in tally.clients} - {None}
    else:
        gemeenten_in_file = _gemeente_warnings(plan, tally.gemeenten, context)
    # Nothing outside the user's gemeenten is touched, nor goes gone.
    gemeenten_in_file = context.scope.within(gemeenten_in_file)
    plan.gemeenten = gemeenten_in_file | {row.changes["gemeente_id"][0] for row in plan.changed
                                          if "gemeente_id" in row.changes}
    _doelgroep_warnings(plan, tally.doelgroepen, context, present)
    plan.existing_in_source, plan.gone = existing.in_source(gemeenten_in_file, seen_keys)
    if layout.partial:
        plan.gone = []
        plan.warnings.append(ERRORBOOK_WARNING)
    plan.gone_sample = gone_sample(export_type, plan.gone)
    if plan.unknown_trajecten:
        plan.warnings.append(
            f"{plan.unknown_trajecten} modules verwijzen naar een onbekend Traject-ID (geïmporteerd zonder traject)."
        )
    if plan.rows_read == 0:
        plan.sheet_errors.append("Het blad heeft een kopregel maar geen gegevensrijen.")
    return plan


def _pick(values, offsets):
    """The values at `offsets` (all of them when `offsets` is None; None stays None)."""
    if offsets is None or values is None:
        return values
    return [values[offset] for offset in offsets]


def _take(columns, offsets):
    return {name: _pick(column, offsets) for name, column in columns.items()}


def _settle(plan, candidates, columns, refused, export_type, context, to_compare, in_file):
    """Hand the normalised candidates of a chunk on: errors, new rows (as columns) and stored rows to compare.

    `columns` holds a list per field, a value per candidate; a refused cell's row becomes errors only.
    """
    offsets = None
    if refused:
        for offset in sorted(refused):
            excel_row, cells = candidates[offset][:2]
            for column_name, cell, message in refused[offset]:
                _row_error(plan, excel_row, cells, column_name, cell, message)
        offsets = [offset for offset in range(len(candidates)) if offset not in refused]
        candidates = [candidates[offset] for offset in offsets]
        columns = _take(columns, offsets)
    sleutels = [candidate[3] for candidate in candidates]
    stored_gemeenten = [candidate[5][3] if candidate[5] else None for candidate in candidates]
    client_keys, traject_keys, problems = _finish_columns(columns, sleutels, stored_gemeenten, export_type, context,
                                                          plan)
    if problems:
        for offset, problem in sorted(problems.items()):
            excel_row, cells = candidates[offset][:2]
            _row_error(plan, excel_row, cells, *problem)
    found_of = [candidate[5] for candidate in candidates]
    new_offsets = [offset for offset, found in enumerate(found_of) if found is None and offset not in problems]
    stored_offsets = [offset for offset, found in enumerate(found_of) if found is not None and offset not in problems]
    in_file.update(sleutel for offset, sleutel in enumerate(sleutels) if offset not in problems)
    if "gemeente_id" in columns:  # kandidaten: where the file puts its clients, for the items after them
        context.gemeenten_in_file.update(
            (sleutel, gemeente_id) for offset, (sleutel, gemeente_id) in enumerate(zip(sleutels, columns["gemeente_id"],
                                                                                     strict=True))
            if offset not in problems)

    if stored_offsets:
        names = tuple(columns)
        for offset in stored_offsets:
            excel_row, _cells, _shown, sleutel, _hash, found = candidates[offset]
            values = dict(zip(names, (column[offset] for column in columns.values()), strict=True))
            row = PlannedRow(excel_row, sleutel, values, pk=found[0],
                             client_key=client_keys[offset] if client_keys else "",
                             traject_key=traject_keys[offset] if traject_keys is not None else None)
            to_compare.append((row, found))
    if new_offsets:
        picked = None if len(new_offsets) == len(candidates) else new_offsets
        new_columns = _take(columns, picked)
        if export_type.name == "kandidaten":
            _derive_new_kandidaten(new_columns, len(new_offsets), context)
        plan.new.add(_NewBatch(
            tuple(new_columns), list(new_columns.values()), _pick([candidate[0] for candidate in candidates], picked),
            _pick(sleutels, picked), _pick(client_keys, picked), _pick(traject_keys, picked),
        ))


def _finish_columns(columns, sleutels, stored_gemeenten, export_type, context, plan):
    """Type-specific completion of a chunk's columns, in place: pseudo-fields, cross-field checks, references.

    `stored_gemeenten`: per row the gemeente of the stored client (an item's: of its stored client), or None.
    Returns (client keys, traject keys, {offset: problem}); the keys are None where the type has none.
    """
    scope = context.scope
    problems = {}
    if export_type.name == "kandidaten":
        shown, gemeente_ids, _known = _unzip(columns.pop("gemeente"), 3)
        columns["gemeente_id"] = gemeente_ids
        columns["gemeente_in_bron"] = shown
        if "participatieladder" in columns:
            label, rung, growth = _unzip(columns["participatieladder"], 3)
            columns["participatieladder"] = label
            columns["ladder_trede"] = rung
            columns["ladder_groeipotentieel"] = growth
        scope.refuse(problems, gemeente_ids, "Bet. gemeente", shown, scope.gemeente_message)
        scope.refuse(problems, stored_gemeenten, "Pers. nr.", columns["pers_nr"], scope.client_message)
        return None, None, problems
    count = len(sleutels)
    starts = columns.get("startdatum") or [None] * count
    ends = columns.get("einddatum") or [None] * count
    for offset, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if start and end and end < start:
            problems[offset] = ("Einddatum", end.strftime("%d-%m-%Y"), "de einddatum ligt vóór de startdatum")
    client_shown = columns.pop("pers_nr")
    client_keys = list(map(pers_nr_sleutel, client_shown))
    known_clients, clients_in_file = context.clients, context.clients_in_file
    for offset, client_key in enumerate(client_keys):
        if offset not in problems and client_key not in known_clients and client_key not in clients_in_file:
            problems[offset] = ("Pers. nr.", client_key, "onbekende Pers. nr.; importeer eerst de kandidaten")
    if not scope.everything:
        client_gemeenten = list(map(context.client_gemeente, client_keys))
        scope.refuse(problems, client_gemeenten, "Pers. nr.", client_shown, scope.client_message)
        scope.refuse(problems, stored_gemeenten, "Pers. nr.", client_shown, scope.client_message)
    columns["sleutel"] = sleutels
    traject_keys = None
    if "traject_ref" in columns:  # modules; without the column every stored link stays as it is
        traject_keys = [pers_nr_sleutel(ref) if ref else "" for ref in columns["traject_ref"]]
        known, in_file = context.trajecten, context.trajecten_in_file
        plan.unknown_trajecten += sum(
            1 for offset, key in enumerate(traject_keys)
            if key and offset not in problems and key not in known and key not in in_file
        )
    return client_keys, traject_keys, problems


def _unzip(column, width):
    """[(a, b), (a, b)] -> [a, a], [b, b]; `width` empty lists for an empty column."""
    return [list(part) for part in zip(*column, strict=True)] if column else [[] for _ in range(width)]


def reference_columns(export_type, context, client_keys, traject_keys):
    """Items point at their client (and modules at their traject) by database id: {field: ids per row}."""
    references = {}
    if export_type.is_item:
        references["kandidaat_id"] = list(map(context.clients.get, client_keys))
    if traject_keys is not None:
        trajecten = context.trajecten
        references["traject_id"] = [trajecten.get(key) if key else None for key in traject_keys]
    return references


def resolve_references(row, export_type, context):
    """reference_columns() for one planned row, into its values."""
    traject_keys = None if row.traject_key is None else [row.traject_key]
    for name, ids in reference_columns(export_type, context, [row.client_key], traject_keys).items():
        row.values[name] = ids[0]


def _compare_changed(plan, export_type, to_compare, context):
    """Fetch the old values of rows whose raw cells changed and keep the real field changes."""
    model = export_type.model
    compare_fields = _stored_fields(export_type)
    for start in range(0, len(to_compare), 900):
        batch = to_compare[start:start + 900]
        old_rows = {
            row["id"]: row
            for row in model.objects.filter(pk__in=[found[0] for _, found in batch]).values("id", *compare_fields)
        }
        for row, found in batch:
            old = old_rows[found[0]]
            if export_type.name == "kandidaten":
                _derive_kandidaat(row.values, old, context)
            else:
                resolve_references(row, export_type, context)
            changes = {
                name: (old[name], value)
                for name, value in row.values.items()
                if name in old and name != "bron_hash" and old[name] != value
            }
            for reference in ("kandidaat_id", "traject_id"):
                # A client or traject that arrives with this same file has no id yet.
                if export_type.is_item and reference in changes and changes[reference][1] is None:
                    if reference == "kandidaat_id" or row.traject_key:
                        changes.pop(reference)
            if not old["in_bron"]:
                changes["in_bron"] = (False, True)
            if not changes:
                plan.unchanged += 1
                plan.rehash.append((row.pk, row.values["bron_hash"]))
                continue
            row.changes = changes
            plan.changed.append(row)
            for name, (old_value, new_value) in changes.items():
                if name == "kandidaat_id":  # named by Pers. nr. below, all at once
                    plan.field_changes[(name, old_value, new_value)] += 1
                elif name not in _QUIET_FIELDS and name != "profiel_nodig_sinds":
                    plan.field_changes[(label(name), display(name, old_value), display(name, new_value))] += 1
    _name_moved_items(plan)


def _name_moved_items(plan):
    """An item that moved to another client shows as "Pers. nr. 123 → 456", never by database ids."""
    moves = {key: count for key, count in plan.field_changes.items() if key[0] == "kandidaat_id"}
    if not moves:
        return
    ids = {pk for _name, old, new in moves for pk in (old, new)}
    pers_nrs = dict(Kandidaat.objects.filter(pk__in=ids).values_list("pk", "pers_nr"))
    for key, count in moves.items():
        del plan.field_changes[key]
        _name, old, new = key
        plan.field_changes[("Pers. nr.", pers_nrs.get(old, "(leeg)"), pers_nrs.get(new, "(leeg)"))] += count


def _stored_fields(export_type):
    if export_type.name == "kandidaten":
        return (*KANDIDAAT_SOURCE_FIELDS, *KANDIDAAT_DERIVED_FIELDS, "profiel_nodig_sinds", "in_bron")
    fields = [f.attname for f in export_type.model._meta.concrete_fields if f.attname not in ("id", "bijgewerkt")]
    return tuple(name for name in fields if name not in ("niet_in_bron_sinds", "laatste_import_id"))


_DERIVE_INPUTS = (("dgr", False), ("banenafspraak", False), ("beschut_werk", False), ("sonar_status", ""),
                  ("klantprofiel", "L"), ("doelgroep", ""), ("indicering", ""))
_DERIVE_NAMES = tuple(name for name, _default in _DERIVE_INPUTS)


def _derived(found, context):
    """(klant van, in doelgroep banenafspraak, telt in Sonar, profiel nodig) of the _DERIVE_NAMES values."""
    derived = context.derived.get(found)
    if derived is None:
        inputs = tuple(default if value is None else value
                       for value, (_name, default) in zip(found, _DERIVE_INPUTS, strict=True))
        dgr, banenafspraak, beschut_werk, sonar_status, klantprofiel, doelgroep, indicering = inputs
        in_doelgroep, telt, nodig = derive_flags(
            dgr=dgr, banenafspraak=banenafspraak, beschut_werk=beschut_werk, sonar_status=sonar_status,
            klantprofiel=klantprofiel,
        )
        klant_van = derive_klant_van(indicering, context.doelgroep_klant_van.get(doelgroep_sleutel(doelgroep), ""))
        derived = context.derived[found] = (klant_van, in_doelgroep, telt, nodig)
    return derived


def _derive_new_kandidaten(columns, count, context):
    """_derive_kandidaat() for a chunk of new clients at once: the same flags, added as columns."""
    absent = [None] * count
    found = zip(*(columns.get(name, absent) for name in _DERIVE_NAMES), strict=True)
    klant_van, in_doelgroep, telt, nodig = _unzip(list(map(_derived, found, itertools.repeat(context))), 4)
    columns["klant_van"] = klant_van
    columns["in_doelgroep_banenafspraak"] = in_doelgroep
    columns["telt_in_sonar"] = telt
    columns["profiel_nodig"] = nodig
    # A new client who needs a profiel needs it since this import.
    today = context.import_date
    columns["profiel_nodig_sinds"] = [today if needed else None for needed in nodig]


def _derive_kandidaat(values, old, context):
    """THE derived flags (models.kandidaat.derive_flags) from this file's values over the stored ones."""
    merged = {**old, **values} if old else values
    klant_van, in_doelgroep, telt, nodig = _derived(tuple(map(merged.get, _DERIVE_NAMES)), context)
    values["klant_van"] = klant_van
    values["in_doelgroep_banenafspraak"] = in_doelgroep
    values["telt_in_sonar"] = telt
    values["profiel_nodig"] = nodig
    was_needed = bool(old and old.get("profiel_nodig") and old.get("in_bron"))
    if nodig:
        values["profiel_nodig_sinds"] = (old or {}).get("profiel_nodig_sinds") if was_needed else None
        values["profiel_nodig_sinds"] = values["profiel_nodig_sinds"] or context.import_date
    else:
        values["profiel_nodig_sinds"] = None


def _gemeente_warnings(plan, counts, context):
    gemeenten = set()
    unknown = collections.Counter()
    for raw, count in counts.items():
        try:
            shown, gemeente_id, known = context.gemeenten(raw)
        except CellError:
            continue
        gemeenten.add(gemeente_id)
        if not known:
            unknown[shown or "(leeg)"] += count
    for name, count in unknown.most_common():
        plan.warnings.append(f"Onbekende gemeente '{name}': {count} {'rij' if count == 1 else 'rijen'} "
                             "(bewaard onder 'Onbekend').")
    return gemeenten


def _doelgroep_warnings(plan, counts, context, present_columns):
    if any(column.field == "indicering" for column in present_columns):
        return
    unknown = collections.Counter()
    for raw, count in counts.items():
        try:
            name = n.text(raw)
        except CellError:
            continue
        if doelgroep_sleutel(name) not in context.doelgroep_klant_van or not context.doelgroep_klant_van.get(
            doelgroep_sleutel(name)
        ):
            unknown[name or "(leeg)"] += count
    for name, count in unknown.most_common():
        plan.warnings.append(
            f"Doelgroep '{name}' staat niet in de tabel doelgroepen: 'klant van' is onbekend voor {count} "
            f"{'rij' if count == 1 else 'rijen'} (beheer kan de doelgroep toevoegen)."
        )


_LABELS = {
    "gemeente_id": "gemeente", "sonar_status": "status", "dgr": "DGR", "banenafspraak": "banenafspraak",
    "dv_laatste_soort": "DV laatste soort", "in_bron": "in bron", "indicering": "indicering",
    "telt_in_sonar": "telt mee in Sonar", "profiel_nodig": "profiel nodig",
    "in_doelgroep_banenafspraak": "in doelgroep banenafspraak", "klant_van": "klant van",
    "beschut_werk": "beschut werk", "traject_ref": "Traject-ID",
}


def label(field_name):
    return _LABELS.get(field_name, field_name)


def display(field_name, value):
    if value is None or value == "":
        return "(leeg)"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if field_name == "gemeente_id":
        return _gemeente_name(value)
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(value)


_GEMEENTE_NAMES = {}


def _gemeente_name(pk):
    if pk not in _GEMEENTE_NAMES:
        _GEMEENTE_NAMES[pk] = Gemeente.objects.filter(pk=pk).values_list("naam", flat=True).first() or str(pk)
    return _GEMEENTE_NAMES[pk]
