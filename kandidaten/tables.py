"""The candidate list as a django-tables2 table: the seed's columns, every column sortable."""

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.db.models.sql.where import WhereNode
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.rows import BoundRows

from kandidaten import weergave
from kandidaten.exporting import ExportColumn
from kandidaten.models import Gemeente, Kandidaat
from kandidaten.paging import groepen_van_pagina

KEY = "pers_nr_sleutel"


class KandidaatTable(tables.Table):
    # Every sort ends on the unique key, so pages are stable and the export has the list's exact order.
    # Names come from the option lists, so only a sort by gemeente joins the gemeente table: with planner
    # statistics SQLite otherwise walked every client through the gemeente index, whatever the sort (0.4 s).
    gemeente = tables.Column("Bet. gemeente", accessor="gemeente_id", order_by=("gemeente__naam", "naam", KEY))
    pers_nr = tables.Column("Pers. nr.", order_by=(KEY,))
    naam = tables.Column("Naam", order_by=("naam", KEY))
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

    def rijen(self):
        """The page's rows, each a list of the cells' HTML in column order.

        django-tables2 renders every cell through accessors and `inspect.signature` (~0.1 ms a cell: 40 ms
        for a page of 50, 130 ms for 250); one plain function per column does the same in a fraction.
        """
        cells = [getattr(self, f"cel_{column.name}") for column in self.columns]
        rows = self.page.object_list if getattr(self, "page", None) else self.rows  # not paginated: all rows
        return [[cell(row.record) for cell in cells] for row in rows]

    # One function per column: kandidaat -> safe HTML. Empty values show as django-tables2's default.

    def cel_gemeente(self, kandidaat):
        return _tekst(self.gemeente_namen.get(kandidaat.gemeente_id))

    def cel_pers_nr(self, kandidaat):
        return _tekst(weergave.pers_nr(kandidaat.pers_nr))

    def cel_naam(self, kandidaat):
        return format_html('<a href="{}">{}</a>', _detail_url(kandidaat), kandidaat.naam)

    def cel_doelgroep(self, kandidaat):
        return _tekst(kandidaat.doelgroep)

    def cel_dgr(self, kandidaat):
        return weergave.ja_nee(kandidaat.dgr)

    def cel_banenafspraak(self, kandidaat):
        return weergave.ja_nee(kandidaat.banenafspraak)

    def cel_sonar_status(self, kandidaat):
        return _tekst(weergave.sonar_status(kandidaat.sonar_status))

    def cel_klantprofiel(self, kandidaat):
        return _tekst(weergave.klantprofiel(kandidaat.klantprofiel))

    def cel_participatieladder(self, kandidaat):
        return _tekst(weergave.Ladder.van(kandidaat.participatieladder).label)

    def cel_begeleider(self, kandidaat):
        return _tekst(kandidaat.begeleider)

    def cel_acties(self, kandidaat):
        badge = mark_safe('<span class="badge badge--warn">Profiel nodig</span> ') if kandidaat.profiel_nodig else ""
        gone = mark_safe('<span class="badge">Niet meer in bron</span> ') if not kandidaat.in_bron else ""
        link = format_html('<a href="{}">Bekijken<span class="visually-hidden"> {}</span></a>',
                           _detail_url(kandidaat), kandidaat.naam)
        return format_html("{}{}{}", badge, gone, link)


def _tekst(value):
    return conditional_escape(weergave.tekst(value))


def _detail_url(kandidaat):
    return reverse("kandidaten:detail", args=[kandidaat.pk])


