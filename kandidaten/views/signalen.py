"""The signal drill-downs: the items behind one counter of the panel, sortable, paginated, exportable."""

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from kandidaten import weergave
from kandidaten.exporting import FORMATS, ExportColumn, eis_exportrecht, export_response, mag_exporteren
from kandidaten.fields import DatumVeld
from kandidaten.paging import LijstPaginator, pagina_grootte, per_groep
from kandidaten.scoping import scope_van
from kandidaten.selectors import keuzes, signalen
from kandidaten.services import paneeltellingen
from kandidaten.views.lijstdelen import kolomkoppen
from kandidaten.widgets import FastSelect, KeuzeLijst, Termen

PER_PAGINA = (25, 50, 100)


class PeildatumForm(forms.Form):
    """A peildatum and a gemeente of one's own, in the URL: the team overview's form, and the base of the panel's."""

    peildatum = DatumVeld(
        label="Peildatum", required=False,
        error_messages={"invalid": "Vul de peildatum in als dd-mm-jjjj, bijvoorbeeld 01-03-2026."},
    )
    gemeente = forms.TypedChoiceField(
        label="Gemeente", required=False, coerce=int, empty_value=None, widget=FastSelect,
        error_messages={"invalid_choice": "Deze gemeente hoort niet bij uw gemeenten."},
    )

    def __init__(self, data, *, gemeenten):
        super().__init__(data)
        self.fields["gemeente"].choices = [("", "Alle gemeenten")] + [(str(pk), naam) for pk, naam in gemeenten]


class SignaalFilterForm(PeildatumForm):
    """Peildatum and narrowing of the panel and its drill-downs; every value lives in the URL."""

    uitvoerende = Termen(
        label="Uitvoerende", required=False,
        widget=KeuzeLijst(label="Uitvoerende", vrije_tekst="Of typ een deel van de naam"),
    )
    begeleider = forms.ChoiceField(
        label="Begeleider", required=False, widget=FastSelect,
        error_messages={"invalid_choice": "Deze begeleider komt bij uw kandidaten niet voor."},
    )
    field_order = ["peildatum", "uitvoerende", "begeleider", "gemeente"]

    def __init__(self, data, *, uitvoerenden, begeleiders, gemeenten):
        super().__init__(data, gemeenten=gemeenten)
        self.fields["uitvoerende"].widget.choices = [(naam, naam) for naam in uitvoerenden]
        self.fields["begeleider"].choices = [("", "Alle begeleiders")] + [(naam, naam) for naam in begeleiders]


@dataclass
class Filters:
    form: SignaalFilterForm
    peildatum: datetime.date
    vernauwing: signalen.Vernauwing
    gemeenten: list  # (pk, naam) in the database's order of the names
    scope: object
    uitvoerenden: list  # the uitvoerenden in scope, as the form offers them (keuzes)

    def query(self, **extra):
        """The URL query of the effective peildatum and narrowing (plus `extra`), for links."""
        params = {"peildatum": self.peildatum.strftime("%d-%m-%Y"), **self.vernauwing.als_dict(), **extra}
        return urlencode(params, doseq=True)

    def bewaar_query(self, **extra):
        """The query to save as a list: without the peildatum when it is today (a saved list opens on the day
        it is opened), with it when the user chose another day."""
        params = {**self.vernauwing.als_dict(), **extra}
        if self.peildatum != timezone.localdate():
            params["peildatum"] = self.peildatum.strftime("%d-%m-%Y")
        return urlencode(params, doseq=True)

    def uitvoerenden_zonder_treffer(self):
        """The uitvoerende terms that find no uitvoerende in scope (the page says so)."""
        if not self.vernauwing.uitvoerende:
            return []
        return [term for term in self.vernauwing.uitvoerende
                if not keuzes.passende_uitvoerenden([term], self.uitvoerenden)]

    def audit(self):
        return {"peildatum": self.peildatum.isoformat(), **self.vernauwing.als_dict()}


def lees_filters(request):
    """The form from the URL; a wrong value becomes a form error and is ignored (peildatum: today)."""
    scope = scope_van(request)
    opties = keuzes.keuzes(scope)
    form = SignaalFilterForm(
        request.GET, uitvoerenden=opties.uitvoerenden, begeleiders=opties.begeleiders, gemeenten=opties.gemeenten
    )
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    vernauwing = signalen.Vernauwing(
        uitvoerende=cleaned.get("uitvoerende") or (),
        begeleider=cleaned.get("begeleider") or "",
        gemeente=cleaned.get("gemeente"),
    )
    peildatum = cleaned.get("peildatum") or timezone.localdate()
    return Filters(form, peildatum, vernauwing, opties.gemeenten, scope, opties.uitvoerenden)


# --- the drill-down list -----------------------------------------------------------------------

@dataclass(frozen=True)
class Sortering:
    label: str
    items: tuple  # the items' order (page and export), ending on the item: stable pages
    klanten: tuple = ()  # a client column: the same order for the clients, walked to find a page's items
    per_gemeente: bool = False  # the clients walked one gemeente after the other, in the order of the names


