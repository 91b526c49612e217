"""Candidate list, client page, the list's columns (the worklist: views/werklijst.py). Thin: the queries live in
selectors.kandidaten, the display of values in weergave."""

from dataclasses import dataclass

from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kandidaten.exporting import FORMATS, eis_exportrecht, export_response, mag_exporteren
from kandidaten.filters import KandidaatFilter
from kandidaten.models import AuditEvent, BewaardeLijst
from kandidaten.paging import pagina_grootte
from kandidaten.scoping import scope_van
from kandidaten.selectors import kandidaten as selectors
from kandidaten.services import lijstvoorkeuren
from kandidaten.tables import (
    EXPORT_COLUMNS,
    EXPORT_FIELDS,
    STANDAARD_KOLOMMEN,
    VASTE_KOLOMMEN,
    KandidaatTable,
    kolom_keuzes,
)

PER_PAGE_CHOICES = (25, 50, 100, 250)
MIJN, ALLE = "mijn", "alle"


@dataclass
class KandidatenLijst:
    """The list as the request asks for it: filters, sort, "Mijn kandidaten" or all, and the queryset."""

    filterset: KandidaatFilter
    sortering: selectors.Sortering
    weergave: str | None  # MIJN or ALLE; None for a user without clients of their own
    eigen_naam: str
    queryset: object
    basis: QueryDict  # the request's query with the effective weergave, without page and download

    def index_dekt(self):
        kolommen = self.filterset.gefilterde_kolommen()
        if kolommen is not None and self.weergave == MIJN:
            kolommen |= {"begeleider"}
        return kolommen is not None and kolommen <= selectors.gemeente_index_kolommen()


def _kandidaten_lijst(request):
    scope = scope_van(request)
    filterset = KandidaatFilter(request.GET or None, queryset=selectors.kandidaten(scope, ook_niet_in_bron=True),
                                scope=scope)
    eigen = request.user.begeleider_naam
    weergave_ = _weergave(request, eigen, filterset.options)
    queryset = filterset.qs
    if weergave_ == MIJN:
        queryset = queryset.van_begeleider(eigen)
    basis = request.GET.copy()
    for name in ("page", "_export"):
        basis.pop(name, None)
    if weergave_:
        basis["weergave"] = weergave_
    return KandidatenLijst(filterset, selectors.Sortering.van(request.GET.get("sort")), weergave_, eigen, queryset,
                           basis)


def _weergave(request, eigen, opties):
    """"Mijn kandidaten" is where a begeleider lands; any link with filters shows what it says (a chart's
    link counts the whole gemeente), and the page offers the other with one click."""
    if not eigen or eigen not in opties.begeleiders:
        return None
    gekozen = request.GET.get("weergave")
    if gekozen in (MIJN, ALLE):
        return gekozen
    return MIJN if not request.GET else ALLE


def lijst(request):
    lijst_ = _kandidaten_lijst(request)
    export_format = request.GET.get("_export")
    if export_format in FORMATS:
        return _export(request, lijst_, export_format)
    opties = lijst_.filterset.options
    paginator = selectors.lijst_paginator(
        lijst_.queryset, lijst_.sortering, pagina_grootte(request, PER_PAGE_CHOICES, 50),
        gemeente_volgorde=[pk for pk, _naam in opties.gemeenten], index_dekt=lijst_.index_dekt(),
    )
    page, gevraagd = paginator.pagina(request.GET.get("page"))
    kolommen = lijstvoorkeuren.kolommen(request, "kandidaten", STANDAARD_KOLOMMEN)
    table = KandidaatTable(page.object_list, sortering=lijst_.sortering, gemeente_namen=dict(opties.gemeenten),
                           kolommen=kolommen)
    context = {
        "filter": lijst_.filterset,
        "lijst": lijst_,
        "chips": lijst_.filterset.chips(lijst_.basis) if request.GET else [],
        "table": table,
        "page": page,
        "gevraagde_pagina": gevraagd,
        "per_page": paginator.per_page,
        "per_page_choices": PER_PAGE_CHOICES,
        "kolom_keuzes": kolom_keuzes(),
        "kolommen": kolommen,
        "sorteer_keuzes": [(column.name, column.header) for column in table.columns if column.orderable],
        "can_export": mag_exporteren(request.user),
    }
    template = "kandidaten/kandidaten/lijst.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#resultaat"
    return render(request, template, context)


def _export(request, lijst_, export_format):
    eis_exportrecht(request.user)
    filters = {**_audit_filters(lijst_.filterset), "sort": lijst_.sortering.param}
    if lijst_.weergave == MIJN:
        filters["begeleider"] = [lijst_.eigen_naam]
    return export_response(
        request, rows=selectors.export_rijen(lijst_.queryset, lijst_.sortering, EXPORT_FIELDS),
        columns=EXPORT_COLUMNS, fmt=export_format, filename_base="kandidaten", description="Kandidatenlijst",
        filters=filters,
    )


def _audit_filters(filterset):
    return {
        name: (list(value) if isinstance(value, (list, tuple)) else value)
        for name, value in filterset.active().items()
    }


@require_POST
def kolommen(request):
    """Remember the columns this user wants in the candidate list, then back to the list as it was."""
    toegestaan = {name for name, _label in kolom_keuzes()}
    gekozen = [name for name in request.POST.getlist("kolom") if name in toegestaan]
    volgorde = [name for name in KandidaatTable.base_columns if name in gekozen or name in VASTE_KOLOMMEN]
    lijstvoorkeuren.bewaar_kolommen(request, "kandidaten", volgorde)
    terug = BewaardeLijst.schone_query(request.POST.get("terug", ""))
    return redirect(f"{reverse('kandidaten:lijst')}?{terug}#resultaat")


# --- the client page -------------------------------------------------------------------------------

def detail(request, pk):
    # Another gemeente's client does not exist for this user: 404, not 403.
    kandidaat = get_object_or_404(
        scope_van(request).kandidaten().met_nodig_sinds().select_related("gemeente__regio"), pk=pk
    )
    AuditEvent.record(request, AuditEvent.Actie.KANDIDAAT_BEKEKEN, f"Kandidaat {kandidaat.pers_nr} ({kandidaat.pk})",
                      gemeenten=[kandidaat.gemeente_id])
    return render(request, "kandidaten/kandidaten/detail.html", {
        "kandidaat": kandidaat,
        "dagen": selectors.dagen_wachtend(kandidaat.nodig_sinds),
        "waarom": selectors.waarom(kandidaat),
        "geschiedenis": selectors.geschiedenis(kandidaat),
        "items": selectors.items_van(kandidaat),
    })
