"""python manage.py signalen [--peildatum JJJJ-MM-DD] [--gemeente G] [--uitvoerende U ...] [--begeleider B] [--csv]

Prints the 17 counters of the signal panel, counted by the same definitions as the
panel and its lists (kandidaten.selectors.signalen). Without --gebruiker the command
counts everything (all gemeenten); with it, what that user would see.
"""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kandidaten.management import argumenten
from kandidaten.management.argumenten import datum
from kandidaten.models import Gebruiker, Gemeente
from kandidaten.scoping import Scope
from kandidaten.selectors import signalen
from kandidaten.services import paneeltellingen
from kandidaten.widgets import Termen


class Command(BaseCommand):
    help = "Toont de 17 tellers van het signaalpaneel (trajecten, modules, externe plaatsingen) op een peildatum."

    def add_arguments(self, parser):
        parser.add_argument("--peildatum", type=datum, help="JJJJ-MM-DD (standaard: vandaag)")
        parser.add_argument("--gemeente", help="naam of nummer (pk) van de gemeente")
        parser.add_argument(
            "--uitvoerende", action="append", default=[],
            help="(een deel van) de naam, hoofdletters en accenten maken niet uit; herhaal voor meer uitvoerenden",
        )
        parser.add_argument("--begeleider", default="", help="Begeleider Compas, precies zoals in de export")
        parser.add_argument("--gebruiker", help="tel alleen wat deze gebruiker mag zien")
        parser.add_argument("--csv", action="store_true", help="uitvoer als CSV: groep,teller,aantal")

    def handle(self, *args, **options):
        peildatum = options["peildatum"] or timezone.localdate()
        scope = signalen.SYSTEEM
        if options["gebruiker"]:
            try:
                scope = Scope(Gebruiker.objects.get(username=options["gebruiker"]))
            except Gebruiker.DoesNotExist as error:
                raise CommandError(f"Gebruiker {options['gebruiker']!r} bestaat niet.") from error
        vernauwing = signalen.Vernauwing(
            uitvoerende=Termen(required=False).clean(options["uitvoerende"]),
            begeleider=options["begeleider"],
            gemeente=self._gemeente(options["gemeente"]),
        )
        if scope is signalen.SYSTEEM and not vernauwing.als_dict():
            paneeltellingen.tel_vooruit(peildatum)  # the nightly run (README): every stored count of the new day
        paneel = paneeltellingen.paneel(scope, peildatum, vernauwing)
        if options["csv"]:
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(["groep", "teller", "aantal"])
            for groep, tellingen in paneel:
                for telling in tellingen:
                    writer.writerow([groep.slug, telling.teller.slug, telling.aantal])
            return
        self.stdout.write(f"Signalen op {peildatum:%d-%m-%Y}")
        for key, value in vernauwing.als_dict().items():
            if key == "uitvoerende":
                gevonden = signalen.uitvoerenden_van(scope, vernauwing)
                value = f"{', '.join(value)} -> {', '.join(gevonden) or 'geen uitvoerende gevonden'}"
            self.stdout.write(f"  {key}: {value}")
        for groep, tellingen in paneel:
            self.stdout.write(f"\n{groep.titel.upper()}")
            for telling in tellingen:
                self.stdout.write(f"  {telling.teller.label:<30} {telling.aantal:>8}")

    def _gemeente(self, value):
        if not value:
            return None
        gemeente = Gemeente.objects.filter(pk=int(value)).first() if value.isdigit() else None
        return (gemeente or argumenten.gemeente(value)).pk