SORTEERBAAR = {
    # Client names in Dutch name order (naamsortering), as the candidate list.
    "naam": Sortering("Kandidaat", ("kandidaat__naam_sortering", "kandidaat_id", "pk"), ("naam_sortering", "pk")),
    # Per gemeente in the order of the names, then as the candidate list: naam, Pers. nr.
    "gemeente": Sortering(
        "Gemeente",
        ("kandidaat__gemeente__naam", "kandidaat__naam_sortering", "kandidaat__pers_nr_sleutel", "kandidaat_id", "pk"),
        ("naam_sortering", "pers_nr_sleutel", "pk"),
        per_gemeente=True,
    ),
    "begeleider": Sortering("Begeleider", ("kandidaat__begeleider", "kandidaat_id", "pk"), ("begeleider", "pk")),
    "uitvoerende": Sortering("Uitvoerende", ("uitvoerende", "pk")),
    "start": Sortering("Startdatum", ("startdatum", "pk")),
    "signaal": Sortering("Signaaldatum", ("signaaldatum", "pk")),
    "einde": Sortering("Einddatum", ("einddatum", "pk")),
    "opgeschort": Sortering("Opgeschort", ("opgeschort", "pk")),
}
KAN_LEEG = {"signaaldatum", "einddatum"}
STANDAARD_SORTERING = {
    "start_lt_3wkn": "-start",
    "signaal_binnen_4wkn": "signaal",
    "signaal_verstreken": "signaal",
    "einde_lt_3mnd": "einde",
}
ID_VELD = {"trajecten": "traject_id", "modules": "module_id", "plaatsingen": "plaatsing_id"}


def _sortering(request, groep, teller):
    """(the sort as in the URL, its Sortering, descending)."""
    sort = request.GET.get("sort") or STANDAARD_SORTERING.get(teller.slug, "naam")
    key = sort.removeprefix("-")
    if key not in SORTEERBAAR or (key == "opgeschort" and groep.slug != "modules"):
        sort, key = "naam", "naam"
    return sort, SORTEERBAAR[key], sort.startswith("-")


def _volgorde(velden, aflopend):
    # Empty dates always last, on SQLite and PostgreSQL alike; only where a date can be empty, because the
    # modifier keeps SQLite from reading an index in its order.
    volgorde = []
    for veld in velden:
        nulls_last = True if veld in KAN_LEEG else None
        volgorde.append(F(veld).desc(nulls_last=nulls_last) if aflopend else F(veld).asc(nulls_last=nulls_last))
    return volgorde


def _kolommen(groep):
    kolommen = [
        ExportColumn("Pers. nr.", "klant_pers_nr", 12, toon=weergave.pers_nr),
        ExportColumn("Naam", "klant_naam", 28),
        ExportColumn("Bet. gemeente", "klant_gemeente", 18),
        ExportColumn("Begeleider", "klant_begeleider", 24),
        ExportColumn(groep.model._meta.get_field(ID_VELD[groep.slug]).verbose_name, "item_id", 14),
        ExportColumn("Uitvoerende", "uitvoerende", 24),
        ExportColumn("Startdatum", "startdatum", 12),
        ExportColumn("Signaaldatum", "signaaldatum", 12),
        ExportColumn("Einddatum", "einddatum", 12),
    ]
    if groep.slug == "modules":
        kolommen.append(ExportColumn("Opgeschort", "opgeschort", 11))
    return kolommen


def _velden(groep):
    """The row of the list and the export: dict keys without "__" (the export's accessors walk "__")."""
    velden = {
        "klant_pers_nr": F("kandidaat__pers_nr"),
        "klant_naam": F("kandidaat__naam"),
        "klant_gemeente": F("kandidaat__gemeente__naam"),
        "klant_begeleider": F("kandidaat__begeleider"),
        "item_id": F(ID_VELD[groep.slug]),
    }
    namen = ["pk", "kandidaat_id", "uitvoerende", "startdatum", "signaaldatum", "einddatum"]
    if groep.slug == "modules":
        namen.append("opgeschort")
    return namen, velden


@dataclass
class Doorklik:
    """One drill-down as the request asks for it: the counter, the narrowing, the sort and its querysets."""

    groep: signalen.Groep
    teller: signalen.Teller
    filters: Filters
    sort: str  # as in the URL
    sortering: Sortering
    aflopend: bool
    geordend: object  # the items in the list's order (before .values(): its joins serve the ids step)
    rows: object  # the same as the rows of the list and the export

    @property
    def beschrijving(self):
        return f"{self.groep.titel}: {self.teller.label} op {self.filters.peildatum:%d-%m-%Y}"

    def lezer(self):
        """How a page is read: per client (a client column) or by item ids (an item column)."""
        if not self.sortering.klanten:
            return _via_ids(self.geordend, self.rows)
        walk = _klanten_in_volgorde(self.filters.scope, self.groep, self.teller, self.filters, self.sortering,
                                    self.aflopend)
        return per_groep(walk, lambda klanten, start, limit: list(
            self.rows.filter(kandidaat_id__in=klanten)[start:start + limit]))


