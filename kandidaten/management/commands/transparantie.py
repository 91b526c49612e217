"""python manage.py transparantie [--stand JJJJ-MM-DD] [--regio NAAM] [--gemeente NAAM] [--csv]

UWV's table "Transparantie van klantprofielen" from our data as of a stand date (default today), for scheduled
runs and checks; the same numbers as the page (kandidaten.selectors.transparantie) over all gemeenten.

--csv prints the header
    arbeidsmarktregio,gemeente,gemeenteklanten_profiel,gemeenteklanten_geen_profiel,uwv_klanten_profiel,
    uwv_klanten_geen_profiel,totaal_in_sonar
then a row per gemeente (its official name), a row per region with gemeente "Totaal AMR", a row
"Onbekend,Onbekend,…" when any counted client is unknown, and last the row "Nederland,Totaal,…": the total of
the rows above it (with --regio or --gemeente: of that selection; the label stays, it marks the total row).
"""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kandidaten.charts_transparantie import getal, procent_tekst
from kandidaten.keys import gemeente_sleutel
from kandidaten.management import argumenten
from kandidaten.management.argumenten import datum
from kandidaten.models import Arbeidsmarktregio, Gemeente
from kandidaten.selectors import transparantie as selectors
from kandidaten.selectors.transparantie import UWV_TABEL


def _regio(naam):
    """A region by name (spelled as the importer matches gemeenten) or by number."""
    if naam.strip().isdigit():
        regio = Arbeidsmarktregio.objects.filter(nummer=int(naam)).first()
    else:
        sleutel = gemeente_sleutel(naam)
        regio = next((r for r in Arbeidsmarktregio.objects.all() if gemeente_sleutel(r.naam) == sleutel), None)
    if regio is None:
        raise CommandError(f"Arbeidsmarktregio {naam!r} bestaat niet (geef de naam of het nummer, bv. 11).")
    return regio


class Command(BaseCommand):
    help = "Toont UWV's tabel 'Transparantie van klantprofielen' uit onze gegevens op een standdatum."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stand", type=datum, help="JJJJ-MM-DD (standaard: vandaag): wat de imports tot dan achterlieten"
        )
        parser.add_argument("--regio", help="naam of nummer van de arbeidsmarktregio")
        parser.add_argument("--gemeente", help="naam van de gemeente (ook een alias zoals Den Haag)")
        parser.add_argument("--csv", action="store_true", help="uitvoer als CSV in UWV's kolomvolgorde")

    def handle(self, *args, **options):
        stand = options["stand"] or timezone.localdate()
        regio = _regio(options["regio"]) if options["regio"] else None
        gemeente = argumenten.gemeente(options["gemeente"]) if options["gemeente"] else None
        rapport = selectors.rapport(
            Gemeente.objects.all(), stand, regio=regio and regio.pk, gemeente=gemeente and gemeente.pk
        )
        if options["csv"]:
            self._csv(rapport)
        else:
            self._tekst(rapport, regio, gemeente)

    def _csv(self, rapport):
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow([kolom.naam for kolom in UWV_TABEL])
        for rij in rapport.rijen[:-1]:
            writer.writerow([kolom.waarde(rij) for kolom in UWV_TABEL])
        totaal = rapport.rijen[-1]
        writer.writerow(["Nederland", "Totaal", *(kolom.waarde(totaal) for kolom in UWV_TABEL[2:])])

    def _tekst(self, rapport, regio, gemeente):
        self.stdout.write(f"Transparantie van klantprofielen, situatie op {rapport.datum:%d-%m-%Y}")
        if rapport.leeg:
            self.stdout.write("Geen gegevens: er is nog geen import met een stand op of vóór deze datum.")
            return
        stand = f"{rapport.eerste_stand:%d-%m-%Y}"
        if rapport.laatste_stand != rapport.eerste_stand:
            stand += f" t/m {rapport.laatste_stand:%d-%m-%Y}"
        selectie = ", ".join(str(keuze) for keuze in (regio, gemeente) if keuze)
        self.stdout.write(f"stand {stand}" + (f"; selectie: {selectie}" if selectie else ""))
        koppen = ["Gem. profiel", "Gem. geen", "UWV profiel", "UWV geen", "Totaal", "% profiel"]
        self.stdout.write(f"{'Arbeidsmarktregio':<28} {'Gemeente':<30}" + "".join(f"{k:>13}" for k in koppen))
        for rij in rapport.rijen:
            getallen = [getal(kolom.waarde(rij)) for kolom in UWV_TABEL[2:]]
            getallen.append(procent_tekst(rij.aantallen.aandeel_profiel))
            self.stdout.write(f"{rij.regio[:28]:<28} {rij.gemeente[:30]:<30}" + "".join(f"{g:>13}" for g in getallen))
