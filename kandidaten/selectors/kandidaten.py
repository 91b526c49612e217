"""The candidate list, the "profiel nodig" worklist and the client page: the queries behind them.

Views, the export and the tests share these; every queryset starts from
`kandidaten.scoping.kandidaten_voor`, so a user never sees, counts or is offered
a value from another gemeente's clients.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from kandidaten import weergave
from kandidaten.models import Arbeidsmarktregio, Datastand, KandidaatWijziging, Module, Plaatsing, Traject
from kandidaten.models.kandidaat import Klantprofiel
from kandidaten.scoping import gemeenten_voor, kandidaten_voor

OPTIONS_CACHE_SECONDS = 600


def kandidaten(user, *, ook_niet_in_bron=False):
    """The clients a user may see; only those in the source unless asked otherwise."""
    # No select_related("gemeente"): joined, SQLite walks every client through the gemeente index whatever
    # the list's sort. The list takes names from the option lists; pages that show few rows join themselves.
    queryset = kandidaten_voor(user)
    return queryset if ook_niet_in_bron else queryset.filter(in_bron=True)


def met_actief_item_van(queryset, uitvoerende, peildatum=None):
    """Clients with an active traject, module or plaatsing (in the source) of this uitvoerende."""
    peildatum = peildatum or timezone.localdate()
    # "pk IN (clients of those items)", not a correlated EXISTS per client: the items come through the
    # uitvoerende index once, where EXISTS probed three tables for each of 250,000 clients (3 s nationally).
    condition = Q()
    for model in (Traject, Module, Plaatsing):
        items = model.objects.actief(op=peildatum).in_bron().filter(uitvoerende=uitvoerende)
        condition |= Q(pk__in=items.values("kandidaat_id"))
    return queryset.filter(condition)


# --- option lists ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Options:
    gemeenten: list  # (pk, naam)
    regios: list  # (pk, naam)
    begeleiders: list
    doelgroepen: list
    dv_soorten: list
    ladders: list  # stored labels, sorted by rung
    uitvoerenden: list


def options(user):
    """The values the filters offer: only from the clients (and items) this user may see.

    Distinct values over a national table cost a scan each, so they are cached per user and per data
    generation (`Datastand`, in the database: every server process sees a change at once). An import or
    correction that changed data, a changed doelgroep and a change of a user's gemeenten raise it.
    """
    key = f"kandidaten:options:{user.pk}:{int(user.is_superuser)}:{Datastand.huidige()}"
    found = cache.get(key)
    if found is None:
        found = _options(user)
        cache.set(key, found, OPTIONS_CACHE_SECONDS)
    return found


def _distinct(queryset, field):
    # order_by() first: the model's default ordering would otherwise become part of the DISTINCT.
    return sorted(queryset.exclude(**{field: ""}).order_by().values_list(field, flat=True).distinct())


def _options(user):
    scoped = kandidaten_voor(user).filter(in_bron=True)
    gemeenten = list(gemeenten_voor(user).order_by("naam").values_list("pk", "naam"))
    regios = list(
        Arbeidsmarktregio.objects.filter(gemeenten__in=gemeenten_voor(user)).distinct().order_by("naam")
        .values_list("pk", "naam")
    )
    ladders = sorted(_distinct(scoped, "participatieladder"))
    uitvoerenden = set()
    for model in (Traject, Module, Plaatsing):
        uitvoerenden.update(
            model.objects.filter(kandidaat__in=scoped, in_bron=True).exclude(uitvoerende="").order_by()
            .values_list("uitvoerende", flat=True).distinct()
        )
    return Options(
        gemeenten=gemeenten,
        regios=regios,
        begeleiders=_distinct(scoped, "begeleider"),
        doelgroepen=_distinct(scoped, "doelgroep"),
        dv_soorten=_distinct(scoped, "dv_laatste_soort"),
        ladders=ladders,
        uitvoerenden=sorted(uitvoerenden),
    )


# --- the worklist ----------------------------------------------------------------------------------

def profiel_nodig(user, begeleider):
    """One begeleider's clients who need a profile, longest waiting first."""
    return (
        kandidaten(user).filter(profiel_nodig=True, begeleider=begeleider).select_related("gemeente")
        .order_by("profiel_nodig_sinds", "naam", "pk")
    )


@dataclass(frozen=True)
class BegeleiderTelling:
    begeleider: str
    profiel_nodig: int
    telt_in_sonar: int
    met_profiel: int

    @property
    def aandeel_met_profiel(self):
        return round(100 * self.met_profiel / self.telt_in_sonar) if self.telt_in_sonar else None


def per_begeleider(user):
    """Per begeleider: clients needing a profile, counted in Sonar, and of those with a profile (one query)."""
    rows = (
        kandidaten(user).values("begeleider")
        .annotate(
            nodig=Count("pk", filter=Q(profiel_nodig=True)),
            telt=Count("pk", filter=Q(telt_in_sonar=True)),
            met=Count("pk", filter=Q(telt_in_sonar=True, klantprofiel=Klantprofiel.JA)),
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


def today():
    return timezone.localdate()


def days_waiting(since):
    return (timezone.localdate() - since).days if isinstance(since, datetime.date) else None
