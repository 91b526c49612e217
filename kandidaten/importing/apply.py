"""Apply: write what the plans left in the store (store.py), inside the caller's write transaction.

Set-based SQL from the temporary tables — INSERT … SELECT for new records, UPDATE … FROM for changed ones —
so the write lock is held for the copy only, not for reading and planning the file. An item's client (and a
module's traject) is looked up by business key as it is written, after the sheets before it.
"""

import contextlib

from django.db import connection
from django.utils import timezone

from kandidaten.models import KandidaatWijziging

from .store import CHANGED, GONE, HISTORY, NEW, REHASH, SHARED, SHARED_ID

BULK_MIN_ROWS = 50_000


def _quote(name):
    return connection.ops.quote_name(name)


def write_plans(plans, store, record, context):
    """Write every sheet of this import, in type order; returns the tables whose records changed."""
    written = set()
    for plan in plans:
        write_sheet(plan, store, record, context)
        if plan.changes:
            written.add(plan.export_type.model._meta.db_table)
            if plan.export_type.rules.history:
                written.add(KandidaatWijziging._meta.db_table)
    return written


def write_sheet(plan, store, record, context):
    export_type = plan.export_type
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with indexes_dropped_for_bulk(export_type.model, plan.new):
        insert_new(store, export_type, record, now)
    update_changed(store, export_type, record, now)
    table = _quote(export_type.model._meta.db_table)
    rehash = store.table(REHASH, export_type)
    if rehash:
        _execute(f"UPDATE {table} SET bron_hash = planned.bron_hash FROM {rehash[0]} AS planned "
                 f"WHERE {table}.id = planned.id")
    gone = store.table(GONE, export_type)
    if gone:
        _execute(f"UPDATE {table} SET in_bron = %s, niet_in_bron_sinds = %s, laatste_import_id = %s, bijgewerkt = %s "
                 f"WHERE id IN (SELECT id FROM {gone[0]})", [False, context.import_date, record.pk, now])
    if export_type.rules.history:
        write_history(store, export_type, record, context.import_date)


def insert_new(store, export_type, record, now):
    """INSERT … SELECT the new records; fields the file does not set get their defaults."""
    planned = store.table(NEW, export_type)
    if not planned:
        return
    model, rules = export_type.model, export_type.rules
    source, names = planned
    source += " AS planned"
    # {field: the expression that gives it}: the planned values, kept once per combination or per row
    given = {name: f"planned.{_quote(name)}" for name in names if not name.startswith("_")}
    shared = store.table(SHARED, export_type)
    if shared:  # store.add_new
        given |= {name: f"shared.{_quote(name)}" for name in shared[1] if name != "id"}
        source += f" JOIN {shared[0]} AS shared ON shared.id = planned.{_quote(SHARED_ID)}"
    given |= {reference.field: _lookup(reference) for reference in rules.references(names)}
    bookkeeping = {"in_bron": True, "niet_in_bron_sinds": None, "laatste_import_id": record.pk, "bijgewerkt": now}
    if rules.first_import_field:
        bookkeeping[rules.first_import_field] = record.pk
    fields = {field.attname: field for field in model._meta.concrete_fields}
    defaults = {name: None if field.is_relation else field.get_default() for name, field in fields.items()
                if name not in {"id", *given, *bookkeeping}}
    constants = {**defaults, **bookkeeping}
    columns = [*given, *constants]
    selected = [*given.values(), *(_parameter(fields[name]) for name in constants)]
    _execute(f"INSERT INTO {_quote(model._meta.db_table)} ({', '.join(map(_quote, columns))}) "
             f"SELECT {', '.join(selected)} FROM {source}", list(constants.values()))


def _parameter(field):
    """A constant in a SELECT list: PostgreSQL takes an untyped NULL there for text, so it is cast; SQLite is
    not (its CAST to a date would make 2026 of '2026-12-01')."""
    return f"CAST(%s AS {field.db_type(connection)})" if connection.vendor == "postgresql" else "%s"


