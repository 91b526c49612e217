"""The candidate list, the "profiel nodig" worklist and the client page: the queries behind them.

Views, the export and the tests share these; every queryset starts from the request's
`kandidaten.scoping.Scope`, so a user never sees, counts or is offered a value from
another gemeente's clients. The option lists live in `selectors.keuzes`.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from kandidaten import weergave
from kandidaten.models import KandidaatWijziging, Module, Plaatsing, Traject
from kandidaten.models.kandidaat import Klantprofiel
from kandidaten.scoping import Scope


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


# --- the worklist ----------------------------------------------------------------------------------

def profiel_nodig(scope, begeleider):
    """One begeleider's clients who need a profile, longest waiting first."""
    return (
        kandidaten(scope).filter(profiel_nodig=True, begeleider=begeleider).select_related("gemeente")
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


def per_begeleider(scope):
    """Per begeleider: clients needing a profile, counted in Sonar, and of those with a profile (one query)."""
    rows = (
        kandidaten(scope).values("begeleider")
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
