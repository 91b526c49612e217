"""`manage.py importeer FILE…`: the web's import flow for scheduled loads (IMPORT.md)."""

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kandidaten.importing import TYPES, import_file
from kandidaten.importing.priority import give_way_to_pages
from kandidaten.services import paneeltellingen


class Command(BaseCommand):
    help = "Importeert exports (kandidaten, trajecten, modules, plaatsingen) zoals de importpagina dat doet."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="BESTAND")
        parser.add_argument("--type", choices=sorted(TYPES), help="forceer het soort export (anders herkend)")
        parser.add_argument("--stand", metavar="JJJJ-MM-DD",
                            help="de datum die de export beschrijft (anders een datum in de titelregels, of vandaag)")
        parser.add_argument("--dry-run", action="store_true", help="alleen het voorbeeld; niets wijzigen")
        parser.add_argument("--skip-invalid", action="store_true", help="foute rijen overslaan, de rest importeren")
        parser.add_argument(
            "--confirm-gone", action="store_true",
            help="toestaan dat meer dan 10%% van een soort (binnen de gemeenten van het bestand) als 'niet meer in de "
                 "bron' wordt gemarkeerd",
        )
        parser.add_argument(
            "--user", help="importeer namens deze gebruiker: alleen kandidaten van diens gemeenten (zonder: het "
                           "systeem, alle gemeenten)",
        )
        parser.add_argument("--json", action="store_true", help="één JSON-object per bestand op stdout")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Gebruiker '{options['user']}' bestaat niet.")
        give_way_to_pages()
        worst = 0
        laatste = None
        for path in options["files"]:
            outcome = import_file(
                path,
                user=user,
                original_name=path,
                export_type=options["type"],
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                confirm_mass_gone=options["confirm_gone"],
                stand=options["stand"],
            )
            if options["json"]:
                self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
            else:
                self._print(path, outcome)
            worst = max(worst, outcome.exit_code)
            laatste = outcome if outcome.changed_anything else laatste
        paneeltellingen.tel_vooruit_na_import(laatste)  # once, after the last file that changed data
        if worst:
            sys.exit(worst)

    def _print(self, path, outcome):
        self.stdout.write(f"{path}: {outcome.message}")
        record = outcome.import_record
        if record and record.voorbeeld.get("stand"):
            self.stdout.write(f"  stand {record.stand:%d-%m-%Y} ({record.voorbeeld['stand_bron']})")
        for sheet in outcome.sheets:
            if not sheet["type"]:
                self.stdout.write(f"  blad '{sheet['sheet']}': {sheet['ignored']}")
                continue
            self.stdout.write(
                f"  blad '{sheet['sheet']}' ({sheet['type']}): {sheet['rows']} rijen, {sheet['new']} nieuw, "
                f"{sheet['changed']} gewijzigd, {sheet['unchanged']} ongewijzigd, {sheet['gone']} niet meer in bron, "
                f"{sheet['errors']} fouten"
            )
            for change in sheet["field_changes"][:15]:
                self.stdout.write(f"    {change['field']} {change['old']} → {change['new']}: {change['count']}")
            for warning in sheet["warnings"]:
                self.stdout.write(f"    let op: {warning}")
            for error in sheet["sheet_errors"]:
                self.stdout.write(f"    fout: {error}")
            for error in sheet["first_errors"][:20]:
                self.stdout.write(
                    f"    rij {error['row']}, kolom {error['column']}, waarde '{error['value']}': {error['message']}"
                )
            if sheet["errors"] > 20:
                self.stdout.write(f"    … en nog {sheet['errors'] - 20} fouten")
