"""Option values shared by the management commands."""

import datetime

from django.core.management.base import CommandError


def datum(text, naam="datum"):
    """JJJJ-MM-DD (or DD-MM-JJJJ) as a date; anything else, or an impossible date, is a CommandError."""
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ongeldige {naam} {text!r}: gebruik JJJJ-MM-DD, bijvoorbeeld 2025-06-30.")
