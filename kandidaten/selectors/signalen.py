"""The signal panel: THE definition of the 17 counters (DOMAIN.md, "The counters").

Every counter is one `Q` built from a peildatum P. The panel counts all
counters of a group in one query (conditional aggregation), the drill-down
lists filter on the very same `Q`, and the export and the `signalen` command
reuse those querysets: a number and the list behind it cannot disagree.

Only items in the user's scope count (`kandidaten.scoping.items_voor`), and
only items that are still in the source whose client is still in the source.

The panel itself reads its numbers per gemeente from the counts stored for the
current state of the data (`models.paneel`), counted with these same queries the
first time they are asked for after a change: nationally ~1,000,000 items take a
second or more to count, the stored counts a few milliseconds.
"""

import calendar
import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import BooleanField, Case, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from kandidaten.models import Datastand, Import, Kandidaat, Module, PaneelTelling, Plaatsing, Traject
from kandidaten.models.imports import STALE_AFTER
from kandidaten.models.items import actief_op
from kandidaten.scoping import gemeenten_voor, items_voor, kandidaten_voor

logger = logging.getLogger(__name__)

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


def klanten_met_aantal(user, groep_slug, teller_slug, peildatum, vernauwing=None):
    """The clients of `signaal_items`, each with its number of those items (at least one): (pk, aantal) rows.

    The same items seen from their clients, for a drill-down page sorted on a client column: walking the
    clients in the order of their index and stopping when the page is full is what makes such a page fast
    nationally (sorting up to 300,000 items on a joined column is not). Unordered: the caller orders.
    """
    vernauwing = vernauwing or Vernauwing()
    per_klant = signaal_items(user, groep_slug, teller_slug, peildatum, vernauwing).filter(kandidaat_id=OuterRef("pk"))
    aantal_items = per_klant.order_by().values("kandidaat_id").annotate(n=Count("pk")).values("n")
    # Which items count is decided by signaal_items alone; narrowing the clients as well only spares the
    # walk the clients that cannot have any.
    klanten = kandidaten_voor(user).in_bron()
    if vernauwing.begeleider:
        klanten = klanten.filter(begeleider=vernauwing.begeleider)
    if vernauwing.gemeente:
        klanten = klanten.filter(gemeente_id=vernauwing.gemeente)
    return klanten.annotate(aantal=Subquery(aantal_items)).filter(aantal__gt=0).values_list("pk", "aantal")


@dataclass(frozen=True)
class Telling:
    groep: Groep
    teller: Teller
    aantal: int


def _aggregaten(groep, peildatum):
    # Applied to items already filtered on "actief": every counter is a subset of it, and filtering on it
    # first lets the database use the date index.
    return {
        teller.slug: Count("id") if teller.slug == "actief" else Count("id", filter=teller.definitie(peildatum))
        for teller in groep.tellers
    }


def tel_groep(user, groep_slug, peildatum, vernauwing=None):
    """The counters of one group in one query, counted now: {teller_slug: aantal}."""
    aggregates = _aggregaten(GROEPEN[groep_slug], peildatum)
    result = items(user, groep_slug, vernauwing).filter(actief(peildatum)).aggregate(**aggregates)
    return {slug: result[slug] or 0 for slug in aggregates}


def _nul_tellingen():
    return {groep.slug: dict.fromkeys((teller.slug for teller in groep.tellers), 0) for groep in GROEPEN.values()}


def tel_per_gemeente(user, peildatum, gemeenten=None):
    """{gemeente_id: {groep: {teller: aantal}}} counted now, one query per group, for `gemeenten` of the user's
    scope (None: the whole scope). Gemeenten without active items are left out."""
    per_gemeente = {}
    for groep in GROEPEN.values():
        aggregates = _aggregaten(groep, peildatum)
        queryset = items(user, groep.slug).filter(actief(peildatum))
        if gemeenten is not None:
            queryset = queryset.filter(kandidaat__gemeente_id__in=gemeenten)
        for row in queryset.values("kandidaat__gemeente_id").annotate(**aggregates).order_by():
            tellingen = per_gemeente.setdefault(row["kandidaat__gemeente_id"], _nul_tellingen())
            tellingen[groep.slug] = {slug: row[slug] for slug in aggregates}
    return per_gemeente


