"""Plan: a detected sheet against the database -> new, changed (field by field), unchanged, gone.

Planning reads the data and writes none of it: planned rows go to the store (temporary tables, store.py),
from where apply.py writes them in one short transaction. A weekly re-import of a mostly unchanged file is
what must be fast: every stored record keeps the hash of its raw cells (hashing.py), and a row that hashes
the same is unchanged without being normalised. Rows come in chunks of 10,000: the quick pass settles a
chunk's unchanged rows with whole-chunk operations when it can judge them exactly as the row-by-row path
would (property-tested); the remaining rows are normalised column by column, each distinct value once.
What an export type does beyond this flow is in its rules (rules.py).
"""

import collections
import itertools
import operator

from kandidaten.models import Kandidaat

from . import normalise as n
from .columns import ColumnNormaliser, Failed
from .errors import CellError
from .existing import Existing
from .hashing import digests_of_text_rows, raw_digests, raw_hash, sheet_salt
from .origin import ERRORBOOK_WARNING
from .result import GONE_CONFIRM_SAMPLE, SheetPlan, display, label
from .store import CHANGED, GONE, HISTORY, REHASH, REHASH_COLUMNS
from .types import header_key

CHUNK_ROWS = 10_000
COMPARE_BATCH = 900  # stored records read per query: under SQLite's old limit of 999 parameters


def plan_sheet(raw_sheet, layout, context, store, progress=None):
    """The SheetPlan of one sheet; its rows go to `store`. `progress(rows read)` is called per chunk."""
    plan = SheetPlan(raw_sheet.name, layout.export_type, header_row=layout.header_row,
                     unknown_columns=layout.unknown_columns, header=layout.header_cells,
                     warnings=list(layout.warnings))
    if layout.missing_required:
        plan.sheet_errors.append(
            "Verplichte kolom ontbreekt: " + ", ".join(layout.missing_required)
            + f" (kopregel gezocht in de eerste 20 rijen; gevonden in rij {layout.header_row + 1})."
        )
        return plan
    SheetPlanner(raw_sheet, layout, context, store, plan).run(progress)
    return plan


class Tally:
    """What every row read adds, changed or not: the raw cells of its type's tallied fields, counted (the
    gemeenten a file speaks for, the clients an item file speaks for, warnings with row counts)."""

    def __init__(self, layout):
        self.counts = {field: collections.Counter() for field in layout.export_type.rules.tallied_fields}
        self.has_indicering = any(column.field == "indicering" for column in layout.positions)
        self._columns = [(self.counts[column.field].update, operator.itemgetter(position))
                         for column, position in layout.positions.items() if column.field in self.counts]

    def rows(self, rows):
        for add, cell_of in self._columns:
            add(map(cell_of, rows))

    def row(self, cells):
        for add, cell_of in self._columns:
            add((cell_of(cells),))


class QuickPass:
    """Settles the unchanged rows of a chunk with whole-chunk operations, with the row-by-row path's outcome.

    Takes the rows of a chunk that have a plain key (normalise.plain_keys) when no key among them occurs twice
    (in the chunk or before it) or in another row of the chunk, no formula lacks its value and every one is
    within the user's scope: then none of them can be skipped or refused, and the order in which they are
    judged does not matter. The chunk's other rows — empty rows, noise, keys that are not plain — go row by
    row, and together they are handed on in the file's order.
    """

    def __init__(self, planner):
        self.planner = planner
        self.key_of = operator.itemgetter(planner.key_position)
        # Only records still in the source can be unchanged; one that returns must be written.
        self.unchanged = planner.existing.digests_in_source.__contains__

    def candidates(self, index, chunk):
        """The chunk's rows that are not unchanged, as the row-by-row path would hand them on; or None."""
        planner = self.planner
        if planner.formula_rows and not planner.formula_rows.isdisjoint(range(index, index + len(chunk))):
            return None
        cells = list(map(self.key_of, chunk))
        keys = n.plain_keys(cells)
        if keys is not None:
            return self._plain(range(index + 1, index + 1 + len(chunk)), chunk, *keys, keys_as_cells=keys[0] is cells)
        # The usual noise (an empty row, the header again after a page break, a total row) has no plain key.
        flags = n.plain_key_flags(cells)
        plain = list(itertools.compress(range(len(chunk)), flags))
        if len(plain) * 2 < len(chunk):
            return None  # mostly noise: row by row
        others = list(itertools.compress(range(len(chunk)), map(operator.not_, flags)))
        shown, sleutels = n.plain_keys([cells[offset] for offset in plain])  # all plain: never None
        if not _keys_of(cells[offset] for offset in others).isdisjoint(sleutels):
            return None  # the row-by-row path would judge which of two rows comes first
        quick = self._plain([index + 1 + offset for offset in plain], [chunk[offset] for offset in plain], shown,
                            sleutels)
        if quick is None:
            return None
        rest = planner.judge_rows((index + 1 + offset, chunk[offset]) for offset in others)
        return sorted(quick + rest, key=operator.itemgetter(0))

    def _plain(self, excel_rows, rows, shown, sleutels, keys_as_cells=False):
        """`keys_as_cells`: the shown keys are the key cells themselves (text), which hash a row with one join."""
        planner = self.planner
        if planner.in_scope is not None and not all(map(planner.in_scope, rows)):
            return None
        distinct = set(sleutels)
        # dict_keys.isdisjoint(set) walks the set (this chunk), not every key seen so far.
        if len(distinct) != len(sleutels) or not planner.seen.keys().isdisjoint(distinct):
            return None
        planner.seen.update(zip(sleutels, excel_rows, strict=True))
        planner.plan.rows_read += len(rows)
        planner.tally.rows(rows)
        digests = digests_of_text_rows(planner.salt, rows, planner.key_and_others) if keys_as_cells else None
        if digests is None:
            digests = raw_digests(planner.salt, shown, list(map(planner.others_of, rows)))
        changed = list(map(operator.not_, map(self.unchanged, digests)))
        planner.plan.unchanged += changed.count(False)
        candidates = list(itertools.compress(zip(excel_rows, rows, shown, sleutels, digests, strict=True), changed))
        existing = planner.existing
        existing.read(sleutel for _row, _cells, _shown, sleutel, _digest in candidates)
        return [(row, cells, shown_key, sleutel, digest.hex(), existing.get(sleutel))
                for row, cells, shown_key, sleutel, digest in candidates]


