"""`manage.py demodata`: realistic demo exports, loaded through the real importer, and demo logins."""

import tempfile
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from kandidaten.demo import generate
from kandidaten.models import Gebruiker, Gemeente, Kandidaat
from kandidaten.roles import BEHEER, MEDEWERKER, STAFF_ROLES, TEAMLEIDER

# Demo logins for a local demo database only (the command refuses other databases without --force).
DEMO_USERS = [
    ("medewerker", "demo-medewerker", MEDEWERKER, ["Epe"], "A. de Vries", "Anna de Vries"),
    ("teamleider", "demo-teamleider", TEAMLEIDER, ["Apeldoorn", "Epe", "Heerde"], "", "Tom Leijten"),
    ("beheer", "demo-beheer", BEHEER, ["Apeldoorn", "Epe", "Heerde", "Onbekend"], "", "Bea Heer"),
]


class Command(BaseCommand):
    help = "Maakt realistische demo-exports, importeert ze met de gewone importer en maakt demo-gebruikers."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--scale", choices=["werkbedrijf", "national", "test"], default="werkbedrijf")
        parser.add_argument("--if-empty", action="store_true", help="niets doen als er al kandidaten zijn")
        parser.add_argument("--force", action="store_true", help="ook op een database die geen lokaal SQLite is")
        parser.add_argument("--dir", help="map voor de exportbestanden (standaard: een tijdelijke map)")
        parser.add_argument("--no-load", action="store_true", help="alleen de bestanden schrijven")

    def handle(self, *args, **options):
        local_sqlite = connection.vendor == "sqlite" and not connection.is_in_memory_db()
        if not local_sqlite and not options["force"]:
            raise CommandError(
                "demodata draait alleen op een lokaal SQLite-bestand; gebruik --force als u echt demodata "
                f"in deze {connection.vendor}-database wilt."
            )
        users = self._users()
        if options["if_empty"] and Kandidaat.objects.exists():
            self.stdout.write("Er staan al kandidaten in de database: geen demodata geladen.")
            self._print_logins(users)
            return
        today = timezone.localdate()
        builder = {"werkbedrijf": generate.werkbedrijf, "national": generate.national,
                   "test": generate.test_scale}[options["scale"]]
        self.stdout.write(f"Demo-exports maken ({options['scale']}, seed {options['seed']})…")
        demo = builder(options["seed"], today)
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(options["dir"] or scratch)
            if options["scale"] == "national":
                paths = generate.write_csv(demo, folder)
            else:
                paths = generate.write_xlsx(demo, folder, today)
            if options["no_load"]:
                self.stdout.write(f"Bestanden geschreven in {folder}.")
                return
            for path in paths:
                self.stdout.write(f"Importeren: {path.name}")
                try:
                    # As the demo's beheer user, whose gemeenten hold the werkbedrijf; the national set spans
                    # every gemeente, so the system loads it.
                    as_user = ["--user", "beheer"] if options["scale"] != "national" else []
                    call_command("importeer", str(path), "--skip-invalid", "--confirm-gone", *as_user,
                                 stdout=self.stdout)
                except SystemExit as exit_:
                    if exit_.code:
                        raise CommandError(f"De demo-export {path.name} is geweigerd (zie hierboven).") from None
        self._print_logins(users)

    def _users(self):
        users = []
        for username, password, role, gemeenten, begeleider, full_name in DEMO_USERS:
            first, _, last = full_name.partition(" ")
            user, _ = Gebruiker.objects.update_or_create(
                username=username,
                defaults={"begeleider_naam": begeleider, "is_staff": role in STAFF_ROLES, "first_name": first,
                          "last_name": last},
            )
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            user.gemeenten.set(Gemeente.objects.filter(naam__in=gemeenten))
            users.append((username, password, role, gemeenten))
        return users

    def _print_logins(self, users):
        self.stdout.write("")
        self.stdout.write("Demo-logins (alleen voor deze lokale demodatabase):")
        for username, password, role, gemeenten in users:
            self.stdout.write(f"  {username:<11} wachtwoord {password:<16} {role} ({', '.join(gemeenten)})")
