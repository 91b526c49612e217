"""The candidate list, the "profiel nodig" worklist and the client page: the queries behind them.

Views, the export and the tests share these; every queryset starts from the request's
`kandidaten.scoping.Scope`, so a user never sees, counts or is offered a value from
another gemeente's clients. The option lists live in `selectors.keuzes`.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from kandidaten import weergave
from kandidaten.models import Gemeente, KandidaatWijziging, Module, Plaatsing, Traject
from kandidaten.models.kandidaat import GEEN_BEGELEIDER, MET_PROFIEL, PROFIEL_NODIG, TELT_IN_SONAR, Kandidaat
from kandidaten.models.opvolging import status_q
from kandidaten.paging import LijstPaginator, per_groep
from kandidaten.scoping import Scope

KEY = "pers_nr_sleutel"  # unique: every sort ends on it, so pages are stable and the export has their order


def kandidaten(scope, *, ook_niet_in_bron=False):
    """The clients a scope may see; only those in the source unless asked otherwise."""
    # No select_related("gemeente"): joined, SQLite walks every client through the gemeente index whatever
    # the list's sort. The list takes names from the option lists; pages that show few rows join themselves.
    queryset = Scope.van(scope).kandidaten()
    return queryset if ook_niet_in_bron else queryset.filter(in_bron=True)


def met_actief_item_van(queryset, uitvoerenden, peildatum=None):
    """Clients with an active traject, module or plaatsing (in the source) of one of these uitvoerenden
    (exact values: keuzes.passende_uitvoerenden finds them from what the user typed or ticked)."""
    peildatum = peildatum or timezone.localdate()
    # "pk IN (clients of those items)", not a correlated EXISTS per client: the items come through the
    # uitvoerende index once, where EXISTS probed three tables for each of 250,000 clients (3 s nationally).
    condition = Q()
    for model in (Traject, Module, Plaatsing):
        items = model.objects.actief(op=peildatum).in_bron().filter(uitvoerende__in=uitvoerenden)
        condition |= Q(pk__in=items.values("kandidaat_id"))
    return queryset.filter(condition)


# --- the list's order and pages ----------------------------------------------------------------------

# Per sortable column, the database order (ascending; descending reverses every field). Names sort in Dutch
# name order (naam_sortering); the gemeente on its name, then as the name column.
LIJST_SORTERINGEN = {
    "gemeente": ("gemeente__naam", "naam_sortering", KEY),
    "pers_nr": (KEY,),
    "naam": ("naam_sortering", KEY),
    "doelgroep": ("doelgroep", KEY),
    "dgr": ("dgr", KEY),
    "banenafspraak": ("banenafspraak", KEY),
    "sonar_status": ("sonar_status", KEY),
    "klantprofiel": ("klantprofiel", KEY),
    "participatieladder": ("participatieladder", KEY),
    "dv_laatste_soort": ("dv_laatste_soort", KEY),
    "begeleider": ("begeleider", KEY),
    "klant_van": ("klant_van", KEY),
    "acties": ("-profiel_nodig", "naam_sortering", KEY),  # who needs a profile first
}
STANDAARD_SORTERING = "gemeente"


@dataclass(frozen=True)
class Sortering:
    kolom: str
    aflopend: bool = False

    @classmethod
    def van(cls, param, toegestaan=LIJST_SORTERINGEN, standaard=STANDAARD_SORTERING):
        """From `?sort=` ("naam", "-naam"); anything else is the default."""
        kolom = (param or "").removeprefix("-")
        if kolom not in toegestaan:
            return cls(standaard)
        return cls(kolom, (param or "").startswith("-"))

    @property
    def param(self):
        return f"{'-' if self.aflopend else ''}{self.kolom}"

    def order_by(self, sorteringen=LIJST_SORTERINGEN):
        velden = sorteringen[self.kolom]
        return [_omgekeerd(veld) if self.aflopend else veld for veld in velden]


def _omgekeerd(veld):
    return veld[1:] if veld.startswith("-") else f"-{veld}"


def lijst_paginator(queryset, sortering, per_page, *, gemeente_volgorde, index_dekt):
    """The candidate list's pages (paging.LijstPaginator) in `sortering`'s order.

    Sorted on gemeente (the default), the list is counted per gemeente and each page read from the one or
    two gemeenten it falls in: sorting 125,000 clients on their gemeente's name to show 50 made the database
    join and sort them all (60-90 ms nationally). `gemeente_volgorde`: the gemeente pks in the database's
    order of their names (the option list); `index_dekt`: whether the list's gemeente index holds every
    column the list is filtered on (then the count reads only that index).
    """
    geordend = queryset.order_by(*sortering.order_by())
    if sortering.kolom != "gemeente":
        return LijstPaginator(per_page, tel=queryset.count, lees=lambda bottom, top: list(geordend[bottom:top]))
    groepen = []

    def per_gemeente(_top=None):
        if not groepen:
            groepen.extend(_per_gemeente(queryset, gemeente_volgorde, sortering.aflopend, index_dekt))
        return groepen

    def lees_gemeenten(gemeenten, offset, limit):
        return list(geordend.filter(gemeente_id__in=gemeenten)[offset:offset + limit])

    return LijstPaginator(
        per_page, tel=lambda: sum(n for _pk, n in per_gemeente()), lees=per_groep(per_gemeente, lees_gemeenten)
    )


def _per_gemeente(queryset, gemeente_volgorde, aflopend, index_dekt):
    """[(gemeente pk, number of rows)] in the list's order of gemeenten (one grouped query)."""
    queryset = queryset.order_by()
    if index_dekt:
        counts = dict(queryset.values_list("gemeente_id").annotate(n=Count("pk")))  # the index, in order
    else:
        # Grouped on "gemeente_id + 0": on the bare column SQLite walks the gemeente index in order and reads
        # every matching client from the table in that order (doelgroep: 250 ms); this way it scans the
        # table once and groups (70 ms).
        counts = dict(queryset.annotate(g=F("gemeente_id") + 0).values_list("g").annotate(n=Count("pk")))
    # The database's order of the names (its collation, not Python's), from the option list; the database is
    # asked only when a counted gemeente is not in it.
    volgorde = list(gemeente_volgorde)
    if not counts.keys() <= set(volgorde):
        volgorde = list(Gemeente.objects.filter(pk__in=counts).order_by("naam").values_list("pk", flat=True))
    if aflopend:
        volgorde.reverse()
    return [(pk, counts[pk]) for pk in volgorde if pk in counts]


