"""UWV's published table "Transparantie van klantprofielen": read it, check it, store it per quarter.

Two sources: the shipped `data/uwv-transparantie-gepubliceerd.csv` (loaded by a data migration) and the file
beheer uploads for a new quarter (CSV or xlsx). Both are read by `lees_tabel`, which accepts

- our own layout: columns kwartaal, arbeidsmarktregio_nr, arbeidsmarktregio, gemeente and the five counts
  by name (gemeenteklanten_profiel … totaal_in_sonar; case, spaces and punctuation do not matter);
- UWV's layout: Arbeidsmarktregio, Gemeente and then the five counts in UWV's order under headers that
  repeat ("Profiel in Sonar", "Geen profiel in Sonar" twice), the region written once ("29 Zeeland") above
  its gemeenten, "TOTAAL AMR" rows (checked against the sum of the region's gemeenten, then skipped),
  thousands separators ("1.008") and title rows above the header.

Gemeente names are matched like the importer matches them (`keys.gemeente_sleutel` plus the aliases).
A name that is no longer a gemeente (Nuth, Onderbanken, Schinnen, merged into Beekdaelen) keeps its published
name without a gemeente: it is compared per region. Nothing is stored when any row has an error.
"""

import re
from dataclasses import dataclass, field

from kandidaten.keys import gemeente_sleutel

AANTALLEN = ["gemeente_profiel", "gemeente_geen_profiel", "uwv_profiel", "uwv_geen_profiel", "totaal"]
KOPPEN = {
    "kwartaal": "kwartaal",
    "arbeidsmarktregionr": "regio_nr",
    "arbeidsmarktregionummer": "regio_nr",
    "regionr": "regio_nr",
    "arbeidsmarktregio": "regio",
    "regio": "regio",
    "gemeente": "gemeente",
    "gemeenteklantenprofiel": "gemeente_profiel",
    "gemeenteklantengeenprofiel": "gemeente_geen_profiel",
    "uwvklantenprofiel": "uwv_profiel",
    "uwvklantengeenprofiel": "uwv_geen_profiel",
    "totaalinsonar": "totaal",
    "totaal": "totaal",
}
KOPREGELS_ZOEKEN = 20
_KWARTAAL = re.compile(r"^(\d{4})\s*[-/ ]?\s*[QK]([1-4])$", re.IGNORECASE)
_KWARTAAL_OMGEKEERD = re.compile(r"^[QK]([1-4])\s*[-/ ]?\s*(\d{4})$", re.IGNORECASE)
_REGIO_MET_NUMMER = re.compile(r"^(\d{1,2})\s+(\S.*)$")
_TOTAALRIJ = {"totaalamr", "totaal"}
_LANDELIJK = {"nederland", "totaalnederland"}


def kwartaal_sleutel(text):
    """"2025-Q2", "2025-K2", "2025 q2", "Q2 2025" -> "2025-Q2"; anything else -> None."""
    text = " ".join(str(text or "").split())
    found = _KWARTAAL.match(text)
    if found:
        return f"{found.group(1)}-Q{found.group(2)}"
    found = _KWARTAAL_OMGEKEERD.match(text)
    if found:
        return f"{found.group(2)}-Q{found.group(1)}"
    return None


@dataclass
class Verwijzingen:
    """What names and numbers in the file may refer to: {sleutel: id} and {nummer: id}."""

    gemeenten: dict
    regio_per_nummer: dict
    regio_per_naam: dict


@dataclass
class GelezenRij:
    kwartaal: str
    regio_id: int
    gemeente_id: int | None
    gemeente_naam: str
    aantallen: dict


@dataclass
class Uitkomst:
    rijen: list = field(default_factory=list)
    fouten: list = field(default_factory=list)  # "rij 12: …", Dutch sentences
    meldingen: list = field(default_factory=list)  # warnings: the file is stored anyway

    @property
    def kwartalen(self):
        return sorted({rij.kwartaal for rij in self.rijen})


class RijFout(ValueError):
    pass