def _doorklik(request, groep_slug, teller_slug):
    gevonden = signalen.teller_of_none(groep_slug, teller_slug)
    if gevonden is None:
        raise Http404("Dit signaal bestaat niet.")
    groep, teller = gevonden
    filters = lees_filters(request)
    queryset = signalen.signaal_items(filters.scope, groep.slug, teller.slug, filters.peildatum, filters.vernauwing)
    sort, sortering, aflopend = _sortering(request, groep, teller)
    namen, velden = _velden(groep)
    geordend = queryset.order_by(*_volgorde(sortering.items, aflopend))
    return Doorklik(groep, teller, filters, sort, sortering, aflopend, geordend, geordend.values(*namen, **velden))


def lijst(request, groep, teller):
    doorklik = _doorklik(request, groep, teller)
    if request.GET.get("_export"):
        return _export(request, doorklik)
    groep, teller, filters = doorklik.groep, doorklik.teller, doorklik.filters
    per_page = pagina_grootte(request, PER_PAGINA, PER_PAGINA[0])
    aantal = paneeltellingen.aantal(filters.scope, groep.slug, teller.slug, filters.peildatum, filters.vernauwing)
    page, gevraagd = LijstPaginator(per_page, tel=lambda: aantal, lees=doorklik.lezer()).pagina(request.GET.get("page"))
    kolommen = [(key, sortering.label) for key, sortering in SORTEERBAAR.items()
                if key != "opgeschort" or groep.slug == "modules"]
    basis = request.GET.copy()
    basis.pop("page", None)
    context = {
        "groep": groep,
        "teller": teller,
        "filters": filters,
        "form": filters.form,
        "page": page,
        "gevraagde_pagina": gevraagd,
        "per_page": per_page,
        "per_page_choices": PER_PAGINA,
        "basis": basis,
        "sort": doorklik.sort,
        "kolommen": kolomkoppen(kolommen, doorklik.sort),
        "id_label": groep.model._meta.get_field(ID_VELD[groep.slug]).verbose_name,
        "beschrijving": doorklik.beschrijving,
        "kan_exporteren": mag_exporteren(request.user),
        "export_xlsx": "?" + filters.query(sort=doorklik.sort, _export="xlsx"),
        "export_csv": "?" + filters.query(sort=doorklik.sort, _export="csv"),
        "bewaar_query": filters.bewaar_query(sort=doorklik.sort),
    }
    template = "kandidaten/signalen/lijst.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#tabel"
    return render(request, template, context)


def _export(request, doorklik):
    fmt = request.GET.get("_export")
    if fmt not in FORMATS:
        raise Http404("Onbekend exportformaat.")
    eis_exportrecht(request.user)
    groep, teller = doorklik.groep, doorklik.teller
    return export_response(
        request, rows=doorklik.rows, columns=_kolommen(groep), fmt=fmt,
        filename_base=f"signalen-{groep.slug}-{teller.slug}", description=f"Signalen – {doorklik.beschrijving}",
        filters={**doorklik.filters.audit(), "groep": groep.slug, "teller": teller.slug, "sort": doorklik.sort},
    )


def _klanten_in_volgorde(scope, groep, teller, filters, sortering, aflopend):
    """A function that yields (client pk, number of its items) in the list's order of the clients."""
    @functools.cache
    def alle_klanten():
        # Built once for the whole walk (it resolves the uitvoerenden), not once per gemeente walked.
        return signalen.klanten_met_aantal(scope, groep.slug, teller.slug, filters.peildatum, filters.vernauwing)

    def clients(gemeente_pk=None):
        klanten = alle_klanten()
        if gemeente_pk is not None:
            klanten = klanten.filter(gemeente_id=gemeente_pk)
        return klanten.order_by(*_volgorde(sortering.klanten, aflopend))

    def walk(hoeveel):
        # At most `hoeveel` clients are needed: every client here has at least one item.
        if not sortering.per_gemeente:
            yield from clients()[:hoeveel].iterator(chunk_size=100)
            return
        # Within one gemeente the clients come in the order of the (gemeente, in_bron, naam, …) index; the
        # gemeenten in the database's order of their names.
        gemeenten = [pk for pk, _naam in filters.gemeenten]
        for pk in reversed(gemeenten) if aflopend else gemeenten:
            if filters.vernauwing.gemeente in (None, pk):
                yield from clients(pk)[:hoeveel].iterator(chunk_size=100)

    return walk


def _via_ids(geordend, rows):
    """Pages of a drill-down sorted on an item column: the page's ids from the item table alone (its date
    indexes give that order), then their rows; the database never joins and sorts every matching item."""
    def lees(bottom, top):
        ids = list(geordend.values_list("pk", flat=True)[bottom:top])
        per_id = {rij["pk"]: rij for rij in rows.filter(pk__in=ids).order_by()}
        return [per_id[pk] for pk in ids if pk in per_id]

    return lees
