"""A national kandidaten export built from UWV's published Q2 2025 table: one client per counted person.

`Fixture.rows` holds, for every gemeente in UWV's table, exactly as many counted clients per cell
(gemeenteklanten / UWV-klanten x profiel / geen profiel) as UWV published, written as exports write them:
the gemeente spelled in many ways (aliases such as "s Gravenhage", "Den Haag", "Bergen NH"; upper and lower
case; stray spaces; no diacritics), Pers. nr. as numbers or as text with leading zeros, klant van from the
Doelgroep or from the Indicering column (which wins over a contradicting doelgroep), klantprofiel J/Ja versus
N, L, O, Nee, Leeg or empty, beschut werkers without the banenafspraak box; plus rows the teldefinitie must
exclude (status Gesloten or empty, no DGR, no banenafspraak) and 18 counted clients without a gemeente (UWV's
national total is 18 above the sum of its regions).

`Fixture.perturb` changes the export at random (seeded): profiles gained, clients gone, new clients, moves to
another gemeente, a klant van switched by the Indicering, a dienstverlening closed. It keeps its own count of
what each change does to the table, so the expected table never comes from the code under test.
"""

import csv
import random
import unicodedata
from dataclasses import dataclass, field

from kandidaten.reference_data import DATA_DIR, read_regio_rows

CELLEN = ["gemeente_profiel", "gemeente_geen_profiel", "uwv_profiel", "uwv_geen_profiel"]
NEDERLAND = {"gemeente_profiel": 11994, "gemeente_geen_profiel": 63207, "uwv_profiel": 89136,
             "uwv_geen_profiel": 26636, "totaal_in_sonar": 190973}
ONBEKEND = ""  # the key of the clients without a gemeente

GEMEENTE_DOELGROEPEN = ["Client PW", "Partner PW", "NUG", "bijstand", " PW ", "IOAW"]
UWV_DOELGROEPEN = ["Wajong", "WIA", "WW", "wga", "IVA", " WAO"]
PROFIEL = ["J", "J", "j", "Ja", "JA"]
GEEN_PROFIEL = ["N", "N", "L", "O", "", "Nee", "Leeg", "onvolledig", "n", "l"]
DGR_JA = ["DGR", "DGR", "J", "Ja", "ja", "dgr"]
OPEN = ["Open", "Open", "open", "OPEN"]