def _tekst(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _aantal(value, kop):
    if isinstance(value, bool):
        raise RijFout(f"kolom {kop}: {value!r} is geen aantal")
    if isinstance(value, (int, float)):
        if value != int(value) or value < 0:
            raise RijFout(f"kolom {kop}: {value} is geen geheel aantal van 0 of meer")
        return int(value)
    text = _tekst(value).replace(".", "").replace(" ", "")
    if not text:
        raise RijFout(f"kolom {kop}: leeg, maar hier hoort een aantal")
    if not text.isdigit():
        raise RijFout(f"kolom {kop}: {_tekst(value)!r} is geen aantal")
    return int(text)


@dataclass
class Indeling:
    """Where each field is: {field: column index}, and the header row's index."""

    kolommen: dict
    kopregel: int


def vind_indeling(rows):
    """The header row among the first rows, or None: a row with a Gemeente column and the counts."""
    for index, row in enumerate(rows[:KOPREGELS_ZOEKEN]):
        sleutels = [gemeente_sleutel(_tekst(cell)) for cell in row]
        if "gemeente" not in sleutels:
            continue
        kolommen = {}
        for positie, sleutel in enumerate(sleutels):
            veld = KOPPEN.get(sleutel)
            if veld and veld not in kolommen:
                kolommen[veld] = positie
        if not all(veld in kolommen for veld in AANTALLEN):
            # UWV's layout: the five counts follow the Gemeente column, under repeated headers.
            start = sleutels.index("gemeente") + 1
            kolommen.update({veld: start + offset for offset, veld in enumerate(AANTALLEN)})
        return Indeling(kolommen, index)
    return None


class Lezer:
    """Reads the data rows under the header; keeps the current region for UWV's layout."""

    def __init__(self, indeling, verwijzingen, kwartaal, uitkomst):
        self.indeling = indeling
        self.verwijzingen = verwijzingen
        self.standaard_kwartaal = kwartaal
        self.uitkomst = uitkomst
        self.regio_id = None
        self.gezien = {}  # (kwartaal, gemeente key) -> row number
        self.regio_som = {}  # (kwartaal, regio_id) -> [five sums]

    def cel(self, row, veld):
        positie = self.indeling.kolommen.get(veld)
        return row[positie] if positie is not None and positie < len(row) else None

    def lees(self, rows):
        for index in range(self.indeling.kopregel + 1, len(rows)):
            row = rows[index]
            if not any(_tekst(cell) for cell in row):
                continue
            try:
                self.lees_rij(row, index + 1)
            except RijFout as fout:
                self.uitkomst.fouten.append(f"rij {index + 1}: {fout}")

    def lees_rij(self, row, nummer):
        gemeente_naam = _tekst(self.cel(row, "gemeente"))
        sleutels = {gemeente_sleutel(gemeente_naam), gemeente_sleutel(_tekst(self.cel(row, "regio")))}
        if sleutels & _LANDELIJK:
            self.uitkomst.meldingen.append(f"rij {nummer}: de landelijke totaalrij is overgeslagen")
            return
        totaalrij = bool(sleutels & _TOTAALRIJ)
        regio_id = self.regio_id if totaalrij else self.regio(row)
        if regio_id is None:
            raise RijFout("geen arbeidsmarktregio (vul de kolom Arbeidsmarktregio in)")
        kwartaal = self.kwartaal(row)
        aantallen = {veld: _aantal(self.cel(row, veld), veld.replace("_", " ")) for veld in AANTALLEN}
        if sum(aantallen[veld] for veld in AANTALLEN[:4]) != aantallen["totaal"]:
            raise RijFout(f"totaal in Sonar {aantallen['totaal']} is niet de som van de vier kolommen ervoor")
        if totaalrij:
            self.controleer_regiototaal(kwartaal, regio_id, aantallen)
        elif not gemeente_naam:
            raise RijFout("de gemeente is leeg")
        else:
            self.nieuwe_rij(kwartaal, regio_id, gemeente_naam, aantallen, nummer)

    def regio(self, row):
        nummer = _tekst(self.cel(row, "regio_nr"))
        naam = _tekst(self.cel(row, "regio"))
        if not nummer and not naam:
            return self.regio_id  # UWV writes the region once, above its gemeenten
        met_nummer = _REGIO_MET_NUMMER.match(naam)
        if met_nummer and not nummer:
            nummer, naam = met_nummer.groups()
        gevonden = self.verwijzingen.regio_per_nummer.get(int(nummer)) if nummer.isdigit() else None
        if gevonden is None:
            gevonden = self.verwijzingen.regio_per_naam.get(gemeente_sleutel(naam))
        if gevonden is None:
            raise RijFout(f"arbeidsmarktregio {(nummer + ' ' + naam).strip()!r} bestaat niet")
        self.regio_id = gevonden
        return gevonden

    def kwartaal(self, row):
        cel = _tekst(self.cel(row, "kwartaal"))
        if not cel:
            if self.standaard_kwartaal is None:
                raise RijFout("geen kwartaal: kies het kwartaal bij het uploaden of voeg een kolom Kwartaal toe")
            return self.standaard_kwartaal
        kwartaal = kwartaal_sleutel(cel)
        if kwartaal is None:
            raise RijFout(f"kolom kwartaal: {cel!r} is geen kwartaal (schrijf bijvoorbeeld 2025-Q2)")
        return kwartaal

    def controleer_regiototaal(self, kwartaal, regio_id, aantallen):
        som = self.regio_som.get((kwartaal, regio_id), [0] * len(AANTALLEN))
        if som != [aantallen[veld] for veld in AANTALLEN]:
            raise RijFout(
                "de rij Totaal AMR (" + " ".join(str(aantallen[v]) for v in AANTALLEN) + ") is niet de som van de "
                "gemeenten erboven (" + " ".join(str(getal) for getal in som) + ")"
            )

    def nieuwe_rij(self, kwartaal, regio_id, gemeente_naam, aantallen, nummer):
        sleutel = gemeente_sleutel(gemeente_naam)
        gemeente_id = self.verwijzingen.gemeenten.get(sleutel)
        dubbel = (kwartaal, gemeente_id or sleutel)
        if dubbel in self.gezien:
            raise RijFout(f"{gemeente_naam} staat voor {kwartaal} al in rij {self.gezien[dubbel]}")
        self.gezien[dubbel] = nummer
        if gemeente_id is None:
            self.uitkomst.meldingen.append(
                f"rij {nummer}: {gemeente_naam} is (nu) geen gemeente in de lijst; vergeleken per arbeidsmarktregio"
            )
        som = self.regio_som.setdefault((kwartaal, regio_id), [0] * len(AANTALLEN))
        for positie, veld in enumerate(AANTALLEN):
            som[positie] += aantallen[veld]
        self.uitkomst.rijen.append(GelezenRij(kwartaal, regio_id, gemeente_id, gemeente_naam, aantallen))


def lees_tabel(rows, verwijzingen, *, kwartaal=None):
    """Read UWV's table from `rows` (lists of cell values) into an Uitkomst; `kwartaal` for rows without one."""
    rows = [list(row) for row in rows]
    uitkomst = Uitkomst()
    indeling = vind_indeling(rows)
    if indeling is None:
        uitkomst.fouten.append(
            "Geen kopregel gevonden: de tabel heeft een kolom Gemeente met daarna de vijf aantallen "
            "(gemeenteklanten profiel en geen profiel, UWV-klanten profiel en geen profiel, totaal in Sonar)."
        )
        return uitkomst
    Lezer(indeling, verwijzingen, kwartaal, uitkomst).lees(rows)
    if not uitkomst.rijen and not uitkomst.fouten:
        uitkomst.fouten.append("De tabel bevat geen gemeenten.")
    return uitkomst


def verwijzingen_uit(gemeente_model, alias_model, regio_model):
    """The lookups from the (current or historical) models; "Onbekend" is not a gemeente UWV publishes."""
    gemeenten = dict(gemeente_model.objects.filter(regio__isnull=False).values_list("sleutel", "pk"))
    for sleutel, gemeente_id in alias_model.objects.values_list("sleutel", "gemeente_id"):
        gemeenten.setdefault(sleutel, gemeente_id)
    regio_per_nummer = dict(regio_model.objects.values_list("nummer", "pk"))
    regio_per_naam = {gemeente_sleutel(naam): pk for naam, pk in regio_model.objects.values_list("naam", "pk")}
    return Verwijzingen(gemeenten, regio_per_nummer, regio_per_naam)


def bewaar(uitkomst, telling_model):
    """Replace the stored figures of every quarter in `uitkomst` by its rows. Call inside a transaction."""
    telling_model.objects.filter(kwartaal__in=uitkomst.kwartalen).delete()
    telling_model.objects.bulk_create(
        telling_model(
            kwartaal=rij.kwartaal, regio_id=rij.regio_id, gemeente_id=rij.gemeente_id,
            gemeente_naam=rij.gemeente_naam, **rij.aantallen,
        )
        for rij in uitkomst.rijen
    )
    return len(uitkomst.rijen)


def laad_meegeleverde_cijfers(apps):
    """The data migration's load of `data/uwv-transparantie-gepubliceerd.csv` (historical models)."""
    import csv

    from kandidaten.reference_data import DATA_DIR

    verwijzingen = verwijzingen_uit(
        apps.get_model("kandidaten", "Gemeente"), apps.get_model("kandidaten", "GemeenteAlias"),
        apps.get_model("kandidaten", "Arbeidsmarktregio"),
    )
    if not verwijzingen.regio_per_nummer:
        return  # a database without reference data (flushed): nothing to refer to
    with (DATA_DIR / "uwv-transparantie-gepubliceerd.csv").open(encoding="utf-8", newline="") as handle:
        uitkomst = lees_tabel(csv.reader(handle), verwijzingen)
    if uitkomst.fouten:
        raise ValueError("uwv-transparantie-gepubliceerd.csv: " + "; ".join(uitkomst.fouten[:5]))
    bewaar(uitkomst, apps.get_model("kandidaten", "UwvTelling"))


def lees_bestand(path, naam, *, kwartaal=None):
    """Read an uploaded CSV or xlsx (through the importer's safe reader): the first sheet with UWV's table.

    Raises `UnreadableFile` (one Dutch sentence) for a file that cannot be read at all."""
    from kandidaten.importing.read import read_file
    from kandidaten.models import Arbeidsmarktregio, Gemeente, GemeenteAlias

    verwijzingen = verwijzingen_uit(Gemeente, GemeenteAlias, Arbeidsmarktregio)
    bladen = [list(blad.iter_rows()) for blad in read_file(path, naam)]
    met_kopregel = next((rows for rows in bladen if vind_indeling(rows) is not None), bladen[0] if bladen else [])
    return lees_tabel(met_kopregel, verwijzingen, kwartaal=kwartaal)