def _keys_of(cells):
    """The keys of these cells as key_of() parses them; cells that are no key are left out."""
    keys = set()
    for cell in cells:
        try:
            keys.add(n.key_of(cell)[1])
        except CellError:
            continue
    return keys


class SheetPlanner:
    """Plans one sheet: a candidate is (excel row, cells, shown key, sleutel, row hash, Stored or None)."""

    def __init__(self, raw_sheet, layout, context, store, plan):
        self.raw_sheet, self.layout, self.context, self.store, self.plan = raw_sheet, layout, context, store, plan
        self.export_type = export_type = layout.export_type
        self.rules = export_type.rules
        positions = layout.positions
        key_column = next(column for column in positions if column.field == export_type.id_field)
        self.key_position, self.key_header = positions[key_column], key_column.header
        # A row is the header again when its key cell and another cell say what the header says.
        self.key_keys = key_column.keys
        second = next(column for column in positions if column is not key_column)
        self.header_check = (second.keys, positions[second])
        self.repeated_headers = 0
        # In the type's column order (positions keeps it): what a stored hash was made of.
        others = [position for column, position in positions.items() if column is not key_column]
        self.others_of = operator.itemgetter(*others) if len(others) > 1 else (lambda cells, _p=others[0]: (cells[_p],))
        self.key_and_others = operator.itemgetter(self.key_position, *others)
        header_names = {position: str(cell).strip() for position, cell in enumerate(layout.header_cells)}
        self.normalisers = [
            (column.field, operator.itemgetter(position),
             ColumnNormaliser(column.normalise or context.gemeenten, remember=column.remember),
             header_names.get(position, column.header))
            for column, position in positions.items() if column is not key_column
        ]
        self.value_names = ("bron_hash", export_type.id_field, *(name for name, *_ in self.normalisers))
        self.required = {position: column for column, position in positions.items() if column.required}
        self.formulas = raw_sheet.formulas_without_value
        self.formula_rows = {row for row, col in self.formulas if col in self.required}
        self.existing = Existing(export_type, context.hashes_read_ahead(export_type))
        self.salt = sheet_salt(context.salt, layout)
        self.seen = {}  # sleutel -> the Excel row that has it: duplicates, and what is still in the source
        self.tally = Tally(layout)
        self.in_scope = context.scope.row_test(layout, context)
        self.moved = collections.Counter()  # items: (old client key, new client key) -> rows, named at the end

    def run(self, progress):
        rows = self.raw_sheet.iter_rows()
        index = self.layout.header_row + 1
        rows_seen = len(list(itertools.islice(rows, index)))
        quick = QuickPass(self)
        width = len(self.layout.header_cells)
        while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
            rows_seen = index + len(chunk)
            if min(map(len, chunk)) < width:
                chunk = [cells if len(cells) >= width else [*cells, *[None] * (width - len(cells))] for cells in chunk]
            # Most rows of a weekly re-import are unchanged: the quick pass settles them a chunk at a time and
            # hands over the rest; a chunk it cannot judge exactly the same way goes row by row.
            candidates = quick.candidates(index, chunk)
            if candidates is None:
                candidates = self.judge_rows(enumerate(chunk, start=index + 1))
            index += len(chunk)
            self._settle(candidates, *self._normalise(candidates))
            if progress:
                progress(self.plan.rows_read)
        self._close(rows_seen)

    def judge_rows(self, numbered_rows):
        """The candidates of (excel row, cells) pairs, one row after the other."""
        candidates = []
        for excel_row, cells in numbered_rows:
            if not any(cells) and all(cell is None or cell == "" for cell in cells):
                continue
            if self.repeated_header(cells):
                self.repeated_headers += 1
                continue
            self.plan.rows_read += 1
            candidate = self._read_row(excel_row, cells)
            if candidate is not None:
                candidates.append(candidate)
        return candidates

    def repeated_header(self, cells):
        """The header again (a page break in the export): skipped, never read as a record."""
        return header_key(cells[self.key_position]) in self.key_keys and header_key(
            cells[self.header_check[1]]) in self.header_check[0]

    def _read_row(self, excel_row, cells):
        """One row up to its hash: a candidate, or None when it is refused or unchanged."""
        plan = self.plan
        if excel_row - 1 in self.formula_rows:
            # Formula cells that Excel never calculated read as empty: in a required column that is an error.
            for row, col in sorted(self.formulas):
                if row == excel_row - 1 and col in self.required:
                    plan.row_error(excel_row, cells, self.required[col].header, "(formule)",
                                   "formule zonder berekende waarde: open het bestand in Excel, laat het "
                                   "herberekenen en sla het op")
            return None
        cell = cells[self.key_position]
        try:
            shown_key, sleutel = n.key_of(cell)
        except CellError as problem:
            plan.row_error(excel_row, cells, self.key_header, cell, str(problem))
            return None
        first = self.seen.get(sleutel)
        if first is not None:
            plan.row_error(excel_row, cells, self.key_header, shown_key, f"dubbel: dit nummer staat ook in rij {first}")
            return None
        self.seen[sleutel] = excel_row
        self.tally.row(cells)
        row_hash = raw_hash(self.salt, shown_key, self.others_of(cells))
        found = self.existing.get(sleutel)
        if found is not None and found.bron_hash == row_hash and found.in_bron and (
                self.in_scope is None or self.in_scope(cells)):
            plan.unchanged += 1
            return None
        return excel_row, cells, shown_key, sleutel, row_hash, found

    def _normalise(self, candidates):
        """The candidates' cells column by column: ({name: values}, {offset: [(column, cell, message)]})."""
        cells_of_rows = [candidate[1] for candidate in candidates]
        normalised = []
        refused = collections.defaultdict(list)
        for _name, cell_of, normaliser, column_name in self.normalisers:
            column = normaliser.column(list(map(cell_of, cells_of_rows)))
            normalised.append(column)
            if normaliser.failed_ever:  # a column without problems costs no per-row test
                for offset, value in enumerate(column):
                    if type(value) is Failed:
                        refused[offset].append((column_name, cell_of(cells_of_rows[offset]), value.message))
        hashes = [candidate[4] for candidate in candidates]
        shown_keys = [candidate[2] for candidate in candidates]
        return dict(zip(self.value_names, (hashes, shown_keys, *normalised), strict=True)), refused

    def _settle(self, candidates, columns, refused):
        """Hand a chunk's normalised candidates on: row errors, new rows to the store, stored ones compared."""
        plan = self.plan
        for offset in sorted(refused):
            excel_row, cells = candidates[offset][:2]
            for column_name, cell, message in refused[offset]:
                plan.row_error(excel_row, cells, column_name, cell, message)
        if refused:
            kept = [offset for offset in range(len(candidates)) if offset not in refused]
            candidates = [candidates[offset] for offset in kept]
            columns = {name: [column[offset] for offset in kept] for name, column in columns.items()}
        sleutels = [candidate[3] for candidate in candidates]
        stored_gemeenten = [candidate[5].gemeente_id if candidate[5] else None for candidate in candidates]
        problems = self.rules.finish(columns, sleutels, stored_gemeenten, self.context, plan)
        for offset, problem in sorted(problems.items()):
            plan.row_error(*candidates[offset][:2], *problem)
        valid = [offset for offset in range(len(candidates)) if offset not in problems]
        self.rules.bring(self.context, [sleutels[offset] for offset in valid],
                         {name: [column[offset] for offset in valid] for name, column in columns.items()})
        new = [offset for offset in valid if candidates[offset][5] is None]
        stored = [offset for offset in valid if candidates[offset][5] is not None]
        self._store_new(columns, new)
        for start in range(0, len(stored), COMPARE_BATCH):
            self._compare([(candidates[offset][5], {name: column[offset] for name, column in columns.items()})
                           for offset in stored[start:start + COMPARE_BATCH]])

    def _store_new(self, columns, offsets):
        if not offsets:
            return
        picked = {name: [column[offset] for offset in offsets] for name, column in columns.items()}
        self.rules.derive_new(picked, len(offsets), self.context)
        self.plan.new += len(offsets)
        self.store.add_new(self.export_type, picked)

    def _compare(self, batch):
        """Compare rows whose raw cells changed with their stored values: changed, or the same once normalised."""
        rules, plan, context = self.rules, self.plan, self.context
        fields = rules.stored_fields(self.export_type.model)
        old_rows = {row["id"]: row for row in self.export_type.model.objects.filter(
            pk__in=[stored.pk for stored, _values in batch]).values("id", *fields)}
        changed, rehashed, history = [], [], []
        for stored, values in batch:
            old = old_rows[stored.pk]
            rules.derive_changed(values, old, context)
            changes = rules.changes(values, old)
            if not changes:
                plan.unchanged += 1
                rehashed.append((stored.pk, values["bron_hash"]))
                continue
            changed.append((stored.pk, *values.values()))
            for name, (old_value, new_value) in changes.items():
                if name == "kandidaat":  # an item moved to another client: named by Pers. nr. at the end
                    self.moved[(old_value, new_value)] += 1
                elif name == "gemeente_id":
                    plan.gemeenten.add(old_value)  # a client who moved leaves his old gemeente changed too
                if name not in rules.quiet_fields and name != "kandidaat":
                    shown = (display(name, old_value, context), display(name, new_value, context))
                    plan.field_changes[(label(name), *shown)] += 1
                    if rules.history:
                        history.append((stored.pk, name, shown[0][:200], shown[1][:200]))
        plan.changed += len(changed)
        if batch:
            self.store.add(CHANGED, self.export_type, ("id", *batch[0][1]), changed)
        self.store.add(REHASH, self.export_type, REHASH_COLUMNS, rehashed)
        self.store.add(HISTORY, self.export_type, ("kandidaat_id", "veld", "oud", "nieuw"), history)

    def _close(self, rows_seen):
        """What a sheet is only known whole: errors in order, completeness, gone, warnings."""
        plan, context = self.plan, self.context
        # A chunk reports its key and duplicate errors before its cell errors: show them in the file's order.
        plan.errors.sort(key=operator.attrgetter("row"))
        expected = self.raw_sheet.expected_rows
        if expected and rows_seen < expected:  # never import a part of a sheet silently
            plan.sheet_errors.append(f"Het blad kon niet volledig worden gelezen ({rows_seen} van {expected} rijen): "
                                     "sla het bestand opnieuw op als .xlsx.")
        self._name_moved_items()
        if self.repeated_headers:
            plan.warnings.append(f"{self.repeated_headers} herhaalde kopregel(s) in het blad overgeslagen.")
        # Nothing outside the user's gemeenten is touched, nor goes gone.
        gemeenten = context.scope.within(self.rules.gemeenten_in_file(self.tally, context, plan))
        plan.gemeenten = context.scope.within(plan.gemeenten | gemeenten)
        # Rows with an error still name a record that is in the source: it is not marked gone.
        plan.existing_in_source, plan.gone = self.existing.in_source(gemeenten, self.seen.keys())
        if self.layout.partial:
            plan.gone = []
            plan.warnings.append(ERRORBOOK_WARNING)
        self.store.add(GONE, self.export_type, ("id",), ((pk,) for pk in plan.gone))
        plan.gone_sample = self.rules.gone_sample(self.export_type, plan.gone[:GONE_CONFIRM_SAMPLE])
        plan.warnings += self.rules.sheet_warnings(plan)
        if plan.rows_read == 0:
            plan.sheet_errors.append("Het blad heeft een kopregel maar geen gegevensrijen.")

    def _name_moved_items(self):
        """An item that moved to another client shows as "Pers. nr. 0123 → 0456", as the clients are known."""
        if not self.moved:
            return
        keys = {key for pair in self.moved for key in pair}
        shown = dict(Kandidaat.objects.filter(pers_nr_sleutel__in=keys).values_list("pers_nr_sleutel", "pers_nr"))
        for (old, new), count in self.moved.items():
            self.plan.field_changes[(label("kandidaat"), shown.get(old, old), shown.get(new, new))] += count
