"""The audit log page: the records a user may read, narrowed by its filters, and made readable."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from kandidaten.models import Arbeidsmarktregio, Gemeente
from kandidaten.scoping import auditregels_voor

# At most this many gemeente names per record; a national export names hundreds.
GEMEENTEN_GETOOND = 3
# The list's and the panel's URL parameters, in the users' words.
FILTER_LABELS = {
    "q": "zoekterm", "regio": "arbeidsmarktregio", "status": "Sonar-status", "ladder": "participatieladder",
    "dv_soort": "DV laatste soort", "ook_niet_in_bron": "ook niet meer in bron", "sort": "sortering",
}


def auditregels(user, *, gebruiker="", actie="", van=None, tot=None):
    """The user's audit records (its gemeenten; superusers all), newest first, with the filters applied."""
    regels = auditregels_voor(user).prefetch_related("gemeenten")
    if gebruiker:
        regels = regels.filter(gebruikersnaam__icontains=gebruiker)
    if actie:
        regels = regels.filter(actie=actie)
    # Whole days in the local time zone, as a range on the indexed column (not a date function on it).
    if van:
        regels = regels.filter(tijdstip__gte=begin_van_dag(van))
    if tot:
        regels = regels.filter(tijdstip__lt=begin_van_dag(tot + datetime.timedelta(days=1)))
    return regels.order_by("-tijdstip", "-pk")


def begin_van_dag(dag):
    """The first moment of `dag` in the app's time zone (a date range's bound on a timestamp)."""
    return timezone.make_aware(datetime.datetime.combine(dag, datetime.time.min))


@dataclass
class Regel:
    tijdstip: datetime.datetime
    gebruiker: str
    actie: str
    omschrijving: str
    aantal_rijen: int | None
    filters: list  # "label: waarde" texts
    gemeenten: list
    meer_gemeenten: int


def leesbaar(events):
    """A page of records as the page shows them: names instead of the ids in the recorded filters."""
    events = list(events)
    nodig = {key for event in events for key in event.filters}
    gemeente_namen = _namen(Gemeente) if "gemeente" in nodig else {}
    regio_namen = _namen(Arbeidsmarktregio) if "regio" in nodig else {}
    regels = []
    for event in events:
        gemeenten = sorted(gemeente.naam for gemeente in event.gemeenten.all())
        regels.append(Regel(
            tijdstip=event.tijdstip,
            gebruiker=event.gebruikersnaam,
            actie=event.get_actie_display(),
            omschrijving=event.omschrijving,
            aantal_rijen=event.aantal_rijen,
            filters=[_filter_tekst(key, value, gemeente_namen, regio_namen) for key, value in event.filters.items()],
            gemeenten=gemeenten[:GEMEENTEN_GETOOND],
            meer_gemeenten=max(len(gemeenten) - GEMEENTEN_GETOOND, 0),
        ))
    return regels


def _namen(model):
    return {str(pk): naam for pk, naam in model.objects.values_list("pk", "naam")}


def _filter_tekst(key, value, gemeente_namen, regio_namen):
    waarden = value if isinstance(value, list) else [value]
    namen = {"gemeente": gemeente_namen, "regio": regio_namen}.get(key)
    if namen is not None:
        waarden = [namen.get(str(waarde), waarde) for waarde in waarden]
    elif key == "peildatum":
        waarden = [_datum(waarde) for waarde in waarden]
    tekst = ", ".join("ja" if waarde is True else str(waarde) for waarde in waarden)
    return f"{FILTER_LABELS.get(key, key.replace('_', ' '))}: {tekst}"


def _datum(waarde):
    try:
        return datetime.date.fromisoformat(waarde).strftime("%d-%m-%Y")
    except (TypeError, ValueError):
        return waarde
