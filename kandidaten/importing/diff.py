"""Diff: a detected sheet against the database -> new, changed (with fields), unchanged, gone.

Speed matters most for the weekly re-import of a mostly unchanged file. Every
stored record keeps `bron_hash`, a hash of its raw cells as read; a row whose
raw cells hash the same as last time is unchanged without being normalised.
The hash includes a salt of the reference data (gemeenten and aliases) and of
this module's version, so a new alias re-normalises every row once.
"""

import collections
import hashlib
import operator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max

from kandidaten.keys import doelgroep_sleutel, pers_nr_sleutel
from kandidaten.models import Doelgroep, Gemeente, GemeenteAlias, Kandidaat, Traject
from kandidaten.models.kandidaat import derive_flags, derive_klant_van

from . import normalise as n
from .errors import CellError, RowError

NORMALISE_VERSION = "1"
MAX_ERRORS_KEPT = 200
FLUSH_ROWS = 10_000
_ABSENT = "<geen kolom>"

# Kandidaat fields an export may set, in the order history and previews show them.
KANDIDAAT_SOURCE_FIELDS = (
    "pers_nr", "gemeente_id", "gemeente_in_bron", "naam", "doelgroep", "dgr", "banenafspraak", "sonar_status",
    "klantprofiel", "participatieladder", "ladder_trede", "ladder_groeipotentieel", "dv_laatste_soort",
    "begeleider", "indicering", "beschut_werk",
)
KANDIDAAT_DERIVED_FIELDS = ("klant_van", "in_doelgroep_banenafspraak", "telt_in_sonar", "profiel_nodig")
# Fields whose changes are not worth a line in the preview or history: implied by others.
_QUIET_FIELDS = {"gemeente_in_bron", "ladder_trede", "ladder_groeipotentieel", "pers_nr"}


@dataclass
class PlannedRow:
    excel_row: int
    sleutel: str
    values: dict  # model field -> value (only fields this file sets, plus derived ones)
    pk: int | None = None  # existing record
    changes: dict = field(default_factory=dict)  # field -> (old, new) for changed rows
    client_key: str = ""  # items: the client's Pers. nr. key
    traject_key: str = ""  # modules: the traject's key


@dataclass
class SheetPlan:
    sheet: str
    export_type: object | None
    rows_read: int = 0
    new: list = field(default_factory=list)
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

    def release(self):
        """Drop the planned rows once applied (or summarised); keep counts and errors."""
        self.new, self.changed, self.rehash, self.gone = [], [], [], []

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


def reference_salt():
    version = (
        Gemeente.objects.count(),
        GemeenteAlias.objects.count(),
        GemeenteAlias.objects.aggregate(m=Max("pk"))["m"],
        Gemeente.objects.aggregate(m=Max("pk"))["m"],
    )
    return f"{NORMALISE_VERSION}:{version}"


def hash_key(salt):
    return hashlib.blake2b(salt.encode("utf-8")).digest()


def raw_hash(key, raw):
    data = repr(raw).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=8, key=key).hexdigest()


def _existing(export_type):
    """sleutel -> (pk, bron_hash, in_bron, gemeente_id or None), with one plain cursor (fast)."""
    model = export_type.model
    table = connection.ops.quote_name(model._meta.db_table)
    if export_type.is_item:
        sql = f"SELECT sleutel, id, bron_hash, in_bron, NULL FROM {table}"
    else:
        sql = f"SELECT pers_nr_sleutel, id, bron_hash, in_bron, gemeente_id FROM {table}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _keys_of(model, key_column):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key_column}, id FROM {table}")
        return dict(cursor.fetchall())


class Context:
    """What the sheets of one file share: reference data, and keys the file itself brings."""

    def __init__(self, import_date):
        self.import_date = import_date
        self.salt = reference_salt()
        self.gemeenten = n.GemeenteResolver()
        self.doelgroep_klant_van = dict(Doelgroep.objects.values_list("sleutel", "klant_van"))
        self._clients = None
        self._trajecten = None
        self.clients_in_file = set()
        self.trajecten_in_file = set()
        self.derived = {}  # the derived flags per distinct combination of their inputs
        self.dropped_indexes = {}  # type name -> CREATE INDEX statements to re-run after its bulk insert

    @property
    def clients(self):
        if self._clients is None:
            self._clients = _keys_of(Kandidaat, "pers_nr_sleutel")
        return self._clients

    @property
    def trajecten(self):
        if self._trajecten is None:
            self._trajecten = _keys_of(Traject, "sleutel")
        return self._trajecten

    def forget_keys(self):
        """After applying a sheet, re-read keys so items find the clients just inserted."""
        self._clients = None
        self._trajecten = None


def _row_error(plan, excel_row, cells, column_name, value, message):
    plan.errors.append(
        RowError(plan.sheet, excel_row, column_name, "" if value is None else str(value)[:200], message, list(cells))
    )
    plan.error_rows.add(excel_row)