def update_changed(store, export_type, record, now):
    """UPDATE … FROM the changed records: the columns the file has, their derived fields, the references."""
    planned = store.table(CHANGED, export_type)
    if not planned:
        return
    source, names = planned
    table = _quote(export_type.model._meta.db_table)
    assignments = [f"{_quote(name)} = planned.{_quote(name)}" for name in names
                   if name != "id" and not name.startswith("_")]
    assignments += [f"{_quote(reference.field)} = {_lookup(reference)}"
                    for reference in export_type.rules.references(names)]
    _execute(f"UPDATE {table} SET {', '.join(assignments)}, in_bron = %s, niet_in_bron_sinds = NULL, "
             f"laatste_import_id = %s, bijgewerkt = %s FROM {source} AS planned WHERE {table}.id = planned.id",
             [True, record.pk, now])


def _lookup(reference):
    """The id of the record a planned row points at, by its business key (NULL when there is none)."""
    target = _quote(reference.model._meta.db_table)
    return (f"(SELECT {target}.id FROM {target} WHERE {target}.{_quote(reference.key_column)} = "
            f"planned.{_quote(reference.key)})")


def write_history(store, export_type, record, today):
    """One KandidaatWijziging per changed field, and one for each client who went out of the source."""
    table = _quote(KandidaatWijziging._meta.db_table)
    columns = "kandidaat_id, import_run_id, datum, veld, oud, nieuw"
    changed = store.table(HISTORY, export_type)
    if changed:
        _execute(f"INSERT INTO {table} ({columns}) SELECT kandidaat_id, %s, %s, veld, oud, nieuw FROM {changed[0]}",
                 [record.pk, today])
    gone = store.table(GONE, export_type)
    if gone:
        _execute(f"INSERT INTO {table} ({columns}) SELECT id, %s, %s, %s, %s, %s FROM {gone[0]}",
                 [record.pk, today, "in_bron", "ja", "nee"])


def _execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextlib.contextmanager
def indexes_dropped_for_bulk(model, new_rows):
    """SQLite: a big first load is ~3× faster without secondary indexes, rebuilt afterwards.

    Only inside the import's transaction (DDL is transactional in SQLite: a rollback restores them), only
    when the sheet is big and the table is small next to it.
    """
    statements = []
    if connection.vendor == "sqlite" and new_rows >= BULK_MIN_ROWS:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
            if cursor.fetchone()[0] * 2 <= new_rows:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                               "AND sql IS NOT NULL", [table])
                indexes = cursor.fetchall()
                for name, _sql in indexes:
                    cursor.execute(f"DROP INDEX {_quote(name)}")
                statements = [sql for _name, sql in indexes]
    yield
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def refresh_planner_statistics(tables):
    """ANALYZE the tables an import changed (the clients' history too), so the query planner knows their sizes
    and spreads.

    Without statistics SQLite guesses, and guessed wrong where it mattered: the panel of a werkbedrijf
    scanned the nation's active items (0.7 s) instead of its own clients' (20 ms). PostgreSQL guessed wrong
    on a history whose statistics were older than its rows (autovacuum off, or not yet come round): the team
    overview's "profiel nodig sinds" probed an index of 170,000 history rows per client, 10 s instead of 0.2.
    Under a second at the national scale.
    """
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"ANALYZE {_quote(table)}")


class ForeignKeys:
    """Foreign keys of the tables an import wrote, checked once per table; see foreign_keys_checked_at_the_end()."""

    def __init__(self, per_row):
        self.per_row = per_row

    def check(self, tables):
        """Raise IntegrityError (inside the import's transaction: nothing is kept) if a written row points nowhere."""
        if not self.per_row and tables:
            connection.check_constraints(table_names=sorted(tables))


@contextlib.contextmanager
def foreign_keys_checked_at_the_end():
    """SQLite: check the foreign keys of the written tables once at the end instead of on every row written.

    SQLite looks up each foreign key of each row it writes: 3 per client, 0.25 s per 200,000 new clients,
    for ids this import has just read itself. A whole-table check costs 0.05 s per 200,000 and, run inside
    the transaction, still refuses the import on a violation. SQLite lets the check be switched off only
    outside a transaction; elsewhere (PostgreSQL, an import inside a test's transaction) rows are checked
    one by one as always.
    """
    switched_off = connection.disable_constraint_checking()
    try:
        yield ForeignKeys(per_row=not switched_off)
    finally:
        if switched_off:
            connection.enable_constraint_checking()
