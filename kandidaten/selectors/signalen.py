"""The signal panel: THE definition of the 17 counters (DOMAIN.md, "The counters").

Every counter is one `Q` built from a peildatum P. The panel counts all
counters of a group in one query (conditional aggregation), the drill-down
lists filter on the very same `Q`, and the export and the `signalen` command
reuse those querysets: a number and the list behind it cannot disagree.

Only items in the scope count (`kandidaten.scoping.Scope`), and only items that
are still in the source whose client is still in the source.

Everything here only reads. The panel itself reads its numbers per gemeente from
the counts stored for the current state of the data (`models.paneel`); counting
what is not stored yet and storing it is `kandidaten.services.paneeltellingen`.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery, Value, When

from kandidaten.models import Datastand, Kandidaat, Module, PaneelTelling, Plaatsing, Traject
from kandidaten.models.items import actief_op
from kandidaten.models.kandidaat import opgeslagen_begeleider
from kandidaten.scoping import Scope
from kandidaten.selectors.keuzes import passende_uitvoerenden, uitvoerenden

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


actief = actief_op  # "Actief": defined once, on the items (models/items.py)


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
    actieve_module = Module.objects.actief(op=p).filter(traject_id=OuterRef("pk"), in_bron=True)
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
    """The panel's narrowing: by uitvoerende (item; parts of names, see keuzes.passende_uitvoerenden),
    begeleider (client; GEEN_BEGELEIDER for the clients without one) and gemeente (client, pk)."""

    uitvoerende: tuple = ()
    begeleider: str = ""
    gemeente: int | None = None

    def __post_init__(self):
        # One term given as text (a stored subscription, older callers) is one term, not its letters.
        if isinstance(self.uitvoerende, str):
            object.__setattr__(self, "uitvoerende", (self.uitvoerende,) if self.uitvoerende.strip() else ())

    def als_dict(self):
        """The narrowing as URL parameters (uitvoerende a list: the parameter repeats)."""
        found = {key: value for key, value in vars(self).items() if value not in ("", None, ())}
        if "uitvoerende" in found:
            found["uitvoerende"] = list(found["uitvoerende"])
        return found


SYSTEEM = Scope.systeem()  # the scope of the `signalen` command: everything, as for a superuser


def items(scope, groep_slug, vernauwing=None):
    """The items of one group that can count: in scope, in the source, client in the source, narrowed."""
    scope = Scope.van(scope)
    vernauwing = vernauwing or Vernauwing()
    queryset = scope.items(GROEPEN[groep_slug].model).filter(in_bron=True)
    if scope.alles:
        # Everything in scope: "client still in the source" as NOT IN the (few) gone clients, the same rows
        # as kandidaat__in_bron=True without joining every item to its client.
        queryset = queryset.exclude(kandidaat_id__in=Kandidaat.objects.filter(in_bron=False).values("pk"))
    else:
        # A few gemeenten: start from their clients in the source (the database looks the items up through
        # the kandidaat_id index instead of scanning a national date range).
        queryset = queryset.filter(kandidaat_id__in=scope.kandidaten().in_bron().values("pk"))
    if vernauwing.uitvoerende:
        queryset = queryset.filter(uitvoerende__in=uitvoerenden_van(scope, vernauwing))
    if vernauwing.begeleider:
        queryset = queryset.filter(kandidaat__begeleider=opgeslagen_begeleider(vernauwing.begeleider))
    if vernauwing.gemeente:
        queryset = queryset.filter(kandidaat__gemeente_id=vernauwing.gemeente)
    return queryset


def uitvoerenden_van(scope, vernauwing):
    """The uitvoerenden in scope that the narrowing's terms find (an empty list: none, so nothing counts)."""
    return passende_uitvoerenden(vernauwing.uitvoerende, uitvoerenden(scope))


def signaal_items(scope, groep_slug, teller_slug, peildatum, vernauwing=None):
    """Exactly the items behind one counter (the drill-down and its export)."""
    groep, teller = teller_of_none(groep_slug, teller_slug) or (None, None)
    if teller is None:
        raise KeyError(f"{groep_slug}/{teller_slug}")
    return items(scope, groep_slug, vernauwing).filter(teller.definitie(peildatum))


def klanten_met_aantal(scope, groep_slug, teller_slug, peildatum, vernauwing=None):
    """The clients of `signaal_items`, each with its number of those items (at least one): (pk, aantal) rows.

    The same items seen from their clients, for a drill-down page sorted on a client column: walking the
    clients in the order of their index and stopping when the page is full is what makes such a page fast
    nationally (sorting up to 300,000 items on a joined column is not). Unordered: the caller orders.
    """
    scope = Scope.van(scope)
    vernauwing = vernauwing or Vernauwing()
    per_klant = signaal_items(scope, groep_slug, teller_slug, peildatum, vernauwing).filter(kandidaat_id=OuterRef("pk"))
    aantal_items = per_klant.order_by().values("kandidaat_id").annotate(n=Count("pk")).values("n")
    # Which items count is decided by signaal_items alone; narrowing the clients as well only spares the
    # walk the clients that cannot have any.
    klanten = scope.kandidaten().in_bron()
    if vernauwing.begeleider:
        klanten = klanten.van_begeleider(vernauwing.begeleider)
    if vernauwing.gemeente:
        klanten = klanten.filter(gemeente_id=vernauwing.gemeente)
    return klanten.annotate(aantal=Subquery(aantal_items)).filter(aantal__gt=0).values_list("pk", "aantal")


