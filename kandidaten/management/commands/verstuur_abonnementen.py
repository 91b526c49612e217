"""python manage.py verstuur_abonnementen [--peildatum JJJJ-MM-DD] [--dry-run]

Sends the subscription mails that are due (kandidaten.services.abonnementen, docs/abonnementen.md). Safe to run
from cron every hour: a subscription goes out at most once per period, also when two runs overlap.
Exit code 1 when a mail could not be sent (it is logged, and tried again by the next run).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kandidaten.management.argumenten import datum
from kandidaten.services import abonnementen


class Command(BaseCommand):
    help = "Verstuurt de e-mailabonnementen (signaalpaneel per e-mail) die aan de beurt zijn."

    def add_arguments(self, parser):
        parser.add_argument("--peildatum", type=datum, help="de dag die telt als vandaag, JJJJ-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="alleen tonen wie een e-mail zou krijgen")

    def handle(self, *args, **options):
        if not settings.SITE_URL:
            raise CommandError("SITE_URL ontbreekt: zet het adres van de app, bv. https://kandidaten.gemeente.nl.")
        peildatum = options["peildatum"] or timezone.localdate()
        try:
            resultaat = abonnementen.verstuur(peildatum, dry_run=options["dry_run"])
        except abonnementen.MailserverOnbereikbaar as error:
            raise CommandError(f"De mailserver is onbereikbaar ({error}); niets meer verstuurd.") from error
        if options["dry_run"]:
            self.stdout.write(f"Proefdraai op {peildatum:%d-%m-%Y}: {len(resultaat.proef)} e-mail(s) zou(den) "
                              "worden verstuurd; niets verstuurd.")
            for naam in resultaat.proef:
                self.stdout.write(f"  {naam}")
            return
        self.stdout.write(
            f"Op {peildatum:%d-%m-%Y}: {len(resultaat.verzonden)} verstuurd, {len(resultaat.mislukt)} mislukt, "
            f"{resultaat.elders_bezig} overgeslagen (een andere run was ermee bezig)."
        )
        if resultaat.mislukt:
            raise CommandError(f"Niet verstuurd (volgende run probeert opnieuw): {', '.join(resultaat.mislukt)}")
