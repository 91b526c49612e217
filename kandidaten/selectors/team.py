"""The team overview (`/team/`, docs/team.md): per begeleider in scope, and "(geen begeleider)", the caseload,
who needs a profile and for how long, the signals of their clients' trajecten and modules at a peildatum, and the
follow-up of the worklist per status with the oldest open one.

Nothing is defined twice: the items are counted with the counters' own `Q`s (`signalen.tel_gegroepeerd`, grouped
by the client's gemeente and begeleider), the clients with the worklist's rules (`kandidaten.profiel_nodig` with
its `nodig_sinds`, `kandidaten.wacht_grens`) and the follow-up with `opvolging.status_q`, each grouped by
begeleider. So a begeleider's number is the length of the list its link opens (tests/team).

What depends only on the data is counted per gemeente and stored like the panel's counts (`TeamTelling` through
`services.paneeltellingen.TEAM`): per begeleider the clients, five item counters, and those needing a profile per
date since when. The follow-up changes without a new data generation, so it is counted live, and only over the
clients that have a follow-up other than open (a small set): open is what is left of "profiel nodig", date by date,
which also gives the oldest open one without reading every client who needs a profile.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from kandidaten.models import Opvolging, OpvolgingStatus
from kandidaten.models.kandidaat import GEEN_BEGELEIDER
from kandidaten.models.opvolging import status_q
from kandidaten.naamsortering import vouw
from kandidaten.scoping import Scope
from kandidaten.selectors import kandidaten, signalen

# The panel's counters the overview shows, per group (keys of signalen.GROEPEN), and in the order they are stored.
TELLERS = {
    "trajecten": ("signaal_verstreken", "einde_lt_3mnd", "zonder_actieve_module"),
    "modules": ("signaal_verstreken", "einde_lt_3mnd"),
}
SIGNALEN = [(groep, teller) for groep, tellers in TELLERS.items() for teller in tellers]
VAST = 1 + len(SIGNALEN)  # a stored row starts with the clients and the signals; the "since when" pairs follow
NIET_OPEN = [status for status in OpvolgingStatus if status != OpvolgingStatus.OPEN]


def _sinds_sleutel(sinds, onbekend):
    """A date since when (and whether it is only the first import's) as a JSON key: "2026-01-05|1"."""
    return f"{sinds.isoformat() if sinds else ''}|{int(bool(onbekend))}"


def _uit_sleutel(sleutel):
    iso, onbekend = sleutel.split("|")
    return (datetime.date.fromisoformat(iso) if iso else None), onbekend == "1"


def tel_per_gemeente(scope, peildatum, gemeenten=None):
    """{gemeente_id: {begeleider: row}} counted now, for `gemeenten` of the scope (None: all of it): what
    TeamTelling stores. Per begeleider (the stored name, "" for none) a compact row (a dict per begeleider made
    the national JSON 2.7 MB, 50 ms to read): [clients in the source, the SIGNALEN in order, then pairs of
    "date|first-import flag" and the number of clients needing a profile since that date]. Three queries."""
    per_gemeente = {}

    def rij(gemeente_id, begeleider):
        return per_gemeente.setdefault(gemeente_id, {}).setdefault(begeleider, [0] * VAST)

    klanten, nodig = kandidaten.kandidaten(scope), kandidaten.profiel_nodig(scope)
    if gemeenten is not None:
        klanten, nodig = klanten.filter(gemeente_id__in=gemeenten), nodig.filter(gemeente_id__in=gemeenten)
    for row in klanten.values("gemeente_id", "begeleider").annotate(n=Count("pk")).order_by():
        rij(row["gemeente_id"], row["begeleider"])[0] = row["n"]
    per_sinds = nodig.values("gemeente_id", "begeleider", "nodig_sinds", "nodig_sinds_onbekend").annotate(n=Count("pk"))
    for row in per_sinds.order_by():
        sleutel = _sinds_sleutel(row["nodig_sinds"], row["nodig_sinds_onbekend"])
        rij(row["gemeente_id"], row["begeleider"]).extend([sleutel, row["n"]])
    per = ("kandidaat__gemeente_id", "kandidaat__begeleider")
    for (gemeente_id, begeleider), groep, aantallen in signalen.tel_gegroepeerd(scope, peildatum, per, gemeenten,
                                                                                TELLERS):
        waarden = rij(gemeente_id, begeleider)
        for index, (signaal_groep, teller) in enumerate(SIGNALEN, start=1):
            if signaal_groep == groep:
                waarden[index] = aantallen[teller]
    return per_gemeente


def opvolging_per_begeleider(scope, gemeente=None):
    """{begeleider: {status: Counter((sinds, onbekend): n)}} of the clients needing a profile whose follow-up is
    not open, counted now (the worklist's rules and `status_q`). Read from the follow-up rows: only clients that
    have one are looked at."""
    nodig = kandidaten.profiel_nodig(scope, gemeente)
    if Scope.van(scope).alles:
        # The whole country: from the follow-up rows to their clients ("pk IN"); joined the other way SQLite walked
        # every client who needs a profile (0.6 s nationally).
        nodig = nodig.filter(pk__in=Opvolging.objects.exclude(status=OpvolgingStatus.OPEN).values("kandidaat_id"))
    else:
        # A few gemeenten: from their clients to the follow-up (the IN list probed every follow-up of the country:
        # 32 ms instead of 6 for a werkbedrijf with a quarter of the country's clients followed up).
        nodig = nodig.filter(opvolging__status__in=NIET_OPEN)
    rows = (
        nodig.values("begeleider", "nodig_sinds", "nodig_sinds_onbekend")
        .annotate(**{status.value: Count("pk", filter=status_q(status)) for status in NIET_OPEN})
        .order_by()
    )
    gevonden = {}
    for row in rows:
        per_status = gevonden.setdefault(row["begeleider"], {status.value: Counter() for status in NIET_OPEN})
        for status in NIET_OPEN:
            per_status[status.value][(row["nodig_sinds"], row["nodig_sinds_onbekend"])] += row[status.value]
    return gevonden


@dataclass
class TeamRij:
    """One begeleider's row (or the total row): every number the overview shows."""

    begeleider: str  # as the filters take it: the name, or GEEN_BEGELEIDER
    kandidaten: int = 0
    profiel_nodig: int = 0
    wacht_lang: int = 0  # needing a profile since before wacht_grens(peildatum)
    signalen: dict = field(default_factory=dict)  # {"trajecten-signaal_verstreken": n, ...}
    opvolging: dict = field(default_factory=dict)  # {status: n}, open included
    oudste_open: datetime.date | None = None  # since when the longest-waiting client with an open follow-up
    oudste_open_onbekend: bool = False  # that date is only the first import we have: perhaps longer

    def waarde(self, sleutel):
        """The number (or date) behind a column key (SORTEERBAAR)."""
        if sleutel in self.signalen:
            return self.signalen[sleutel]
        if sleutel in self.opvolging:
            return self.opvolging[sleutel]
        return getattr(self, sleutel)


def signaal_sleutel(groep, teller):
    return f"{groep}-{teller}"


def overzicht(scope, peildatum, bewaard, gemeente=None):
    """([TeamRij] per begeleider, unsorted; the total row) from the stored counts per gemeente (`bewaard`,
    services.paneeltellingen.per_gemeente with TEAM) and the live follow-up."""
    samen = {}  # begeleider -> ([clients, *signals], {since key: clients})
    for per_begeleider in bewaard.values():
        for begeleider, waarden in per_begeleider.items():
            vast, sinds = samen.setdefault(begeleider, ([0] * VAST, {}))
            for index in range(VAST):
                vast[index] += waarden[index]
            for index in range(VAST, len(waarden), 2):
                sinds[waarden[index]] = sinds.get(waarden[index], 0) + waarden[index + 1]
    niet_open = opvolging_per_begeleider(scope, gemeente)
    grens = kandidaten.wacht_grens(peildatum)
    rijen = [_rij(begeleider, vast, sinds, niet_open.get(begeleider, {}), grens)
             for begeleider, (vast, sinds) in samen.items()]
    return rijen, _totaal(rijen)


def _rij(begeleider, vast, sinds, niet_open, grens):
    sinds = Counter({_uit_sleutel(sleutel): n for sleutel, n in sinds.items()})
    rij = TeamRij(begeleider or GEEN_BEGELEIDER, kandidaten=vast[0], profiel_nodig=sinds.total(),
                  signalen={signaal_sleutel(*signaal): n for signaal, n in zip(SIGNALEN, vast[1:], strict=True)})
    rij.wacht_lang = sum(n for (datum, _onbekend), n in sinds.items() if datum is not None and datum < grens)
    open_per_sinds = Counter(sinds)
    for status in NIET_OPEN:
        per_sinds = niet_open.get(status.value, Counter())
        rij.opvolging[status.value] = per_sinds.total()
        open_per_sinds.subtract(per_sinds)
    open_per_sinds = +open_per_sinds  # only what is left
    rij.opvolging = {OpvolgingStatus.OPEN.value: open_per_sinds.total(), **rij.opvolging}
    gedateerd = [sleutel for sleutel in open_per_sinds if sleutel[0] is not None]
    if gedateerd:
        oudste = min(datum for datum, _onbekend in gedateerd)
        rij.oudste_open, rij.oudste_open_onbekend = oudste, (oudste, True) in open_per_sinds
    return rij


def _totaal(rijen):
    totaal = TeamRij("", kandidaten=sum(r.kandidaten for r in rijen), profiel_nodig=sum(r.profiel_nodig for r in rijen),
                     wacht_lang=sum(r.wacht_lang for r in rijen))
    totaal.signalen = {signaal_sleutel(*signaal): sum(r.signalen[signaal_sleutel(*signaal)] for r in rijen)
                       for signaal in SIGNALEN}
    totaal.opvolging = {status.value: sum(r.opvolging[status.value] for r in rijen) for status in OpvolgingStatus}
    oudste = [(r.oudste_open, r.oudste_open_onbekend) for r in rijen if r.oudste_open is not None]
    if oudste:
        totaal.oudste_open = min(datum for datum, _onbekend in oudste)
        totaal.oudste_open_onbekend = (totaal.oudste_open, True) in oudste
    return totaal


# Sortable columns: "begeleider", the numbers (TeamRij attributes, signal and status keys) and "oudste_open".
SORTEERBAAR = [
    "begeleider", "kandidaten", "profiel_nodig", "wacht_lang",
    *(signaal_sleutel(*signaal) for signaal in SIGNALEN),
    *(status.value for status in OpvolgingStatus), "oudste_open",
]


def gesorteerd(rijen, kolom, *, aflopend=False):
    """The rows in the order of `kolom` (one of SORTEERBAAR; the view checks it), descending if `aflopend`.
    Names in folded order, "(geen begeleider)" last; an empty date last; ties by name."""
    namen = sorted((rij for rij in rijen if rij.begeleider != GEEN_BEGELEIDER), key=lambda rij: vouw(rij.begeleider),
                   reverse=aflopend and kolom == "begeleider")
    op_naam = namen + [rij for rij in rijen if rij.begeleider == GEEN_BEGELEIDER]
    if kolom == "begeleider":
        return op_naam
    met_waarde = [rij for rij in op_naam if rij.waarde(kolom) is not None]
    zonder = [rij for rij in op_naam if rij.waarde(kolom) is None]
    return sorted(met_waarde, key=lambda rij: rij.waarde(kolom), reverse=aflopend) + zonder
