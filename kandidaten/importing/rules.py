"""Rules: what an export type does beyond the shared flow — each ExportType holds one (types.py).

- finishing: turn a chunk's normalised columns into the model's (a gemeente into its id, a rung into its
  parts), check what spans columns (Einddatum before Startdatum, an unknown client, the user's scope);
- derivation: the flags the app computes (kandidaten: THE definition in models.kandidaat);
- references: the records an item points at, by business key, resolved to ids when written (apply.py);
- gone-scope: which gemeente a record belongs to, so a file only marks gone what it speaks for;
- history: whether changes are kept per field (KandidaatWijziging).
"""

import collections
import itertools
from dataclasses import dataclass

from django.db import connection

from kandidaten.keys import doelgroep_sleutel, pers_nr_sleutel
from kandidaten.models import Kandidaat, Traject
from kandidaten.models.kandidaat import derive_flags, derive_klant_van
from kandidaten.naamsortering import naam_sorteersleutels

from . import normalise as n
from .errors import CellError
from .store import REFERENCE_PREFIX

CLIENT_KEY = f"{REFERENCE_PREFIX}client_key"
TRAJECT_KEY = f"{REFERENCE_PREFIX}traject_key"


@dataclass(frozen=True)
class Reference:
    """An item points at another record by business key: `field` (an id) is looked up by `key` when written."""

    field: str  # the foreign key's column, e.g. kandidaat_id
    key: str  # the planned column holding the business key
    model: type  # the record pointed at
    key_column: str  # where that record keeps its key


def unzip(column, width):
    """[(a, b), (a, b)] -> [a, a], [b, b]; `width` empty lists for an empty column."""
    return [list(part) for part in zip(*column, strict=True)] if column else [[] for _ in range(width)]


class Rules:
    key_column = "sleutel"  # where a record keeps its canonical key
    history = False
    files_report_state = False  # the transparency report keeps the state of the gemeenten it changed
    first_import_field = None  # set on a new record only, to the import that made it
    quiet_fields = frozenset()  # changes not worth a line in the preview or the history: implied by others
    shared_columns = ()  # columns of new rows that repeat together (store.TemporaryTables.add_new)
    tallied_fields = ()  # raw cells counted over every row, changed or not (plan.Tally)
    gemeente_field = ""  # the column whose raw cell tells a row's gemeente (scope, before normalising)
    client_path = ""  # how a record reaches its client's fields ("" for the client itself)

    def finish(self, columns, sleutels, stored_gemeenten, context, plan):
        """Complete a chunk's columns in place; returns {offset: (column, value, message)} of refused rows."""
        raise NotImplementedError

    def derive_new(self, columns, count, context):
        """Add the derived columns of new records."""

    def derive_changed(self, values, old, context):
        """Add the derived values of a stored record, from its stored values and the file's."""

    def references(self, names):
        return ()

    def stored_fields(self, model):
        """The stored values a changed row is compared with."""
        fields = [f.attname for f in model._meta.concrete_fields if not f.is_relation]
        return tuple(name for name in fields if name not in ("id", "bijgewerkt", "niet_in_bron_sinds"))

    def changes(self, values, old):
        """{field: (stored, planned)} of a stored record: only the columns the file has are compared."""
        changes = {name: (old[name], value) for name, value in values.items()
                   if name in old and name != "bron_hash" and old[name] != value}
        if not old["in_bron"]:
            changes["in_bron"] = (False, True)
        return changes

    def gemeente_of_cell(self, cell, context):
        """The gemeente id the raw `gemeente_field` cell names (None when it names none)."""
        raise NotImplementedError

    def gone_sample(self, export_type, pks):
        """Records that would go, as the user knows them: business key, the client's Pers. nr. and name."""
        if not pks:
            return []
        rows = (export_type.model.objects.filter(pk__in=pks).order_by(export_type.id_field)
                .values_list(export_type.id_field, f"{self.client_path}pers_nr", f"{self.client_path}naam"))
        return [{"sleutel": key, "pers_nr": pers_nr, "naam": naam} for key, pers_nr, naam in rows]

    def sheet_warnings(self, plan):
        return []

    def gemeente_sql(self, table):
        raise NotImplementedError

    def gemeenten_in_file(self, tally, context, plan):
        """The gemeenten the file speaks for: records of other gemeenten are never marked gone."""
        raise NotImplementedError

    def bring(self, context, sleutels, columns):
        """Tell the context which records this sheet brings, for the sheets planned after it."""


