"""Argument types shared by the management commands (signalen, transparantie, opschonen, verstuur_abonnementen)."""

import argparse
import datetime

from django.core.management import CommandError

from kandidaten.fields import DATUM_FORMATEN, LAATSTE_DATUM, VROEGSTE_DATUM
from kandidaten.models import Gemeente


def datum(text):
    """JJJJ-MM-DD (as cron lines write it) or DD-MM-JJJJ (as the app shows dates)."""
    for fmt in DATUM_FORMATEN:
        try:
            value = datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not VROEGSTE_DATUM <= value <= LAATSTE_DATUM:
            raise argparse.ArgumentTypeError(f"datum {text!r} ligt niet tussen 1900 en 2100")
        return value
    raise argparse.ArgumentTypeError(f"ongeldige datum {text!r}: gebruik JJJJ-MM-DD")


def gemeente(naam):
    """The gemeente a --gemeente argument names, matched as the importer matches names (aliases too)."""
    gevonden = Gemeente.objects.met_naam(naam)
    if gevonden is None:
        raise CommandError(f"Gemeente {naam!r} bestaat niet.")
    return gevonden
