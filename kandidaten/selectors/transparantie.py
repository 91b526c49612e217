"""The transparency report as of a date, its trend per quarter, and the comparison with UWV's figures.

Everything is read from the counts stored per gemeente and stand (`models.TransparantieTelling`, written by
`services.transparantie.leg_stand_vast`): as of a date D, each gemeente's row with the latest stand <= D.
Callers pass the gemeenten in scope (`kandidaten.scoping.gemeenten_voor`); the command passes all of them.

Rows follow UWV's table: per arbeidsmarktregio its gemeenten and a "Totaal AMR" row, then "Onbekend" (clients
without a known gemeente, and clients whose klant van is unknown), then the total. A gemeente row holds the
clients of known klant van; those of unknown klant van count in Onbekend, so every client counts once.
"""

import datetime
from dataclasses import astuple, dataclass, field

from django.db import connection
from django.db.models import Count, Min, OuterRef, Subquery

from kandidaten.models import DoelgroepregisterTotaal, Gemeente, TransparantieTelling, UwvTelling
from kandidaten.models.transparantie import Bron
from kandidaten.services.transparantie import KOLOMMEN

GEMEENTE, REGIO, ONBEKEND, TOTAAL = "gemeente", "regio", "onbekend", "totaal"
TREND_KWARTALEN = 12
UWV_KOLOMMEN = KOLOMMEN[:4]  # the four columns UWV publishes beside its total


def procent(deel, geheel):
    """Whole percent, half up, as UWV writes it ("66%"); None without a whole."""
    if not geheel:
        return None
    return (200 * deel + geheel) // (2 * geheel)


# --- quarters --------------------------------------------------------------------------------------------


def kwartaal_van(datum):
    return f"{datum.year}-Q{(datum.month - 1) // 3 + 1}"