class ClientRules(Rules):
    key_column = "pers_nr_sleutel"
    history = True
    files_report_state = True
    first_import_field = "eerste_import_id"
    quiet_fields = frozenset({"gemeente_in_bron", "ladder_trede", "ladder_groeipotentieel", "pers_nr",
                              "profiel_nodig_sinds"})
    # Kandidaat fields an export may set, and the derived ones, in the order the preview shows them.
    SOURCE_FIELDS = (
        "pers_nr", "gemeente_id", "gemeente_in_bron", "naam", "doelgroep", "dgr", "banenafspraak", "sonar_status",
        "klantprofiel", "participatieladder", "ladder_trede", "ladder_groeipotentieel", "dv_laatste_soort",
        "begeleider", "indicering", "beschut_werk",
    )
    DERIVED_FIELDS = ("klant_van", "in_doelgroep_banenafspraak", "telt_in_sonar", "profiel_nodig")
    # The derived flags and the coded fields they derive from: a few hundred combinations in 200,000 clients.
    shared_columns = ("dgr", "banenafspraak", "beschut_werk", "sonar_status", "klantprofiel", "indicering",
                      *DERIVED_FIELDS, "profiel_nodig_sinds")
    tallied_fields = ("gemeente", "doelgroep")  # the gemeenten a file speaks for; warnings with row counts
    gemeente_field = "gemeente"

    def gemeente_of_cell(self, cell, context):
        try:
            return context.gemeenten(cell)[1]
        except CellError:
            return None

    def finish(self, columns, sleutels, stored_gemeenten, context, plan):
        shown, gemeente_ids, _known = unzip(columns.pop("gemeente"), 3)
        columns["gemeente_id"] = gemeente_ids
        columns["gemeente_in_bron"] = shown
        columns["pers_nr_sleutel"] = sleutels
        columns["naam_sortering"] = naam_sorteersleutels(columns["naam"])  # Dutch name order (docs/kandidaten.md)
        if "participatieladder" in columns:
            label, rung, growth = unzip(columns["participatieladder"], 3)
            columns["participatieladder"] = label
            columns["ladder_trede"] = rung
            columns["ladder_groeipotentieel"] = growth
        problems = {}
        scope = context.scope
        scope.refuse(problems, gemeente_ids, "Bet. gemeente", shown, scope.gemeente_message)
        scope.refuse(problems, stored_gemeenten, "Pers. nr.", columns["pers_nr"], scope.client_message)
        return problems

    def derive_new(self, columns, count, context):
        """derive_changed() for a chunk of new clients at once: the same flags, added as columns."""
        absent = [None] * count
        found = zip(*(columns.get(name, absent) for name in _DERIVE_NAMES), strict=True)
        klant_van, in_doelgroep, telt, nodig = unzip(list(map(_derived, found, itertools.repeat(context))), 4)
        columns["klant_van"] = klant_van
        columns["in_doelgroep_banenafspraak"] = in_doelgroep
        columns["telt_in_sonar"] = telt
        columns["profiel_nodig"] = nodig
        # A new client who needs a profiel needs it since this import.
        today = context.import_date
        columns["profiel_nodig_sinds"] = [today if needed else None for needed in nodig]

    def derive_changed(self, values, old, context):
        """THE derived flags (models.kandidaat.derive_flags) from this file's values over the stored ones: a
        column the file lacks keeps its stored value, in the flags too."""
        merged = {**old, **values}
        klant_van, in_doelgroep, telt, nodig = _derived(tuple(map(merged.get, _DERIVE_NAMES)), context)
        values["klant_van"] = klant_van
        values["in_doelgroep_banenafspraak"] = in_doelgroep
        values["telt_in_sonar"] = telt
        values["profiel_nodig"] = nodig
        needed_since = old["profiel_nodig_sinds"] if old["profiel_nodig"] and old["in_bron"] else None
        values["profiel_nodig_sinds"] = (needed_since or context.import_date) if nodig else None

    def stored_fields(self, model):
        return (*self.SOURCE_FIELDS, *self.DERIVED_FIELDS, "profiel_nodig_sinds", "in_bron")

    def gemeente_sql(self, table):
        return "gemeente_id"

    def gemeenten_in_file(self, tally, context, plan):
        gemeenten = set()
        unknown = collections.Counter()
        for raw, count in tally.counts["gemeente"].items():
            try:
                shown, gemeente_id, known = context.gemeenten(raw)
            except CellError:
                continue
            gemeenten.add(gemeente_id)
            if not known:
                unknown[shown or "(leeg)"] += count
        for name, count in _most_first(unknown):
            plan.warnings.append(f"Onbekende gemeente '{name}': {count} {'rij' if count == 1 else 'rijen'} "
                                 "(bewaard onder 'Onbekend').")
        _doelgroep_warnings(plan, tally, context)
        return gemeenten

    def bring(self, context, sleutels, columns):
        context.clients_in_file.update(zip(sleutels, columns["gemeente_id"], strict=True))


