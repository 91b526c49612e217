"""The option lists of the candidate list and the signal panel, and the one Uitvoerende rule.

Both pages offer the values of the user's own clients (and their items); a value from another gemeente is
never offered and cannot be chosen.
"""

from dataclasses import dataclass

from django.core.cache import cache

from kandidaten.models import Arbeidsmarktregio, Datastand, Module, Plaatsing, Traject
from kandidaten.models.kandidaat import GEEN_BEGELEIDER
from kandidaten.naamsortering import vouw
from kandidaten.scoping import Scope

CACHE_SECONDS = 600


@dataclass(frozen=True)
class Keuzes:
    gemeenten: list  # (pk, naam), in the database's order of the names (the gemeente sort's order)
    regios: list  # (pk, naam)
    begeleiders: list  # the names, then GEEN_BEGELEIDER when clients without one are in scope
    doelgroepen: list
    dv_soorten: list
    ladders: list  # stored values, sorted by rung
    uitvoerenden: list


def _gecachet(naam, scope, bereken):
    """`bereken(scope)`, cached per scope and data generation."""
    key = f"kandidaten:{naam}:{scope.cache_sleutel}:{Datastand.huidige()}"
    found = cache.get(key)
    if found is None:
        found = bereken(scope)
        cache.set(key, found, CACHE_SECONDS)
    return found


def keuzes(scope):
    """The values the filters offer: only from the clients (and items) in this scope.

    Distinct values over a national table cost a scan each, so they are cached per user and per data
    generation (`Datastand`, in the database: every server process sees a change at once). An import or
    correction that changed data, a changed doelgroep and a change of a user's gemeenten raise it.
    """
    return _gecachet("keuzes", Scope.van(scope), _keuzes)


def uitvoerenden(scope):
    """The uitvoerenden of the items in scope that are in the source, sorted (cached like `keuzes`)."""
    return _gecachet("uitvoerenden", Scope.van(scope), _uitvoerenden)


def _uitvoerenden(scope):
    trajecten, modules, plaatsingen = (
        scope.items(model).in_bron().exclude(uitvoerende="").values_list("uitvoerende").order_by()
        for model in (Traject, Module, Plaatsing)
    )
    gevonden = trajecten.union(modules, plaatsingen).order_by("uitvoerende")
    return sorted((naam for (naam,) in gevonden), key=vouw)


def _distinct(queryset, field):
    # order_by() first: the model's default ordering would otherwise become part of the DISTINCT.
    return sorted(queryset.exclude(**{field: ""}).order_by().values_list(field, flat=True).distinct(), key=vouw)


def _keuzes(scope):
    scoped = scope.kandidaten().in_bron()
    gemeenten = list(scope.gemeenten().order_by("naam").values_list("pk", "naam"))
    regios = list(
        Arbeidsmarktregio.objects.filter(gemeenten__in=scope.gemeenten()).distinct().order_by("naam")
        .values_list("pk", "naam")
    )
    begeleiders = _distinct(scoped, "begeleider")
    if scoped.filter(begeleider="").exists():  # through the begeleider index
        begeleiders.append(GEEN_BEGELEIDER)
    return Keuzes(
        gemeenten=gemeenten,
        regios=regios,
        begeleiders=begeleiders,
        doelgroepen=_distinct(scoped, "doelgroep"),
        dv_soorten=_distinct(scoped, "dv_laatste_soort"),
        ladders=sorted(_distinct(scoped, "participatieladder")),
        uitvoerenden=uitvoerenden(scope),
    )


def passende_uitvoerenden(termen, bekende):
    """THE Uitvoerende rule: the known uitvoerenden that contain any of the terms, case and accents ignored.

    "alrijde" finds "Alrijde B" and "ALRIJDE C"; several terms find the uitvoerenden of each. The panel, the
    candidate list and `manage.py signalen --uitvoerende` all narrow on exactly these values (an IN on the
    uitvoerende index: the same rows on SQLite and PostgreSQL, where LIKE folds case differently).
    """
    gevouwen = [vouw(term) for term in termen if term and term.strip()]
    return [naam for naam in bekende if any(term.strip() in vouw(naam) for term in gevouwen)]