class Memo:
    """Normalise each distinct cell value once: most columns repeat a handful of values.

    Keyed on (type, value) because 1 == 1.0 == True in a dict. Stops growing at
    `limit` entries so high-cardinality columns (names) cost no more than before.
    """

    _ERROR = object()

    def __init__(self, function, limit=50_000):
        self.function = function
        self.cache = {}
        self.limit = limit

    def __call__(self, value):
        key = (type(value), value)
        try:
            hit = self.cache[key]
        except KeyError:
            try:
                hit = self.function(value)
            except CellError as error:
                hit = (self._ERROR, str(error))
            if len(self.cache) < self.limit:
                self.cache[key] = hit
        except TypeError:  # unhashable: never from our readers, but never crash either
            return self.function(value)
        if type(hit) is tuple and len(hit) == 2 and hit[0] is self._ERROR:
            raise CellError(hit[1])
        return hit


def plan_sheet(raw_sheet, layout, context, progress=None, sink=None):
    """Plan one sheet. With `sink`, new rows are handed over in batches instead of kept (flat memory)."""
    export_type = layout.export_type
    plan = SheetPlan(raw_sheet.name, export_type, header_row=layout.header_row)
    plan.unknown_columns = layout.unknown_columns
    plan.header = layout.header_cells
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
    gemeente_position = layout.positions.get(columns[0]) if not export_type.is_item else None
    doelgroep_column = next((c for c in columns if c.field == "doelgroep"), None)
    doelgroep_position = layout.positions.get(doelgroep_column) if doelgroep_column else None
    required_positions = {
        layout.positions[column]: column for column in columns if column.required and column in layout.positions
    }
    existing = _existing(export_type)
    salt = hash_key(f"{context.salt}:{export_type.name}:" + ",".join(
        column.header if position is not None else _ABSENT for column, position in zip(columns, positions, strict=True)
    ))
    header = layout.header_cells
    header_names = {position: str(header[position]).strip() for position in range(len(header))}
    seen = {}
    gemeente_counts = collections.Counter()
    doelgroep_counts = collections.Counter()
    width = len(header)
    formulas = raw_sheet.formulas_without_value
    to_compare = []
    # The gemeente column needs the reference list: its normaliser lives in the context.
    # The key is normalised above; names are nearly all distinct, so memoising them would only cost.
    normalisers = [
        (column.field, position,
         column.normalise if column.field == "naam" else
         Memo(context.gemeenten if column.field == "gemeente" else column.normalise),
         header_names.get(position, column.header))
        for column, position in zip(columns, positions, strict=True)
        if position is not None and column.field != export_type.id_field
    ]

    key_header = columns[key_index].header
    is_kandidaten = export_type.name == "kandidaten"
    in_file = (context.clients_in_file if is_kandidaten
               else context.trajecten_in_file if export_type.name == "trajecten" else set())
    present_positions = [position for position in positions if position is not None]
    raw_of = operator.itemgetter(*present_positions) if len(present_positions) > 1 else (
        lambda cells, _p=present_positions[0]: (cells[_p],))
    formula_rows = {row for row, col in formulas if col in required_positions}

    rows_seen = 0
    for index, cells in enumerate(raw_sheet.iter_rows()):
        rows_seen = index + 1
        if index <= layout.header_row:
            continue
        if len(cells) < width:
            cells = list(cells) + [None] * (width - len(cells))
        if not any(cells) and all(cell is None or cell == "" for cell in cells):
            continue
        plan.rows_read += 1
        if progress and plan.rows_read % 20000 == 0:
            progress(plan.rows_read)
        excel_row = index + 1

        # Formula cells that Excel never calculated read as empty: in a required column that is an error.
        if index in formula_rows:
            for row, col in sorted(formulas):
                if row == index and col in required_positions:
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
            _row_error(plan, excel_row, cells, key_header, shown_key, f"dubbel: dit nummer staat ook in rij {first}")
            continue
        seen[sleutel] = excel_row

        if gemeente_position is not None:
            gemeente_counts[cells[gemeente_position]] += 1
        if doelgroep_position is not None:
            doelgroep_counts[cells[doelgroep_position]] += 1

        row_hash = raw_hash(salt, raw_of(cells))
        found = existing.get(sleutel)
        if found is not None and found[1] == row_hash and found[2]:
            plan.unchanged += 1
            continue

        values = {"bron_hash": row_hash, export_type.id_field: shown_key}
        failed = False
        for field_name, position, normaliser, column_name in normalisers:
            try:
                values[field_name] = normaliser(cells[position])
            except CellError as problem:
                _row_error(plan, excel_row, cells, column_name, cells[position], str(problem))
                failed = True
        if failed:
            continue
        row = PlannedRow(excel_row, sleutel, values, pk=found[0] if found else None)
        problem = _finish_row(row, export_type, context, plan)
        if problem:
            _row_error(plan, excel_row, cells, *problem)
            continue
        in_file.add(sleutel)
        if found is None:
            if is_kandidaten:
                _derive_kandidaat(values, None, context)
            plan.new.append(row)
            if sink is not None and len(plan.new) >= FLUSH_ROWS:
                sink(plan.new)
                plan.new_flushed += len(plan.new)
                plan.new = []
        else:
            to_compare.append((row, found))

    if progress:
        progress(plan.rows_read)
    if raw_sheet.expected_rows and rows_seen < raw_sheet.expected_rows:
        # The reader returned fewer rows than the sheet holds: never import a part silently.
        plan.sheet_errors.append(
            f"Het blad kon niet volledig worden gelezen ({rows_seen} van {raw_sheet.expected_rows} rijen): "
            "sla het bestand opnieuw op als .xlsx."
        )
    # Rows with an error still name a record that is in the source: it must not be marked gone.
    seen_keys = seen.keys()
    _compare_changed(plan, export_type, to_compare, context)
    gemeenten_in_file = _gemeente_warnings(plan, gemeente_counts, context)
    _doelgroep_warnings(plan, doelgroep_counts, context, present)
    for sleutel, (pk, _hash, in_bron, gemeente_id) in existing.items():
        if not in_bron:
            continue
        if export_type.is_item or gemeente_id in gemeenten_in_file:
            plan.existing_in_source += 1
            if sleutel not in seen_keys:
                plan.gone.append(pk)
    if plan.unknown_trajecten:
        plan.warnings.append(
            f"{plan.unknown_trajecten} modules verwijzen naar een onbekend Traject-ID (geïmporteerd zonder traject)."
        )
    if plan.rows_read == 0:
        plan.sheet_errors.append("Het blad heeft een kopregel maar geen gegevensrijen.")
    return plan


