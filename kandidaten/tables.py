"""The candidate list as a django-tables2 table: the seed's columns, every column sortable, rendered fast.

The database sorts and pages (selectors.kandidaten: LIJST_SORTERINGEN, lijst_paginator); the table gets one
page of rows in that order and renders it: the header (sort links, aria-sort) through django-tables2, the
body through one function per column.
"""

from functools import cached_property
from html import escape

import django_tables2 as tables
from django.urls import reverse
from django.utils.safestring import mark_safe
from django_tables2.data import TableListData

from kandidaten import weergave
from kandidaten.exporting import ExportColumn
from kandidaten.models import Kandidaat
from kandidaten.selectors.kandidaten import LIJST_SORTERINGEN


class AlGesorteerd(TableListData):
    """A page of rows the database already sorted: the table shows the order, it does not sort again."""

    def order_by(self, aliases):
        pass


def _kolom(label, name, **kwargs):
    return tables.Column(label, order_by=LIJST_SORTERINGEN.get(name), orderable=name in LIJST_SORTERINGEN, **kwargs)


class KandidaatTable(tables.Table):
    # Names come from the option lists, so only a sort by gemeente joins the gemeente table: with planner
    # statistics SQLite otherwise walked every client through the gemeente index, whatever the sort (0.4 s).
    gemeente = _kolom("Bet. gemeente", "gemeente", accessor="gemeente_id")
    pers_nr = _kolom("Pers. nr.", "pers_nr")
    naam = _kolom("Naam", "naam")
    doelgroep = _kolom("Doelgroep", "doelgroep")
    dgr = _kolom("DGR", "dgr")
    banenafspraak = _kolom("Sonar - Banenafspraken", "banenafspraak")
    sonar_status = _kolom("Sonar - Status", "sonar_status")
    klantprofiel = _kolom("Sonar - Klantprofiel", "klantprofiel")
    participatieladder = _kolom("Sonar - Participatieladder", "participatieladder")
    dv_laatste_soort = _kolom("Sonar - DV Laatste Soort", "dv_laatste_soort")
    begeleider = _kolom("Begeleider", "begeleider")
    klant_van = _kolom("Klant van", "klant_van")
    acties = _kolom("Acties", "acties", accessor="profiel_nodig")

    class Meta:
        model = Kandidaat
        fields = ()
        template_name = "kandidaten/kandidaten/_table.html"
        empty_text = "Geen kandidaten gevonden met deze filters."

    def __init__(self, rijen, *, sortering, gemeente_namen, kolommen=None):
        verborgen = [name for name in self.base_columns if kolommen is not None and name not in kolommen]
        super().__init__(AlGesorteerd(list(rijen)), order_by=(sortering.param,), exclude=verborgen)
        self.gemeente_namen = gemeente_namen

    @property
    def sortering_label(self):
        return next((str(column.header) for column in self.columns if column.is_ordered), "")

    def rijen(self):
        """The page's rows as HTML, one <tr> each; every cell labelled with its column (the card layout on a
        narrow screen shows the label beside the value).

        django-tables2 renders every cell through accessors and `inspect.signature` (~0.1 ms a cell: 40 ms
        for a page of 50, 130 ms for 250); one plain function per column does the same in a fraction.
        """
        cells = [(f'<td data-label="{escape(str(column.header))}" class="kolom-{column.name}">',
                  getattr(self, f"cel_{column.name}")) for column in self.columns]
        return [
            mark_safe("<tr>" + "".join(f"{opening}{cell(row.record)}</td>" for opening, cell in cells) + "</tr>")
            for row in self.rows
        ]

    # One function per column: kandidaat -> HTML (every text escaped here), through the one display of each
    # value (weergave). Plain string building: format_html per cell cost ~10 ms a page.

    @cached_property
    def _detail_pad(self):
        """The detail URL around its pk ("/kandidaten/", "/"): reversed once per page, not twice per row."""
        voor, _pk, na = reverse("kandidaten:detail", args=[_PLAATSHOUDER]).rpartition(str(_PLAATSHOUDER))
        return voor, na

    def _detail_url(self, kandidaat):
        voor, na = self._detail_pad
        return f"{voor}{kandidaat.pk}{na}"

    def cel_gemeente(self, kandidaat):
        return _tekst(self.gemeente_namen.get(kandidaat.gemeente_id))

    def cel_pers_nr(self, kandidaat):
        return _tekst(weergave.pers_nr(kandidaat.pers_nr))

    def cel_naam(self, kandidaat):
        return f'<a href="{self._detail_url(kandidaat)}">{escape(kandidaat.naam)}</a>'

    def cel_doelgroep(self, kandidaat):
        return _tekst(kandidaat.doelgroep)

    def cel_dgr(self, kandidaat):
        return weergave.ja_nee(kandidaat.dgr)  # "Ja" / "Nee": nothing to escape

    def cel_banenafspraak(self, kandidaat):
        return weergave.ja_nee(kandidaat.banenafspraak)

    def cel_sonar_status(self, kandidaat):
        return _tekst(weergave.sonar_status(kandidaat.sonar_status))

    def cel_klantprofiel(self, kandidaat):
        return _tekst(weergave.klantprofiel(kandidaat.klantprofiel))

    def cel_participatieladder(self, kandidaat):
        return _tekst(weergave.Ladder.van(kandidaat.participatieladder).label)

    def cel_dv_laatste_soort(self, kandidaat):
        return _tekst(kandidaat.dv_laatste_soort)

    def cel_begeleider(self, kandidaat):
        return _tekst(kandidaat.begeleider)

    def cel_klant_van(self, kandidaat):
        return _tekst(weergave.klant_van(kandidaat.klant_van))

    def cel_acties(self, kandidaat):
        badge = '<span class="badge badge--warn">Profiel nodig</span> ' if kandidaat.profiel_nodig else ""
        gone = '<span class="badge">Niet meer in bron</span> ' if not kandidaat.in_bron else ""
        link = (f'<a href="{self._detail_url(kandidaat)}">Bekijken<span class="visually-hidden"> '
                f"{escape(kandidaat.naam)}</span></a>")
        return f"{badge}{gone}{link}"