def einde_kwartaal(kwartaal):
    jaar, nummer = int(kwartaal[:4]), int(kwartaal[-1])
    volgende = datetime.date(jaar + nummer // 4, nummer % 4 * 3 + 1, 1)
    return volgende - datetime.timedelta(days=1)


def kwartaal_label(kwartaal):
    return f"{kwartaal[-1]}e kwartaal {kwartaal[:4]}"


def kwartaaleinden(van, tot):
    """The ends of the quarters from the one holding `van` up to `tot` (only those <= `tot`)."""
    einden = []
    einde = einde_kwartaal(kwartaal_van(van))
    while einde <= tot:
        einden.append(einde)
        einde = einde_kwartaal(kwartaal_van(einde + datetime.timedelta(days=1)))
    return einden


# --- counts ------------------------------------------------------------------------------------------------


@dataclass
class Aantallen:
    gemeente_profiel: int = 0
    gemeente_geen_profiel: int = 0
    uwv_profiel: int = 0
    uwv_geen_profiel: int = 0
    onbekend_profiel: int = 0
    onbekend_geen_profiel: int = 0

    @classmethod
    def uit(cls, mapping):
        return cls(*(mapping.get(kolom) or 0 for kolom in KOLOMMEN))

    def __add__(self, other):
        return Aantallen(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def bekend(self):
        """Only the clients whose klant van is known (a gemeente's own row)."""
        return Aantallen(self.gemeente_profiel, self.gemeente_geen_profiel, self.uwv_profiel, self.uwv_geen_profiel)

    def onbekend(self):
        return Aantallen(onbekend_profiel=self.onbekend_profiel, onbekend_geen_profiel=self.onbekend_geen_profiel)

    @property
    def totaal(self):
        return sum(astuple(self))

    @property
    def met_profiel(self):
        return self.gemeente_profiel + self.uwv_profiel + self.onbekend_profiel

    @property
    def klant_van_onbekend(self):
        return self.onbekend_profiel + self.onbekend_geen_profiel

    @property
    def aandeel_profiel(self):
        return procent(self.met_profiel, self.totaal)


def tellingen_op(datum, gemeenten, velden=("gemeente_id", "stand", *KOLOMMEN)):
    """Each gemeente's stored row with the latest stand <= `datum` (gemeenten without one: none), as dicts.

    Two queries. First each gemeente's latest stand, one backward seek in the unique (gemeente, stand) index;
    asked for on its own, not as a subquery of the rows: PostgreSQL then hashed every stored row (36 of 51 ms
    nationally) instead of fetching 343. Then those rows, selected by their few distinct stands (a handful of
    parameters) rather than by an id per gemeente, and kept when they are the pair the first query found."""
    laatste = Subquery(
        TransparantieTelling.objects.filter(gemeente=OuterRef("pk"), stand__lte=datum)
        .order_by("-stand").values("stand")[:1]
    )
    standen = gemeenten.order_by().annotate(laatste=laatste).values_list("pk", "laatste")
    paren = {(gemeente_id, stand) for gemeente_id, stand in standen if stand}
    rijen = TransparantieTelling.objects.filter(
        gemeente__in=gemeenten, stand__in={stand for _gemeente, stand in paren}
    ).values(*velden)
    return [rij for rij in rijen if (rij["gemeente_id"], rij["stand"]) in paren]


def in_beeld(gemeenten, *, regio=None, gemeente=None):
    if regio:
        gemeenten = gemeenten.filter(regio_id=regio)
    if gemeente:
        gemeenten = gemeenten.filter(pk=gemeente)
    return gemeenten


# --- the report --------------------------------------------------------------------------------------------


@dataclass
class Rij:
    soort: str
    regio: str
    gemeente: str
    aantallen: Aantallen
    regio_id: int | None = None
    gemeente_id: int | None = None
    stand: datetime.date | None = None
    register: int | None = None  # persons in the doelgroepregister, where beheer entered them

    @property
    def bekend_in_sonar(self):
        """"Hiervan is 66% bekend binnen Sonar": our total in Sonar as a share of the register."""
        return procent(self.aantallen.totaal, self.register)


@dataclass
class Rapport:
    datum: datetime.date
    rijen: list = field(default_factory=list)
    heel_nederland: bool = False
    eerste_stand: datetime.date | None = None
    laatste_stand: datetime.date | None = None
    laatste_import: datetime.datetime | None = None
    laatste_correctie: datetime.datetime | None = None

    @property
    def leeg(self):
        return self.laatste_stand is None

    @property
    def totaal(self):
        return self.rijen[-1].aantallen if self.rijen else Aantallen()


_VELDEN = ["gemeente_id", "stand", "bron", "vastgelegd", *KOLOMMEN,
           "gemeente__naam", "gemeente__sleutel", "gemeente__regio_id", "gemeente__regio__naam",
           "gemeente__regio__nummer"]


def rapport(gemeenten, datum, *, regio=None, gemeente=None, hele_regios=None):
    """The report as of `datum` over `gemeenten` (the scope), narrowed to a region or one gemeente.

    `hele_regios`: the view's `_hele_regios`, when the caller has them already (read here otherwise)."""
    beeld = in_beeld(gemeenten, regio=regio, gemeente=gemeente)
    opgeslagen = tellingen_op(datum, beeld, _VELDEN)
    resultaat = Rapport(datum, heel_nederland=not regio and not gemeente and _heel_land(gemeenten))
    if not opgeslagen:
        resultaat.rijen = [Rij(TOTAAL, "", "", Aantallen())]
        return resultaat
    _vul_herkomst(resultaat, opgeslagen)
    registers = _registers(kwartaal_van(datum))
    if hele_regios is None:
        hele_regios = set() if gemeente else _hele_regios(beeld)
    onbekend = Aantallen()
    per_regio = {}
    for rij in sorted(opgeslagen, key=lambda r: (r["gemeente__regio__nummer"] or 0, r["gemeente__sleutel"])):
        aantallen = Aantallen.uit(rij)
        if rij["gemeente__regio_id"] is None:  # the "Onbekend" gemeente
            onbekend += aantallen
            continue
        onbekend += aantallen.onbekend()
        per_regio.setdefault(rij["gemeente__regio_id"], []).append(Rij(
            GEMEENTE, rij["gemeente__regio__naam"], rij["gemeente__naam"], aantallen.bekend(),
            rij["gemeente__regio_id"], rij["gemeente_id"], rij["stand"], registers.get(("g", rij["gemeente_id"])),
        ))
    for regio_id, gemeenterijen in per_regio.items():
        resultaat.rijen += gemeenterijen
        resultaat.rijen.append(Rij(
            REGIO, gemeenterijen[0].regio, "Totaal AMR", sum((r.aantallen for r in gemeenterijen), Aantallen()),
            regio_id, register=registers.get(("r", regio_id)) if regio_id in hele_regios else None,
        ))
    if onbekend.totaal:
        resultaat.rijen.append(Rij(ONBEKEND, "Onbekend", "Onbekend", onbekend))
    totaal = sum((r.aantallen for r in resultaat.rijen if r.soort in (REGIO, ONBEKEND)), Aantallen())
    resultaat.rijen.append(Rij(TOTAAL, "Nederland" if resultaat.heel_nederland else "Totaal", "Totaal", totaal))
    return resultaat


def _vul_herkomst(resultaat, opgeslagen):
    """Which stands and imports the report rests on: for "stand 30-06-2025, laatste import 02-07-2025"."""
    standen = [rij["stand"] for rij in opgeslagen]
    resultaat.eerste_stand, resultaat.laatste_stand = min(standen), max(standen)
    imports = [rij["vastgelegd"] for rij in opgeslagen if rij["bron"] != Bron.CORRECTIE]
    correcties = [rij["vastgelegd"] for rij in opgeslagen if rij["bron"] == Bron.CORRECTIE]
    resultaat.laatste_import = max(imports, default=None)
    resultaat.laatste_correctie = max(correcties, default=None)


def _heel_land(gemeenten):
    return gemeenten.count() == Gemeente.objects.count()


def _hele_regios(beeld):
    """Regions whose every gemeente is in view: only their register figure compares with our region total."""
    in_view = dict(beeld.order_by().values_list("regio_id").annotate(aantal=Count("pk")))
    alle = Gemeente.objects.filter(regio_id__in=in_view).order_by().values_list("regio_id").annotate(Count("pk"))
    return {regio_id for regio_id, aantal in alle if in_view.get(regio_id) == aantal}


def _registers(kwartaal):
    registers = {}
    for gemeente_id, regio_id, personen in DoelgroepregisterTotaal.objects.filter(kwartaal=kwartaal).values_list(
        "gemeente_id", "regio_id", "personen"
    ):
        registers[("g", gemeente_id) if gemeente_id else ("r", regio_id)] = personen
    return registers


@dataclass(frozen=True)
class Kolom:
    """A column of UWV's table: its Dutch header, its name in the command's CSV, and its value in a Rij."""

    kop: str
    naam: str
    waarde: object


UWV_TABEL = [
    Kolom("Arbeidsmarktregio", "arbeidsmarktregio", lambda rij: rij.regio),
    Kolom("Gemeente", "gemeente", lambda rij: rij.gemeente),
    Kolom("Gemeenteklanten: profiel", "gemeenteklanten_profiel", lambda rij: rij.aantallen.gemeente_profiel),
    Kolom("Gemeenteklanten: geen profiel", "gemeenteklanten_geen_profiel",
          lambda rij: rij.aantallen.gemeente_geen_profiel),
    Kolom("UWV-klanten: profiel", "uwv_klanten_profiel", lambda rij: rij.aantallen.uwv_profiel),
    Kolom("UWV-klanten: geen profiel", "uwv_klanten_geen_profiel", lambda rij: rij.aantallen.uwv_geen_profiel),
    Kolom("Totaal in Sonar", "totaal_in_sonar", lambda rij: rij.aantallen.totaal),
]
# After UWV's columns, in the page's export: what the page shows beside each row.
ERNAAST = [
    Kolom("Met profiel (%)", "met_profiel_procent", lambda rij: rij.aantallen.aandeel_profiel),
    Kolom("Personen in het doelgroepregister", "doelgroepregister", lambda rij: rij.register),
    Kolom("Bekend in Sonar (%)", "bekend_in_sonar_procent", lambda rij: rij.bekend_in_sonar),
    Kolom("Stand", "stand", lambda rij: rij.stand),
]


# --- the trend ---------------------------------------------------------------------------------------------


@dataclass
class Punt:
    datum: datetime.date
    label: str
    aantallen: Aantallen


def trend(gemeenten, datum, *, regio=None, gemeente=None, kwartalen=TREND_KWARTALEN):
    """Totals of the view at the end of each quarter up to `datum` (the last `kwartalen`), then at `datum`."""
    beeld = in_beeld(gemeenten, regio=regio, gemeente=gemeente)
    eerste = eerste_stand(beeld)
    if eerste is None or eerste > datum:
        return []
    data = kwartaaleinden(eerste, datum)[-kwartalen:]
    if not data or data[-1] != datum:
        data.append(datum)
    per_punt = _tellingen_per_punt(beeld, data)
    punten = []
    for punt, aantallen in zip(data, per_punt, strict=True):
        label = kwartaal_label(kwartaal_van(punt)) if punt == einde_kwartaal(kwartaal_van(punt)) else (
            f"stand {punt:%d-%m-%Y}")
        punten.append(Punt(punt, label, aantallen))
    return punten


def _tellingen_per_punt(beeld, data):
    """[Aantallen] per date in `data`, summed in the database in one statement.

    Per (date, gemeente in view) the latest stand <= date (a backward seek in the unique index), joined to its
    row and summed per date. Nationally 13 dates are ~4,500 rows: fetched into Python and summed there they cost
    ~90 ms (half of it building objects), summed here ~15-20 ms. Plain SQL because the ORM cannot join on a
    per-row subquery; the scope comes from the ORM (`beeld`) as a subquery."""
    if not data:
        return []
    tabel = connection.ops.quote_name(TransparantieTelling._meta.db_table)
    kolom = connection.ops.quote_name
    punten = " UNION ALL ".join(f"SELECT {index} AS i, %s AS d" for index in range(len(data)))
    scope_sql, scope_params = beeld.order_by().values("id").query.sql_with_params()  # a column named id
    sommen = ", ".join(f"SUM(t.{kolom(naam)})" for naam in KOLOMMEN)
    # First the (date, gemeente, stand) triples, then their rows by the unique index. "CROSS JOIN" fixes that
    # order for SQLite; without it both databases scanned every stored row instead (SQLite: 750 ms).
    paren = (
        f"SELECT p.i AS i, g.id AS gid, (SELECT u.stand FROM {tabel} u WHERE u.gemeente_id = g.id "
        f"AND u.stand <= p.d ORDER BY u.stand DESC LIMIT 1) AS stand FROM ({punten}) p CROSS JOIN ({scope_sql}) g"
    )
    if connection.vendor == "postgresql":
        paren += " OFFSET 0"  # PostgreSQL's fence against merging the triples into the join (same reason)
    sql = (
        f"SELECT x.i, {sommen} FROM ({paren}) x CROSS JOIN {tabel} t "
        "WHERE t.gemeente_id = x.gid AND t.stand = x.stand GROUP BY x.i"
    )
    params = [connection.ops.adapt_datefield_value(datum) for datum in data] + list(scope_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        per_index = {index: Aantallen(*(aantal or 0 for aantal in sommen_)) for index, *sommen_ in cursor.fetchall()}
    return [per_index.get(index, Aantallen()) for index in range(len(data))]


def eerste_stand(gemeenten):
    """The earliest stored stand of `gemeenten` (None: nothing stored): one index seek per gemeente, not a scan
    of every stored row (nationally three years of weekly stands: 22 ms -> 2 ms)."""
    eerste = TransparantieTelling.objects.filter(gemeente=OuterRef("pk")).order_by("stand").values("stand")[:1]
    return gemeenten.order_by().annotate(eerste=Subquery(eerste)).aggregate(Min("eerste"))["eerste__min"]


# --- beside UWV ----------------------------------------------------------------------------------------------


@dataclass
class Vergelijking:
    """One row beside UWV: our four columns and total, UWV's, and the differences (ours minus UWV's)."""

    soort: str
    regio: str
    gemeente: str
    ons: list | None  # [4 columns..., total] or None (not in our data)
    uwv: list | None

    @property
    def verschil(self):
        if self.ons is None or self.uwv is None:
            return None
        return [a - b for a, b in zip(self.ons, self.uwv, strict=True)]

    @property
    def cellen(self):
        """Per column (ons, UWV, verschil), for the table."""
        verschil = self.verschil
        return [
            (None if self.ons is None else self.ons[i], None if self.uwv is None else self.uwv[i],
             None if verschil is None else verschil[i])
            for i in range(len(UWV_KOLOMMEN) + 1)
        ]


def _vijf(aantallen):
    """UWV's four columns and total of an Aantallen or a UwvTelling (both name them alike)."""
    return [getattr(aantallen, kolom) for kolom in UWV_KOLOMMEN] + [aantallen.totaal]


def kwartalen_van_uwv():
    return list(UwvTelling.objects.order_by("-kwartaal").values_list("kwartaal", flat=True).distinct())


def vergelijking(gemeenten, kwartaal, *, regio=None, gemeente=None):
    """Ours as of the quarter's end beside UWV's published figures of that quarter, per gemeente and region.

    Only regions UWV published for that quarter. A published name that is no longer a gemeente is shown with
    UWV's figures only, and counted in its region's total when the whole region is in view.
    """
    beeld = in_beeld(gemeenten, regio=regio, gemeente=gemeente)
    hele_regios = set() if gemeente else _hele_regios(beeld)
    ons = rapport(gemeenten, einde_kwartaal(kwartaal), regio=regio, gemeente=gemeente, hele_regios=hele_regios)
    zichtbaar = set(beeld.values_list("pk", flat=True))
    uwv_per_regio = {}
    for telling in UwvTelling.objects.filter(kwartaal=kwartaal).select_related("regio").order_by(
        "regio__nummer", "gemeente_naam"
    ):
        if telling.gemeente_id in zichtbaar or (telling.gemeente_id is None and telling.regio_id in hele_regios):
            uwv_per_regio.setdefault(telling.regio_id, []).append(telling)
    rijen = []
    for regio_id, tellingen in uwv_per_regio.items():
        rijen += _vergelijk_regio(ons, regio_id, tellingen)
    totaal_ons = [sum(r.ons[i] for r in rijen if r.soort == REGIO) for i in range(5)]
    totaal_uwv = [sum(r.uwv[i] for r in rijen if r.soort == REGIO) for i in range(5)]
    rijen.append(Vergelijking(TOTAAL, "Totaal", "getoonde regio's", totaal_ons, totaal_uwv))
    return ons, rijen


def _vergelijk_regio(ons, regio_id, tellingen):
    eigen = {rij.gemeente_id: rij for rij in ons.rijen if rij.soort == GEMEENTE and rij.regio_id == regio_id}
    regionaam = tellingen[0].regio.naam
    rijen = []
    for telling in tellingen:
        uwv = _vijf(telling)
        eigen_rij = eigen.pop(telling.gemeente_id, None) if telling.gemeente_id else None
        naam = eigen_rij.gemeente if eigen_rij else telling.gemeente_naam
        rijen.append(Vergelijking(GEMEENTE, regionaam, naam, _vijf(eigen_rij.aantallen) if eigen_rij else None, uwv))
    for eigen_rij in eigen.values():  # ours, not in UWV's table
        rijen.append(Vergelijking(GEMEENTE, regionaam, eigen_rij.gemeente, _vijf(eigen_rij.aantallen), None))
    regio_ons = [sum(r.ons[i] for r in rijen if r.ons) for i in range(5)]
    regio_uwv = [sum(r.uwv[i] for r in rijen if r.uwv) for i in range(5)]
    rijen.append(Vergelijking(REGIO, regionaam, "Totaal AMR", regio_ons, regio_uwv))
    return rijen