def gepubliceerd(kwartaal="2025-Q2"):
    """{(regio, gemeente): {cell: count, "totaal_in_sonar": n}} from the shipped copy of UWV's table."""
    tabel = {}
    with (DATA_DIR / "uwv-transparantie-gepubliceerd.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["kwartaal"] != kwartaal:
                continue
            tabel[(row["arbeidsmarktregio"], row["gemeente"])] = {
                "gemeente_profiel": int(row["gemeenteklanten_profiel"]),
                "gemeente_geen_profiel": int(row["gemeenteklanten_geen_profiel"]),
                "uwv_profiel": int(row["uwv_klanten_profiel"]),
                "uwv_geen_profiel": int(row["uwv_klanten_geen_profiel"]),
                "totaal_in_sonar": int(row["totaal_in_sonar"]),
            }
    return tabel


def _zonder_accenten(text):
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def schrijfwijzen():
    """{official name: [ways an export writes it]}: the reference list's aliases and everyday mangling."""
    wijzen = {}
    for row in read_regio_rows():
        naam = row["gemeente"]
        aliassen = [alias.strip() for alias in row["aliassen"].split("|") if alias.strip()]
        wijzen[naam] = [naam, naam, naam.upper(), naam.lower(), f"  {naam} ", naam.replace(" ", "  "),
                        _zonder_accenten(naam), *aliassen, *(alias.upper() for alias in aliassen)]
    return wijzen


@dataclass
class Klant:
    """One client of the export; `cel` is what it counts as (None: excluded by the teldefinitie)."""

    pers_nr: int
    gemeente: str  # official name, or ONBEKEND
    cel: str | None
    uitgesloten: str = ""  # why it does not count: "gesloten", "geen DGR", "geen banenafspraak"
    indicering: bool = False  # klant van from the Indicering column rather than the doelgroep
    beschut: bool = False
    variant: int = 0  # picks spellings and codes deterministically


@dataclass
class Fixture:
    verwacht: dict  # {official name or ONBEKEND: {cell: count}}
    regio_van: dict  # {official name: region name}
    klanten: list = field(default_factory=list)
    volgend_nummer: int = 1

    def nieuwe_klant(self, gemeente, cel, rng, **extra):
        klant = Klant(self.volgend_nummer, gemeente, cel, indicering=rng.random() < 0.35,
                      beschut=cel is not None and rng.random() < 0.03, variant=rng.randrange(1 << 30), **extra)
        self.volgend_nummer += 1
        return klant

    def rows(self, wijzen):
        return [_row(klant, wijzen) for klant in self.klanten]

    def tabel(self):
        """The expected report: [regio, gemeente, 4 cells, total] per gemeente, as UWV publishes it."""
        return {
            (self.regio_van.get(gemeente, "Onbekend"), gemeente or "Onbekend"): dict(
                cellen, totaal_in_sonar=sum(cellen.values()))
            for gemeente, cellen in self.verwacht.items()
        }

    def perturb(self, seed, fraction=0.02):
        """Random changes to the clients (seeded), the expected table kept in step by hand."""
        rng = random.Random(seed)
        gemeenten = [g for g in self.verwacht if g != ONBEKEND]
        for index in rng.sample(range(len(self.klanten)), int(len(self.klanten) * fraction)):
            _wijzig(self, index, rng, gemeenten)
        self.klanten = [klant for klant in self.klanten if klant is not None]


def _tel(fixture, klant, delta):
    if klant.cel is not None:
        fixture.verwacht[klant.gemeente][klant.cel] += delta


def _wijzig(fixture, index, rng, gemeenten):
    klant = fixture.klanten[index]
    if klant is None:
        return
    keuze = rng.choice(["profiel", "weg", "nieuw", "verhuisd", "klant_van", "gesloten"])
    _tel(fixture, klant, -1)
    if keuze == "weg":
        fixture.klanten[index] = None
        return
    if keuze == "nieuw":  # the client stays, and another one arrives somewhere
        _tel(fixture, klant, +1)
        klant = fixture.nieuwe_klant(rng.choice(gemeenten), rng.choice(CELLEN), rng)
        fixture.klanten.append(klant)
    elif keuze == "profiel" and klant.cel and klant.cel.endswith("geen_profiel"):
        klant.cel = klant.cel.replace("geen_profiel", "profiel")
    elif keuze == "verhuisd":
        klant.gemeente = rng.choice(gemeenten)
    elif keuze == "klant_van" and klant.cel:
        klant.cel = klant.cel.replace("uwv", "gemeente") if klant.cel.startswith("uwv") else klant.cel.replace(
            "gemeente", "uwv")
        klant.indicering = True
    elif keuze == "gesloten":
        klant.cel, klant.uitgesloten = None, "gesloten"
    _tel(fixture, klant, +1)


def _row(klant, wijzen):
    v = klant.variant
    gemeente = "" if klant.gemeente == ONBEKEND else wijzen[klant.gemeente][v % len(wijzen[klant.gemeente])]
    cel = klant.cel or ("uwv_geen_profiel", "gemeente_profiel", "gemeente_geen_profiel", "uwv_profiel")[v % 4]
    van_uwv = cel.startswith("uwv")
    doelgroepen = UWV_DOELGROEPEN if van_uwv else GEMEENTE_DOELGROEPEN
    indicering = ""
    if klant.indicering:  # the column decides; the doelgroep may say otherwise or be unknown
        indicering = ("UWV", "uwv")[v % 2] if van_uwv else ("Gemeente", "gemeente")[v % 2]
        doelgroepen = [*GEMEENTE_DOELGROEPEN, *UWV_DOELGROEPEN, "Onbekende regeling", ""]
    profiel = (PROFIEL if cel.endswith("_profiel") and not cel.endswith("geen_profiel") else GEEN_PROFIEL)
    status, dgr, banenafspraak = OPEN[v % 4], DGR_JA[v % 6], "J"
    beschut = ""
    if klant.beschut:
        banenafspraak, beschut = ("N", "")[v % 2], "J"
    if klant.uitgesloten == "gesloten":
        status = ("Gesloten", "gesloten", "")[v % 3]
    elif klant.uitgesloten == "geen DGR":
        dgr = ("N", "Nee", "")[v % 3]
    elif klant.uitgesloten == "geen banenafspraak":
        banenafspraak, beschut = ("N", "")[v % 2], ("N", "")[(v >> 1) % 2]
    pers_nr = klant.pers_nr if v % 2 else f"{klant.pers_nr:07d}"
    return [gemeente, pers_nr, f"Klant, {klant.pers_nr}.", doelgroepen[(v >> 3) % len(doelgroepen)], dgr,
            banenafspraak, status, profiel[(v >> 5) % len(profiel)], indicering, beschut]


UITSLUITINGEN = ["gesloten", "geen DGR", "geen banenafspraak"]


def bouw(seed=2025, uitgesloten_per_gemeente=6, onbekend=None):
    """The fixture of UWV's Q2 2025 table; `onbekend`: the cells of the counted clients without a gemeente
    (default: UWV's national row minus the sum of its gemeenten, 18 clients)."""
    rng = random.Random(seed)
    tabel = gepubliceerd()
    if onbekend is None:
        onbekend = {cel: NEDERLAND[cel] - sum(row[cel] for row in tabel.values()) for cel in CELLEN}
    fixture = Fixture(verwacht={}, regio_van={gemeente: regio for regio, gemeente in tabel})
    for (_regio, gemeente), cellen in [*tabel.items(), (("Onbekend", ONBEKEND), onbekend)]:
        fixture.verwacht[gemeente] = {cel: cellen[cel] for cel in CELLEN}
        for cel in CELLEN:
            fixture.klanten += [fixture.nieuwe_klant(gemeente, cel, rng) for _ in range(cellen[cel])]
        for index in range(uitgesloten_per_gemeente if gemeente != ONBEKEND else 0):
            reden = UITSLUITINGEN[index % len(UITSLUITINGEN)]
            fixture.klanten.append(fixture.nieuwe_klant(gemeente, None, rng, uitgesloten=reden))
    rng.shuffle(fixture.klanten)
    return fixture