@dataclass(frozen=True)
class Telling:
    groep: Groep
    teller: Teller
    aantal: int


def _aggregaten(groep, peildatum, slugs=None):
    # Applied to items already filtered on "actief": every counter is a subset of it, and filtering on it
    # first lets the database use the date index. `slugs`: only these counters.
    return {
        teller.slug: Count("id") if teller.slug == "actief" else Count("id", filter=teller.definitie(peildatum))
        for teller in groep.tellers if slugs is None or teller.slug in slugs
    }


def tel_groep(scope, groep_slug, peildatum, vernauwing=None):
    """The counters of one group in one query, counted now: {teller_slug: aantal}."""
    aggregates = _aggregaten(GROEPEN[groep_slug], peildatum)
    result = items(scope, groep_slug, vernauwing).filter(actief(peildatum)).aggregate(**aggregates)
    return {slug: result[slug] or 0 for slug in aggregates}


def nul_tellingen():
    return {groep.slug: dict.fromkeys((teller.slug for teller in groep.tellers), 0) for groep in GROEPEN.values()}


def tel_gegroepeerd(scope, peildatum, per, gemeenten=None, tellers=None):
    """Counted now, one query per group, grouped by the client fields `per` (e.g. "kandidaat__gemeente_id"):
    [(values of `per`, groep slug, {teller: aantal})], for `gemeenten` of the scope (None: the whole scope).
    `tellers`: {groep: [teller slugs]} to count only those (None: all 17). Groups without active items are left
    out."""
    gevonden = []
    for groep in GROEPEN.values():
        if tellers is not None and groep.slug not in tellers:
            continue
        aggregates = _aggregaten(groep, peildatum, None if tellers is None else tellers[groep.slug])
        queryset = items(scope, groep.slug).filter(actief(peildatum))
        if gemeenten is not None:
            queryset = queryset.filter(kandidaat__gemeente_id__in=gemeenten)
        for row in queryset.values(*per).annotate(**aggregates).order_by():
            gevonden.append((tuple(row[veld] for veld in per), groep.slug, {slug: row[slug] for slug in aggregates}))
    return gevonden


def tel_per_gemeente(scope, peildatum, gemeenten=None):
    """{gemeente_id: {groep: {teller: aantal}}} counted now, one query per group, for `gemeenten` of the
    scope (None: the whole scope). Gemeenten without active items are left out."""
    per_gemeente = {}
    for (gemeente_id,), groep_slug, aantallen in tel_gegroepeerd(scope, peildatum, ("kandidaat__gemeente_id",),
                                                                 gemeenten):
        per_gemeente.setdefault(gemeente_id, nul_tellingen())[groep_slug] = aantallen
    return per_gemeente


def bewaarde_tellingen(peildatum, gemeenten, model=PaneelTelling):
    """{gemeente_id: {groep: {teller: aantal}}} of those `gemeenten` (pks; None: every gemeente) that have
    counts stored for the current data generation (models.paneel; `model`: PaneelTelling, or TeamTelling for the
    team overview's counts). One query; writes nothing."""
    bewaard = model.objects.filter(peildatum=peildatum, generatie=Datastand.huidige_in_query())
    if gemeenten is not None:
        bewaard = bewaard.filter(gemeente_id__in=gemeenten)
    return dict(bewaard.values_list("gemeente_id", "tellingen"))


def som(per_gemeente):
    """The counters summed over gemeenten: {groep: {teller: aantal}}."""
    totaal = nul_tellingen()
    for tellingen in per_gemeente.values():
        for groep_slug, aantallen in tellingen.items():
            for teller_slug, aantal in aantallen.items():
                totaal[groep_slug][teller_slug] += aantal
    return totaal


def kan_bewaard(vernauwing):
    """Stored counts are per gemeente: a narrowing by begeleider or uitvoerende is counted now."""
    return not (vernauwing.begeleider or vernauwing.uitvoerende)


def tel_nu(scope, peildatum, vernauwing):
    """All counters counted now, narrowed: {groep: {teller: aantal}} (three queries)."""
    return {slug: tel_groep(scope, slug, peildatum, vernauwing) for slug in GROEPEN}


def tellingen(aantallen):
    """{groep: {teller: aantal}} as the panel shows it: [(Groep, [Telling, ...]), ...] in the panel's order."""
    return [
        (groep, [Telling(groep, teller, aantallen[groep.slug][teller.slug]) for teller in groep.tellers])
        for groep in GROEPEN.values()
    ]


# --- the state of each item of a list, by the same definitions ------------------------------------


VERSTREKEN = "verstreken"
BINNEN_4_WEKEN = "binnen 4 weken"


def met_staat(queryset, peildatum):
    """Items annotated with `is_actief` and `signaal` ("verstreken", "binnen 4 weken" or "") at the peildatum:
    the very conditions of the counters, evaluated by the database (e.g. for the client page's badges)."""
    return queryset.annotate(
        is_actief=ExpressionWrapper(actief(peildatum), output_field=BooleanField()),
        signaal=Case(
            When(signaal_verstreken(peildatum), then=Value(VERSTREKEN)),
            When(signaal_binnen_4wkn(peildatum), then=Value(BINNEN_4_WEKEN)),
            default=Value(""),
        ),
    )