class GemeentePaginator(Paginator):
    """Pages of a list sorted on gemeente first (the default): counted per gemeente, read per gemeente.

    Sorting 125,000 clients on their gemeente's name to show 50 makes the database join and sort them all
    (60-90 ms nationally on SQLite). Counting them per gemeente reads an index; the page then reads only
    the one or two gemeenten it falls in, through the (gemeente, in_bron, naam, pers_nr) index. The total
    is the sum of the counts: the list still counts once. Other sorts page the usual way.
    """

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        queryset = object_list.data.data
        order = queryset.query.order_by
        self.queryset = queryset if order and order[0].lstrip("-") == "gemeente__naam" else None
        self.descending = bool(order) and order[0].startswith("-")

    @cached_property
    def per_gemeente(self):
        """[(gemeente pk, number of rows)] in the list's order of gemeenten."""
        queryset = self.queryset.order_by()
        if _gemeente_index_dekt(queryset):
            counts = dict(queryset.values_list("gemeente_id").annotate(n=Count("pk")))  # the index, in order
        else:
            # Grouped on "gemeente_id + 0": on the bare column SQLite walks the gemeente index in order and
            # reads every matching client from the table in that order (doelgroep: 250 ms); this way it
            # scans the table once and groups (70 ms).
            grouped = queryset.annotate(g=F("gemeente_id") + 0).values_list("g")
            counts = dict(grouped.annotate(n=Count("pk")))
        # The gemeenten in the database's order of their names (its collation, not Python's): the table's
        # names come from the option list, which the database sorted; the database is asked only when a
        # counted gemeente is not in it.
        order = list(self.object_list.table.gemeente_namen)
        if not counts.keys() <= set(order):
            order = Gemeente.objects.filter(pk__in=counts).order_by("naam").values_list("pk", flat=True)
        if self.descending:
            order = list(reversed(order))
        return [(pk, counts[pk]) for pk in order if pk in counts]

    @cached_property
    def count(self):
        if self.queryset is None:
            return super().count
        return sum(n for _pk, n in self.per_gemeente)

    def page(self, number):
        if self.queryset is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        gemeenten, ervoor = groepen_van_pagina(self.per_gemeente, bottom, top)
        rows = self.queryset.filter(gemeente_id__in=gemeenten)[bottom - ervoor:top - ervoor]
        return self._get_page(BoundRows(rows, table=self.object_list.table), number, self)


def _gemeente_index_dekt(queryset):
    """Whether the list's gemeente index holds every column this list of clients is filtered on."""
    index = next(index for index in Kandidaat._meta.indexes if index.fields[0] == "gemeente")
    in_index = {Kandidaat._meta.get_field(name.lstrip("-")).column for name in index.fields}

    def columns(node):
        for child in node.children:
            if isinstance(child, WhereNode):
                yield from columns(child)
            else:  # a lookup on a column of this table, or something else (EXISTS, a joined table)
                lhs = getattr(child, "lhs", None)
                alias, target = getattr(lhs, "alias", None), getattr(lhs, "target", None)
                yield target.column if target is not None and alias == Kandidaat._meta.db_table else None

    return all(column in in_index for column in columns(queryset.query.where))


# The export has the same columns, with real values (dates, J/N) instead of markup.
EXPORT_COLUMNS = [
    ExportColumn("Bet. gemeente", "gemeente__naam", 18),
    ExportColumn("Pers. nr.", lambda row: weergave.pers_nr(row["pers_nr"]), 12),
    ExportColumn("Naam", "naam", 28),
    ExportColumn("Doelgroep", "doelgroep", 14),
    ExportColumn("DGR", lambda row: weergave.ja_nee(row["dgr"]), 6),
    ExportColumn("Sonar - Banenafspraken", lambda row: weergave.ja_nee(row["banenafspraak"]), 10),
    ExportColumn("Sonar - Status", lambda row: weergave.sonar_status(row["sonar_status"]), 12),
    ExportColumn("Sonar - Klantprofiel", lambda row: weergave.klantprofiel(row["klantprofiel"]), 14),
    ExportColumn("Sonar - Participatieladder", lambda row: weergave.Ladder.van(row["participatieladder"]).label, 40),
    ExportColumn("Sonar - DV Laatste Soort", "dv_laatste_soort", 22),
    ExportColumn("Begeleider Compas", "begeleider", 22),
    ExportColumn("Klant van", lambda row: weergave.klant_van(row["klant_van"]), 10),
    ExportColumn("Telt mee in Sonar", lambda row: weergave.ja_nee(row["telt_in_sonar"]), 10),
    ExportColumn("Profiel nodig", lambda row: weergave.ja_nee(row["profiel_nodig"]), 10),
    ExportColumn("Profiel nodig sinds", "profiel_nodig_sinds", 12),
    ExportColumn("In bron", lambda row: weergave.ja_nee(row["in_bron"]), 8),
]
EXPORT_FIELDS = [
    "gemeente__naam", "pers_nr", "naam", "doelgroep", "dgr", "banenafspraak", "sonar_status", "klantprofiel",
    "participatieladder", "dv_laatste_soort", "begeleider", "klant_van", "telt_in_sonar", "profiel_nodig",
    "profiel_nodig_sinds", "in_bron",
]
