"""python manage.py opschonen [--peildatum JJJJ-MM-DD] [--maanden N] [--dry-run] [--json]

Deletes what has passed its retention term (kandidaten.services.bewaartermijn, docs/bewaartermijn.md). Run it
nightly from cron; --peildatum is "today" (to plan: what would a run on that day remove?).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from kandidaten.management.argumenten import datum
from kandidaten.services import bewaartermijn


class Command(BaseCommand):
    help = "Verwijdert kandidaten, items, wijzigingen, importbestanden en auditregels waarvan de bewaartermijn om is."

    def add_arguments(self, parser):
        parser.add_argument("--peildatum", type=datum, help="rekendag, JJJJ-MM-DD (standaard: vandaag)")
        parser.add_argument("--maanden", type=int, help="bewaartermijn in maanden (standaard: BEWAARTERMIJN_MAANDEN)")
        parser.add_argument("--dry-run", action="store_true", help="alleen tellen wat weg zou gaan; niets verwijderen")
        parser.add_argument("--json", action="store_true", help="alleen de aantallen, als één JSON-object")

    def handle(self, *args, **options):
        termijnen = bewaartermijn.Termijnen.uit_instellingen(options["peildatum"], options["maanden"])
        if termijnen.maanden < 1:
            raise CommandError("De bewaartermijn moet minstens 1 maand zijn.")
        if options["dry_run"]:
            aantallen = bewaartermijn.aantallen(bewaartermijn.voorbeeld(termijnen))
        else:
            aantallen = bewaartermijn.opschonen(termijnen)
        if options["json"]:
            self.stdout.write(json.dumps(aantallen))
            return
        self._verslag(termijnen, aantallen, options["dry_run"])

    def _verslag(self, termijnen, aantallen, dry_run):
        kop = f"Bewaartermijn op {termijnen.peildatum:%d-%m-%Y}"
        self.stdout.write(kop + (" (proefdraai: er is niets verwijderd)" if dry_run else ""))
        self.stdout.write(
            f"  kandidaten en items niet meer in de bron vóór {termijnen.grens_bron:%d-%m-%Y} "
            f"({termijnen.maanden} maanden)\n"
            f"  importbestanden van vóór {termijnen.grens_bestanden:%d-%m-%Y} ({termijnen.bestanden_dagen} dagen)\n"
            f"  auditregels van vóór {termijnen.grens_audit:%d-%m-%Y} ({termijnen.audit_maanden} maanden)"
        )
        werkwoord = "zou verwijderen" if dry_run else "verwijderd"
        for soort, aantal in aantallen.items():
            self.stdout.write(f"  {soort:<12} {aantal:>8}  {werkwoord}")
