"""Argument types shared by the management commands (signalen, opschonen, verstuur_abonnementen)."""

import argparse
import datetime


def datum(text):
    """JJJJ-MM-DD (as cron lines write it) or DD-MM-JJJJ (as the app shows dates)."""
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"ongeldige datum {text!r}: gebruik JJJJ-MM-DD")