def _finish_row(row, export_type, context, plan):
    """Type-specific completion: pseudo-fields, cross-field checks, references. Returns a problem or None."""
    values = row.values
    if export_type.name == "kandidaten":
        shown, gemeente_id, _known = values.pop("gemeente")
        values["gemeente_id"] = gemeente_id
        values["gemeente_in_bron"] = shown
        if "participatieladder" in values:
            label, rung, growth = values["participatieladder"]
            values.update(participatieladder=label, ladder_trede=rung, ladder_groeipotentieel=growth)
        return None
    start, end = values.get("startdatum"), values.get("einddatum")
    if start and end and end < start:
        return ("Einddatum", end.strftime("%d-%m-%Y"), "de einddatum ligt vóór de startdatum")
    client_key = pers_nr_sleutel(values.pop("pers_nr"))
    if client_key not in context.clients and client_key not in context.clients_in_file:
        return ("Pers. nr.", client_key, "onbekende Pers. nr.; importeer eerst de kandidaten")
    row.client_key = client_key
    values["sleutel"] = row.sleutel
    if export_type.name == "modules":
        row.traject_key = pers_nr_sleutel(values["traject_ref"]) if values.get("traject_ref") else ""
        if row.traject_key and row.traject_key not in context.trajecten and (
            row.traject_key not in context.trajecten_in_file
        ):
            plan.unknown_trajecten += 1
    return None


def resolve_references(row, export_type, context):
    """Items point at their client (and modules at their traject) by database id."""
    if export_type.is_item:
        row.values["kandidaat_id"] = context.clients.get(row.client_key)
    if export_type.name == "modules":
        row.values["traject_id"] = context.trajecten.get(row.traject_key) if row.traject_key else None


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
                if name not in _QUIET_FIELDS and name not in ("profiel_nodig_sinds", "kandidaat_id"):
                    plan.field_changes[(label(name), display(name, old_value), display(name, new_value))] += 1


def _stored_fields(export_type):
    if export_type.name == "kandidaten":
        return (*KANDIDAAT_SOURCE_FIELDS, *KANDIDAAT_DERIVED_FIELDS, "profiel_nodig_sinds", "in_bron")
    fields = [f.attname for f in export_type.model._meta.concrete_fields if f.attname not in ("id", "bijgewerkt")]
    return tuple(name for name in fields if name not in ("niet_in_bron_sinds", "laatste_import_id"))


_DERIVE_INPUTS = (("dgr", False), ("banenafspraak", False), ("beschut_werk", False), ("sonar_status", ""),
                  ("klantprofiel", "L"), ("doelgroep", ""), ("indicering", ""))


def _derive_kandidaat(values, old, context):
    """THE derived flags (models.kandidaat.derive_flags) from this file's values over the stored ones."""
    merged = {**old, **values} if old else values
    inputs = tuple(
        default if merged.get(name) is None else merged[name] for name, default in _DERIVE_INPUTS
    )
    derived = context.derived.get(inputs)
    if derived is None:
        dgr, banenafspraak, beschut_werk, sonar_status, klantprofiel, doelgroep, indicering = inputs
        in_doelgroep, telt, nodig = derive_flags(
            dgr=dgr, banenafspraak=banenafspraak, beschut_werk=beschut_werk, sonar_status=sonar_status,
            klantprofiel=klantprofiel,
        )
        klant_van = derive_klant_van(indicering, context.doelgroep_klant_van.get(doelgroep_sleutel(doelgroep), ""))
        derived = context.derived[inputs] = (klant_van, in_doelgroep, telt, nodig)
    klant_van, in_doelgroep, telt, nodig = derived
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
