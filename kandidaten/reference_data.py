"""The reference data shipped with the app, loaded by a data migration.

`data/arbeidsmarktregios-2025.csv` is UWV's list of 342 gemeenten in 35
arbeidsmarktregio's (2025), with two repairs of the shared copy documented in
docs/reference-data.md. The loader takes the historical-model registry so it
runs inside migrations.
"""

import csv
from pathlib import Path

from .keys import doelgroep_sleutel, gemeente_sleutel
from .models.reference import ONBEKEND  # the name of the gemeente of clients whose gemeente is unknown

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIO_CSV = DATA_DIR / "arbeidsmarktregios-2025.csv"
DOELGROEPREGISTER_CSV = DATA_DIR / "doelgroepregister-totalen.csv"

DEFAULT_DOELGROEPEN = {
    "Client PW": "gemeente",
    "Partner PW": "gemeente",
    "PW": "gemeente",
    "NUG": "gemeente",
    "Bijstand": "gemeente",
    "IOAW": "gemeente",
    "IOAZ": "gemeente",
    "Wajong": "uwv",
    "WIA": "uwv",
    "WGA": "uwv",
    "IVA": "uwv",
    "WW": "uwv",
    "WAO": "uwv",
    "WAZ": "uwv",
    "ZW": "uwv",
}


def read_regio_rows():
    with REGIO_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(apps):
    Arbeidsmarktregio = apps.get_model("kandidaten", "Arbeidsmarktregio")
    Gemeente = apps.get_model("kandidaten", "Gemeente")
    GemeenteAlias = apps.get_model("kandidaten", "GemeenteAlias")
    Doelgroep = apps.get_model("kandidaten", "Doelgroep")
    Totaal = apps.get_model("kandidaten", "DoelgroepregisterTotaal")

    regios = {}
    alias_keys = set()
    for row in read_regio_rows():
        nummer = int(row["arbeidsmarktregio_nr"])
        regio = regios.get(nummer)
        if regio is None:
            regio = regios[nummer] = Arbeidsmarktregio.objects.create(
                nummer=nummer, naam=row["arbeidsmarktregio"]
            )
        gemeente = Gemeente.objects.create(
            naam=row["gemeente"], sleutel=gemeente_sleutel(row["gemeente"]), regio=regio
        )
        for alias in filter(None, (a.strip() for a in row["aliassen"].split("|"))):
            # Several listed spellings fold to one key ("'s Gravenhage", "s-Gravenhage").
            key = gemeente_sleutel(alias)
            if key != gemeente.sleutel and key not in alias_keys:
                alias_keys.add(key)
                GemeenteAlias.objects.create(gemeente=gemeente, alias=alias, sleutel=key)
    Gemeente.objects.create(naam=ONBEKEND, sleutel=gemeente_sleutel(ONBEKEND), regio=None)

    for naam, klant_van in DEFAULT_DOELGROEPEN.items():
        Doelgroep.objects.create(naam=naam, sleutel=doelgroep_sleutel(naam), klant_van=klant_van)

    with DOELGROEPREGISTER_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            Totaal.objects.create(
                kwartaal=row["kwartaal"],
                regio=regios[int(row["arbeidsmarktregio_nr"])],
                personen=int(row["personen_in_doelgroepregister"]),
                percentage_bekend_in_sonar=int(row["percentage_bekend_in_sonar"] or 0) or None,
            )
