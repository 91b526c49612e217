"""The signal panel: THE definition of the 17 counters (DOMAIN.md, "The counters").

Every counter is one `Q` built from a peildatum P. The panel counts all
counters of a group in one query (conditional aggregation), the drill-down
lists filter on the very same `Q`, and the export and the `signalen` command
reuse those querysets: a number and the list behind it cannot disagree.

Only items in the user's scope count (`kandidaten.scoping.items_voor`), and
only items that are still in the source whose client is still in the source.
"""

import calendar
import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q

from kandidaten.models import Kandidaat, Module, Plaatsing, Traject
from kandidaten.scoping import gemeenten_voor, items_voor, kandidaten_voor

START_DAGEN = 21  # "Start < 3 wkn": Startdatum > P - 21 days
SIGNAAL_DAGEN = 28  # "Signaaldatum binnen 4 wkn": P <= Signaaldatum <= P + 28 days
EINDE_MAANDEN = 3  # "Einde (< 3 mnd)": P <= Einddatum <= P + 3 calendar months


def add_months(date, months):
    """`date` plus whole calendar months; a day that does not exist becomes the month's last day.

    30-11 + 3 months = 28-02 (29-02 in a leap year); 31-08 + 3 months = 30-11.
    """
    index = date.year * 12 + (date.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


# --- the definitions -------------------------------------------------------------------------


def actief(p):
    """Startdatum <= P and (Einddatum empty or Einddatum >= P)."""
    return Q(startdatum__lte=p) & (Q(einddatum__isnull=True) | Q(einddatum__gte=p))


def start_lt_3wkn(p):
    return actief(p) & Q(startdatum__gt=p - datetime.timedelta(days=START_DAGEN))


def signaal_binnen_4wkn(p):
    return actief(p) & Q(signaaldatum__gte=p, signaaldatum__lte=p + datetime.timedelta(days=SIGNAAL_DAGEN))


def signaal_verstreken(p):
    return actief(p) & Q(signaaldatum__lt=p)


def einde_lt_3mnd(p):
    return actief(p) & Q(einddatum__gte=p, einddatum__lte=add_months(p, EINDE_MAANDEN))


def zonder_actieve_module(p):
    """Active traject for which no module of that traject is active at P and in the source."""
    # A correlated NOT EXISTS: one probe of the (traject, in_bron, startdatum, einddatum) index per traject,
    # so a werkbedrijf's few thousand trajecten never look at the nation's modules (PostgreSQL makes it an
    # anti-join). Without that index and without planner statistics SQLite chose the date index for every
    # traject (minutes); the importer refreshes the statistics (importing.apply.refresh_planner_statistics).
    actieve_module = Module.objects.filter(actief(p), traject_id=OuterRef("pk"), in_bron=True)
    return actief(p) & ~Exists(actieve_module)


def opschortingen(p):
    return actief(p) & Q(opgeschort=True)


@dataclass(frozen=True)
class Teller:
    slug: str
    label: str
    definitie: object  # peildatum -> Q
    omschrijving: str


@dataclass(frozen=True)
class Groep:
    slug: str
    titel: str
    model: type
    tellers: tuple

    def teller(self, slug):
        for teller in self.tellers:
            if teller.slug == slug:
                return teller
        return None


def _gemeenschappelijk(actief_label, einde_label):
    return (
        Teller("actief", actief_label, actief, "Startdatum op of vóór de peildatum en geen of een latere einddatum."),
        Teller("start_lt_3wkn", "Start < 3 wkn", start_lt_3wkn,
               "Actief en gestart in de drie weken tot en met de peildatum."),
        Teller("signaal_binnen_4wkn", "Signaaldatum binnen 4 wkn", signaal_binnen_4wkn,
               "Actief en de signaaldatum valt op de peildatum of in de 28 dagen erna."),
        Teller("signaal_verstreken", "Signaaldatum verstreken", signaal_verstreken,
               "Actief en de signaaldatum ligt vóór de peildatum."),
        Teller("einde_lt_3mnd", einde_label, einde_lt_3mnd,
               "Actief en de einddatum valt op de peildatum of binnen drie kalendermaanden erna."),
    )


GROEPEN = {
    "trajecten": Groep(
        "trajecten", "Trajecten", Traject,
        _gemeenschappelijk("Actieve trajecten", "Einde traject (< 3 mnd)")
        + (Teller("zonder_actieve_module", "Zonder actieve module", zonder_actieve_module,
                  "Actief traject waarvan op de peildatum geen module actief is."),),
    ),
    "modules": Groep(
        "modules", "Modules", Module,
        _gemeenschappelijk("Actieve modules", "Einde modules (< 3 mnd)")
        + (Teller("opschortingen", "Opschortingen", opschortingen, "Actieve module die is opgeschort."),),
    ),
    "plaatsingen": Groep(
        "plaatsingen", "Ext. plaatsingen", Plaatsing,
        _gemeenschappelijk("Actieve ext. plaatsingen", "Einde plaatsing (< 3 mnd)"),
    ),
}


def teller_of_none(groep_slug, teller_slug):
    """(Groep, Teller) for a valid combination, else None (the drill-down answers 404)."""
    groep = GROEPEN.get(groep_slug)
    teller = groep.teller(teller_slug) if groep else None
    return (groep, teller) if teller else None


# --- querysets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vernauwing:
    """The panel's narrowing: by uitvoerende (item), begeleider (client) and gemeente (client, pk)."""

    uitvoerende: str = ""
    begeleider: str = ""
    gemeente: int | None = None

    def als_dict(self):
        return {key: value for key, value in vars(self).items() if value not in ("", None)}


class _Systeem:
    """The scope of the `signalen` command: everything, as for a superuser."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    username = "(systeem)"
    pk = None


SYSTEEM = _Systeem()


def items(user, groep_slug, vernauwing=None):
    """The items of one group that can count: in scope, in the source, client in the source, narrowed."""
    vernauwing = vernauwing or Vernauwing()
    queryset = items_voor(user, GROEPEN[groep_slug].model).filter(in_bron=True)
    if getattr(user, "is_superuser", False):
        # Everything in scope: "client still in the source" as NOT IN the (few) gone clients, the same rows
        # as kandidaat__in_bron=True without joining every item to its client.
        queryset = queryset.exclude(kandidaat_id__in=Kandidaat.objects.filter(in_bron=False).values("pk"))
    else:
        # A few gemeenten: start from their clients in the source (the database looks the items up through
        # the kandidaat_id index instead of scanning a national date range).
        queryset = queryset.filter(kandidaat_id__in=kandidaten_voor(user).in_bron().values("pk"))
    if vernauwing.uitvoerende:
        queryset = queryset.filter(uitvoerende=vernauwing.uitvoerende)
    if vernauwing.begeleider:
        queryset = queryset.filter(kandidaat__begeleider=vernauwing.begeleider)
    if vernauwing.gemeente:
        queryset = queryset.filter(kandidaat__gemeente_id=vernauwing.gemeente)
    return queryset


def signaal_items(user, groep_slug, teller_slug, peildatum, vernauwing=None):
    """Exactly the items behind one counter (the drill-down and its export)."""
    groep, teller = teller_of_none(groep_slug, teller_slug) or (None, None)
    if teller is None:
        raise KeyError(f"{groep_slug}/{teller_slug}")
    return items(user, groep_slug, vernauwing).filter(teller.definitie(peildatum))


@dataclass(frozen=True)
class Telling:
    groep: Groep
    teller: Teller
    aantal: int


def tel_groep(user, groep_slug, peildatum, vernauwing=None):
    """The counters of one group in one query: {teller_slug: aantal}."""
    groep = GROEPEN[groep_slug]
    # Every counter is a subset of "actief": filtering on it first lets the database use the date index.
    queryset = items(user, groep_slug, vernauwing).filter(actief(peildatum))
    aggregates = {
        teller.slug: Count("id") if teller.slug == "actief" else Count("id", filter=teller.definitie(peildatum))
        for teller in groep.tellers
    }
    result = queryset.aggregate(**aggregates)
    return {slug: result[slug] or 0 for slug in aggregates}


def paneel(user, peildatum, vernauwing=None):
    """All 17 counters (three queries): [(Groep, [Telling, ...]), ...] in the panel's order."""
    uitkomst = []
    for groep in GROEPEN.values():
        aantallen = tel_groep(user, groep.slug, peildatum, vernauwing)
        uitkomst.append((groep, [Telling(groep, teller, aantallen[teller.slug]) for teller in groep.tellers]))
    return uitkomst


# --- the same definitions in Python, for one item -----------------------------------------------


def is_actief(item, peildatum):
    return item.startdatum <= peildatum and (item.einddatum is None or item.einddatum >= peildatum)


def signaal_staat(item, peildatum):
    """"verstreken", "binnen 4 weken" or "" for one item, as the panel counts it."""
    if not is_actief(item, peildatum) or item.signaaldatum is None:
        return ""
    if item.signaaldatum < peildatum:
        return "verstreken"
    if item.signaaldatum <= peildatum + datetime.timedelta(days=SIGNAAL_DAGEN):
        return "binnen 4 weken"
    return ""


# --- option lists for the narrowing form ----------------------------------------------------------


UITVOERENDEN_CACHE_SECONDEN = 600


def uitvoerenden(user):
    """Uitvoerenden of the items in the user's scope that are in the source: sorted, distinct.

    Only suggestions for the search field (the counts are always live), and at national scale a scan of
    every item: cached for ten minutes per scope (the set of gemeenten, so a changed scope shows at once).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    gemeenten = [] if user.is_superuser else sorted(gemeenten_voor(user).values_list("pk", flat=True))
    scope = "alle" if user.is_superuser else ",".join(map(str, gemeenten))
    key = "signalen:uitvoerenden:" + hashlib.sha256(scope.encode()).hexdigest()[:32]
    namen = cache.get(key)
    if namen is None:
        trajecten, modules, plaatsingen = (
            items_voor(user, model).filter(in_bron=True).exclude(uitvoerende="").values_list("uitvoerende")
            .order_by()
            for model in (Traject, Module, Plaatsing)
        )
        gevonden = trajecten.union(modules, plaatsingen).order_by("uitvoerende")
        namen = sorted((naam for (naam,) in gevonden), key=str.casefold)
        cache.set(key, namen, UITVOERENDEN_CACHE_SECONDEN)
    return namen


def gemeente_keuzes(user):
    """[(pk, naam)] of the gemeenten in the user's scope."""
    return list(gemeenten_voor(user).order_by("naam").values_list("pk", "naam"))


def begeleiders(user):
    """The begeleiders of the clients in scope that are in the source, sorted, one query."""
    namen = (
        kandidaten_voor(user).in_bron().exclude(begeleider="")
        .values_list("begeleider", flat=True).distinct().order_by()
    )
    return sorted(namen, key=str.casefold)