class ItemRules(Rules):
    """Trajecten, modules, plaatsingen: each belongs to a client, by Pers. nr."""

    CLIENT = Reference("kandidaat_id", CLIENT_KEY, Kandidaat, "pers_nr_sleutel")
    quiet_fields = frozenset({"traject_id", "module_id", "plaatsing_id"})  # the key as shown: 0042 and 42 are one
    tallied_fields = ("pers_nr",)  # the clients an item file speaks for
    gemeente_field = "pers_nr"
    client_path = "kandidaat__"

    def gemeente_of_cell(self, cell, context):
        try:
            return context.client_gemeente(n.key_of(cell)[1])
        except CellError:
            return None

    def changes(self, values, old):
        changes = super().changes(values, old)
        if old["kandidaat__pers_nr_sleutel"] != values[CLIENT_KEY]:
            changes["kandidaat"] = (old["kandidaat__pers_nr_sleutel"], values[CLIENT_KEY])
        return changes

    def finish(self, columns, sleutels, stored_gemeenten, context, plan):
        problems = {}
        count = len(sleutels)
        starts = columns.get("startdatum") or [None] * count
        ends = columns.get("einddatum") or [None] * count
        for offset, (start, end) in enumerate(zip(starts, ends, strict=True)):
            if start and end and end < start:
                problems[offset] = ("Einddatum", end.strftime("%d-%m-%Y"), "de einddatum ligt vóór de startdatum")
        client_shown, client_keys = unzip(columns.pop("pers_nr"), 2)
        for offset, client_key in enumerate(client_keys):
            if offset not in problems and not context.knows_client(client_key):
                problems[offset] = ("Pers. nr.", client_key, "onbekende Pers. nr.; importeer eerst de kandidaten")
        scope = context.scope
        if not scope.everything:
            client_gemeenten = list(map(context.client_gemeente, client_keys))
            scope.refuse(problems, client_gemeenten, "Pers. nr.", client_shown, scope.client_message)
            scope.refuse(problems, stored_gemeenten, "Pers. nr.", client_shown, scope.client_message)
        columns["sleutel"] = sleutels
        columns[CLIENT_KEY] = client_keys
        return problems

    def references(self, names):
        return (self.CLIENT,)

    def stored_fields(self, model):
        return (*super().stored_fields(model), "kandidaat__pers_nr_sleutel")

    def gemeente_sql(self, table):
        clients = connection.ops.quote_name(Kandidaat._meta.db_table)
        return f"(SELECT gemeente_id FROM {clients} WHERE {clients}.id = {table}.kandidaat_id)"

    def gemeenten_in_file(self, tally, context, plan):
        return set(map(self.gemeente_of_cell, tally.counts["pers_nr"], itertools.repeat(context))) - {None}


class TrajectRules(ItemRules):
    def bring(self, context, sleutels, columns):
        context.trajecten_in_file.update(sleutels)


class ModuleRules(ItemRules):
    """A module also points at its traject, by the Traject-ID it was exported with (when the file has one)."""

    TRAJECT = Reference("traject_id", TRAJECT_KEY, Traject, "sleutel")

    def finish(self, columns, sleutels, stored_gemeenten, context, plan):
        problems = super().finish(columns, sleutels, stored_gemeenten, context, plan)
        if "traject_ref" in columns:  # without the column every stored link stays as it is
            keys = columns[TRAJECT_KEY] = [pers_nr_sleutel(ref) if ref else "" for ref in columns["traject_ref"]]
            plan.unknown_trajecten += sum(1 for offset, key in enumerate(keys)
                                          if key and offset not in problems and not context.knows_traject(key))
        return problems

    def references(self, names):
        return (self.CLIENT, self.TRAJECT) if TRAJECT_KEY in names else (self.CLIENT,)

    def sheet_warnings(self, plan):
        if not plan.unknown_trajecten:
            return []
        return [f"{plan.unknown_trajecten} modules verwijzen naar een onbekend Traject-ID (geïmporteerd zonder "
                "traject)."]


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


def _most_first(counts):
    """(name, count), the most rows first, then by name: the same order however the rows were read."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _doelgroep_warnings(plan, tally, context):
    """A doelgroep not in the table leaves "klant van" unknown, unless the file says it (Indicering)."""
    if tally.has_indicering:
        return
    unknown = collections.Counter()
    for raw, count in tally.counts["doelgroep"].items():
        try:
            name = n.text(raw)
        except CellError:
            continue
        if not context.doelgroep_klant_van.get(doelgroep_sleutel(name)):
            unknown[name or "(leeg)"] += count
    for name, count in _most_first(unknown):
        plan.warnings.append(
            f"Doelgroep '{name}' staat niet in de tabel doelgroepen: 'klant van' is onbekend voor {count} "
            f"{'rij' if count == 1 else 'rijen'} (beheer kan de doelgroep toevoegen)."
        )
