"""Form fields shared by the pages' filter forms."""

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

DATUM_FORMATEN = ["%d-%m-%Y", "%Y-%m-%d"]
VROEGSTE_DATUM = datetime.date(1900, 1, 1)
LAATSTE_DATUM = datetime.date(2100, 12, 31)
BUITEN_BEREIK = "Kies een datum tussen 01-01-1900 en 31-12-2100."


class DatumVeld(forms.DateField):
    """A date as staff type it (dd-mm-jjjj), between 1900 and 2100.

    Python's dates run from year 1 to 9999, and the panel counts from the peildatum forward and back (+3
    months, -21 days): 31-12-9999 or 01-01-0001 overflowed into a server error. No work date lies outside
    these years, so anything beyond is a form error like a mistyped date."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATUM_FORMATEN)
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(VROEGSTE_DATUM, message=BUITEN_BEREIK),
            MaxValueValidator(LAATSTE_DATUM, message=BUITEN_BEREIK),
        ]
