"""The candidate list as a django-tables2 table: the seed's columns, every column sortable."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kandidaten.exporting import ExportColumn
from kandidaten.models import Kandidaat
from kandidaten.selectors.kandidaten import ladder_label

KEY = "pers_nr_sleutel"


class KandidaatTable(tables.Table):
    # Every sort ends on the unique key, so pages are stable and the export has the list's exact order.
    # Names come from the option lists, so only a sort by gemeente joins the gemeente table: with planner
    # statistics SQLite otherwise walked every client through the gemeente index, whatever the sort (0.4 s).
    gemeente = tables.Column("Bet. gemeente", accessor="gemeente_id", order_by=("gemeente__naam", "naam", KEY))
    pers_nr = tables.Column("Pers. nr.", order_by=(KEY,))
    naam = tables.Column("Naam", linkify=lambda record: reverse("kandidaten:detail", args=[record.pk]),
                         order_by=("naam", KEY))
    doelgroep = tables.Column("Doelgroep", order_by=("doelgroep", KEY))
    dgr = tables.BooleanColumn("DGR", yesno="Ja,Nee", order_by=("dgr", KEY))
    banenafspraak = tables.BooleanColumn("Sonar - Banenafspraken", yesno="J,N", order_by=("banenafspraak", KEY))
    sonar_status = tables.Column("Sonar - Status", order_by=("sonar_status", KEY))
    klantprofiel = tables.Column("Sonar - Klantprofiel", order_by=("klantprofiel", KEY))
    participatieladder = tables.Column("Sonar - Participatieladder", order_by=("participatieladder", KEY))
    begeleider = tables.Column("Begeleider", order_by=("begeleider", KEY))
    acties = tables.Column("Acties", accessor="profiel_nodig", order_by=("-profiel_nodig", "naam", KEY))

    class Meta:
        model = Kandidaat
        fields = ()
        template_name = "kandidaten/kandidaten/_table.html"
        order_by = ("gemeente",)
        empty_text = "Geen kandidaten gevonden met deze filters."

    def __init__(self, *args, gemeente_namen, **kwargs):
        super().__init__(*args, **kwargs)
        self.gemeente_namen = gemeente_namen

    def render_gemeente(self, value):
        return self.gemeente_namen.get(value, "")

    def render_sonar_status(self, record):
        return record.get_sonar_status_display() if record.sonar_status else "(leeg)"

    def render_klantprofiel(self, record):
        return format_html('<abbr title="{}">{}</abbr> {}', record.get_klantprofiel_display(),
                           record.klantprofiel, record.get_klantprofiel_display())

    def render_participatieladder(self, record):
        return ladder_label(record.participatieladder)

    def render_acties(self, record):
        badge = mark_safe('<span class="badge badge--warn">Profiel nodig</span> ') if record.profiel_nodig else ""
        gone = mark_safe('<span class="badge">Niet meer in bron</span> ') if not record.in_bron else ""
        link = format_html('<a href="{}">Bekijken<span class="visually-hidden"> {}</span></a>',
                           reverse("kandidaten:detail", args=[record.pk]), record.naam)
        return format_html("{}{}{}", badge, gone, link)


# The export has the same columns, with real values (dates, J/N) instead of markup.
EXPORT_COLUMNS = [
    ExportColumn("Bet. gemeente", "gemeente__naam", 18),
    ExportColumn("Pers. nr.", "pers_nr", 12),
    ExportColumn("Naam", "naam", 28),
    ExportColumn("Doelgroep", "doelgroep", 14),
    ExportColumn("DGR", lambda row: "J" if row["dgr"] else "N", 6),
    ExportColumn("Sonar - Banenafspraken", lambda row: "J" if row["banenafspraak"] else "N", 10),
    ExportColumn("Sonar - Status", lambda row: row["sonar_status"].capitalize(), 12),
    ExportColumn("Sonar - Klantprofiel", "klantprofiel", 10),
    ExportColumn("Sonar - Participatieladder", "participatieladder", 26),
    ExportColumn("Sonar - DV Laatste Soort", "dv_laatste_soort", 22),
    ExportColumn("Begeleider Compas", "begeleider", 22),
    ExportColumn("Klant van", lambda row: {"gemeente": "Gemeente", "uwv": "UWV"}.get(row["klant_van"], "Onbekend"), 10),
    ExportColumn("Telt mee in Sonar", lambda row: "J" if row["telt_in_sonar"] else "N", 10),
    ExportColumn("Profiel nodig", lambda row: "J" if row["profiel_nodig"] else "N", 10),
    ExportColumn("Profiel nodig sinds", "profiel_nodig_sinds", 12),
    ExportColumn("In bron", lambda row: "J" if row["in_bron"] else "N", 8),
]
EXPORT_FIELDS = [
    "gemeente__naam", "pers_nr", "naam", "doelgroep", "dgr", "banenafspraak", "sonar_status", "klantprofiel",
    "participatieladder", "dv_laatste_soort", "begeleider", "klant_van", "telt_in_sonar", "profiel_nodig",
    "profiel_nodig_sinds", "in_bron",
]