def bewaarde_tellingen(user, peildatum, gemeente=None):
    """{gemeente_id: {groep: {teller: aantal}}} for every gemeente in scope (or only `gemeente`).

    Read from the stored counts of the current data generation (models.paneel) when there are any, counted
    now and stored for the gemeenten that have none. Two queries when everything is stored.
    """
    scope = list(gemeenten_voor(user).values_list("pk", flat=True))
    if gemeente is not None:
        scope = [pk for pk in scope if pk == gemeente]
    bewaard = PaneelTelling.objects.filter(peildatum=peildatum, generatie=Datastand.huidige_in_query())
    if gemeente is not None or not user.is_superuser:
        bewaard = bewaard.filter(gemeente_id__in=scope)
    per_gemeente = dict(bewaard.values_list("gemeente_id", "tellingen"))
    ontbrekend = [pk for pk in scope if pk not in per_gemeente]
    if ontbrekend:
        # The generation is read before counting: a change committed meanwhile makes these counts stale
        # (never read), never wrong under a current generation.
        generatie = Datastand.huidige()
        heel_land = user.is_superuser and len(ontbrekend) == len(scope) and gemeente is None
        geteld = tel_per_gemeente(user, peildatum, None if heel_land else ontbrekend)
        geteld = {pk: geteld.get(pk) or _nul_tellingen() for pk in ontbrekend}  # zeros are counts too
        _bewaar(peildatum, generatie, geteld)
        per_gemeente.update(geteld)
    return per_gemeente


def _bewaar(peildatum, generatie, per_gemeente):
    """Store counts; best effort: a page never fails or waits because they could not be stored."""
    if Import.objects.filter(status=Import.Status.TOEPASSEN, aangemaakt__gt=timezone.now() - STALE_AFTER).exists():
        return  # an import is writing: its data generation is about to change, and SQLite would wait for it
    rijen = [
        PaneelTelling(peildatum=peildatum, generatie=generatie, gemeente_id=pk, tellingen=tellingen)
        for pk, tellingen in per_gemeente.items()
    ]
    try:
        with transaction.atomic():
            PaneelTelling.objects.bulk_create(rijen, ignore_conflicts=True)
            # Counts of an older generation are never read again.
            PaneelTelling.objects.filter(generatie__lt=generatie).delete()
    except DatabaseError:
        logger.warning("Paneeltellingen voor %s niet bewaard", peildatum, exc_info=True)


def tel_vooruit(peildatum):
    """Count and store the whole country's counters at `peildatum`: after an import, so the next visitor
    of the panel reads them instead of waiting for the count."""
    bewaarde_tellingen(SYSTEEM, peildatum)


def som(per_gemeente):
    """The counters summed over gemeenten: {groep: {teller: aantal}}."""
    totaal = _nul_tellingen()
    for tellingen in per_gemeente.values():
        for groep_slug, aantallen in tellingen.items():
            for teller_slug, aantal in aantallen.items():
                totaal[groep_slug][teller_slug] += aantal
    return totaal


def _kan_bewaard(vernauwing):
    """Stored counts are per gemeente: a narrowing by begeleider or uitvoerende is counted now."""
    return not (vernauwing.begeleider or vernauwing.uitvoerende)


def aantal(user, groep_slug, teller_slug, peildatum, vernauwing=None):
    """The number of one counter: the very number the panel shows (the drill-down's count)."""
    vernauwing = vernauwing or Vernauwing()
    if _kan_bewaard(vernauwing):
        return som(bewaarde_tellingen(user, peildatum, vernauwing.gemeente))[groep_slug][teller_slug]
    return signaal_items(user, groep_slug, teller_slug, peildatum, vernauwing).count()


def paneel(user, peildatum, vernauwing=None):
    """All 17 counters: [(Groep, [Telling, ...]), ...] in the panel's order.

    Narrowed by begeleider or uitvoerende: counted now (three queries). Otherwise from the counts per
    gemeente stored for this state of the data (two queries; the first request after a change counts).
    """
    vernauwing = vernauwing or Vernauwing()
    if _kan_bewaard(vernauwing):
        aantallen = som(bewaarde_tellingen(user, peildatum, vernauwing.gemeente))
    else:
        aantallen = {slug: tel_groep(user, slug, peildatum, vernauwing) for slug in GROEPEN}
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