def export_rijen(queryset, sortering, velden):
    """The whole list in its order, as `.values(*velden)` rows for the export (with `nodig_sinds`)."""
    return queryset.met_nodig_sinds().order_by(*sortering.order_by()).values(*velden)


def gemeente_index_kolommen():
    """The columns of the list's gemeente index (models/kandidaat.py), the one that starts with gemeente."""
    index = next(index for index in Kandidaat._meta.indexes if index.fields[0] == "gemeente")
    return {Kandidaat._meta.get_field(name.lstrip("-")).attname for name in index.fields}


# --- the worklist ----------------------------------------------------------------------------------

WERKLIJST_SORTERINGEN = {
    "sinds": ("nodig_sinds", "naam_sortering", KEY),  # longest waiting first
    "naam": ("naam_sortering", KEY),
    "pers_nr": (KEY,),
    "gemeente": ("gemeente__naam", "naam_sortering", KEY),
    "klantprofiel": ("klantprofiel", "naam_sortering", KEY),
}


# "Waiting more than 4 weeks": needing a profile since before the peildatum minus this many days.
WACHT_DAGEN = 28


def wacht_grens(peildatum):
    """Clients whose `nodig_sinds` lies before this date wait more than four weeks at the peildatum."""
    return peildatum - datetime.timedelta(days=WACHT_DAGEN)


def profiel_nodig(scope, gemeente=None):
    """The worklist's rules: the clients in scope (in the source) who need a profile, each with `nodig_sinds` from
    the history. For one begeleider in the worklist (`werklijst`), grouped by begeleider in the team overview
    (selectors.team)."""
    queryset = kandidaten(scope).profiel_nodig()
    if gemeente is not None:
        queryset = queryset.filter(gemeente_id=gemeente)
    return queryset.met_nodig_sinds()