# Columns every user sees; the others can be switched off ("Kolommen", remembered per user).
VASTE_KOLOMMEN = ("naam", "acties")
UIT_TENZIJ_GEKOZEN = ("dv_laatste_soort", "klant_van")
STANDAARD_KOLOMMEN = tuple(name for name in KandidaatTable.base_columns if name not in UIT_TENZIJ_GEKOZEN)


def kolom_keuzes():
    """[(name, label)] of the columns a user may switch on or off."""
    return [(name, str(column.verbose_name)) for name, column in KandidaatTable.base_columns.items()
            if name not in VASTE_KOLOMMEN]


def _tekst(value):
    return escape(str(weergave.tekst(value)))


_PLAATSHOUDER = 987654321  # a pk that stands in for each row's in the reversed detail URL


# The export has every column, whatever the screen shows, through the same display of each value.
EXPORT_COLUMNS = [
    ExportColumn("Bet. gemeente", "gemeente__naam", 18),
    ExportColumn("Pers. nr.", "pers_nr", 12, toon=weergave.pers_nr),
    ExportColumn("Naam", "naam", 28),
    ExportColumn("Doelgroep", "doelgroep", 14),
    ExportColumn("DGR", "dgr", 6, toon=weergave.ja_nee),
    ExportColumn("Sonar - Banenafspraken", "banenafspraak", 10, toon=weergave.ja_nee),
    ExportColumn("Sonar - Status", "sonar_status", 12, toon=weergave.sonar_status),
    ExportColumn("Sonar - Klantprofiel", "klantprofiel", 14, toon=weergave.klantprofiel),
    ExportColumn("Sonar - Participatieladder", "participatieladder", 40, toon=weergave.ladder),
    ExportColumn("Sonar - DV Laatste Soort", "dv_laatste_soort", 22),
    ExportColumn("Begeleider Compas", "begeleider", 22),
    ExportColumn("Klant van", "klant_van", 10, toon=weergave.klant_van),
    ExportColumn("Telt mee in Sonar", "telt_in_sonar", 10, toon=weergave.ja_nee),
    ExportColumn("Profiel nodig", "profiel_nodig", 10, toon=weergave.ja_nee),
    ExportColumn("Profiel nodig sinds", "nodig_sinds", 12),
    ExportColumn("In bron", "in_bron", 8, toon=weergave.ja_nee),
]
EXPORT_FIELDS = [column.accessor for column in EXPORT_COLUMNS]