def werklijst(scope, begeleider, *, gemeente=None, opvolging="", sinds_voor=None):
    """One begeleider's clients who need a profile (GEEN_BEGELEIDER: those without one), each with `nodig_sinds`
    and its follow-up; narrowed to a gemeente, a follow-up status (`status_q`: no follow-up is open) and those
    needing one since before `sinds_voor` (the team overview's "> 4 weken": `wacht_grens`)."""
    queryset = profiel_nodig(scope, gemeente).van_begeleider(begeleider)
    if opvolging:
        queryset = queryset.filter(status_q(opvolging))
    if sinds_voor is not None:
        queryset = queryset.filter(nodig_sinds__lt=sinds_voor)
    return queryset.select_related("gemeente", "opvolging")


@dataclass(frozen=True)
class BegeleiderTelling:
    begeleider: str
    profiel_nodig: int
    telt_in_sonar: int
    met_profiel: int

    @property
    def waarde(self):
        """The begeleider as the filters and URLs take it (GEEN_BEGELEIDER for none)."""
        return self.begeleider or GEEN_BEGELEIDER

    @property
    def aandeel_met_profiel(self):
        return round(100 * self.met_profiel / self.telt_in_sonar) if self.telt_in_sonar else None


def per_begeleider(scope):
    """Per begeleider: clients needing a profile, counted in Sonar, and of those with a profile (one query)."""
    rows = (
        kandidaten(scope).values("begeleider")
        .annotate(
            nodig=Count("pk", filter=PROFIEL_NODIG),
            telt=Count("pk", filter=TELT_IN_SONAR),
            met=Count("pk", filter=MET_PROFIEL),
        )
        .filter(telt__gt=0)
        .order_by("-nodig", "begeleider")
    )
    return [BegeleiderTelling(r["begeleider"], r["nodig"], r["telt"], r["met"]) for r in rows]


# --- the client page ---------------------------------------------------------------------------------

def waarom(kandidaat):
    """The derived flags with the reason, in the words of DOMAIN.md's definitions."""
    beschut = f", beschut werk {weergave.ja_nee(True)}" if kandidaat.beschut_werk else ""
    redenen = f"DGR {weergave.ja_nee(kandidaat.dgr)}, banenafspraak {weergave.ja_nee(kandidaat.banenafspraak)}{beschut}"
    doelgroep = f"in doelgroep banenafspraak: {redenen}"
    telt = f"telt mee in Sonar: {redenen}, status {weergave.tekst(weergave.sonar_status(kandidaat.sonar_status))}"
    nodig = (f"profiel nodig: telt mee in Sonar {weergave.ja_nee(kandidaat.telt_in_sonar)}, "
             f"klantprofiel {weergave.klantprofiel(kandidaat.klantprofiel)}")
    if kandidaat.indicering:
        klant_van = f"klant van {weergave.klant_van(kandidaat.klant_van)}: kolom Indicering"
    elif kandidaat.klant_van:
        klant_van = f"klant van {weergave.klant_van(kandidaat.klant_van)}: afgeleid uit doelgroep {kandidaat.doelgroep}"
    else:
        klant_van = (f"klant van {weergave.klant_van('')}: doelgroep '{weergave.tekst(kandidaat.doelgroep)}' "
                     "staat niet in de tabel")
    return [
        ("In doelgroep banenafspraak", kandidaat.in_doelgroep_banenafspraak, doelgroep),
        ("Telt mee in Sonar", kandidaat.telt_in_sonar, telt),
        ("Profiel nodig", kandidaat.profiel_nodig, nodig),
        ("Klant van", None, klant_van),
    ]


def geschiedenis(kandidaat, limit=200):
    return list(
        KandidaatWijziging.objects.filter(kandidaat=kandidaat).select_related("import_run").order_by("-datum", "-id")
        [:limit]
    )


def items_van(kandidaat, peildatum=None):
    """The client's trajecten, modules and plaatsingen, each with its state at the peildatum (`met_staat`:
    the panel's own conditions): [(label, items)], items in the source first, newest start first."""
    from kandidaten.selectors.signalen import met_staat

    peildatum = peildatum or timezone.localdate()
    return [
        (label, list(met_staat(manager.all(), peildatum).order_by("-in_bron", "-startdatum", "-pk")))
        for label, manager in (("Trajecten", kandidaat.trajecten), ("Modules", kandidaat.modules),
                               ("Externe plaatsingen", kandidaat.plaatsingen))
    ]


def dagen_wachtend(sinds, vandaag=None):
    """Whole days from `sinds` to today (0 on the day itself); None without a date."""
    return ((vandaag or timezone.localdate()) - sinds).days if isinstance(sinds, datetime.date) else None
