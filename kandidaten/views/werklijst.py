"""The "profiel nodig" worklist and its follow-up (docs/kandidaten.md, docs/team.md). Thin: the queries are
`selectors.kandidaten`, who may set a follow-up and what setting it writes `services.opvolging`."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from kandidaten import weergave
from kandidaten.exporting import FORMATS, ExportColumn, eis_exportrecht, export_response, mag_exporteren
from kandidaten.fields import DatumVeld
from kandidaten.models import OpvolgingStatus
from kandidaten.models.kandidaat import GEEN_BEGELEIDER
from kandidaten.paging import LijstPaginator, pagina_grootte
from kandidaten.scoping import scope_van
from kandidaten.selectors import kandidaten as selectors
from kandidaten.selectors import keuzes
from kandidaten.services import opvolging
from kandidaten.views.lijstdelen import kolomkoppen
from kandidaten.widgets import FastSelect

WERKLIJST_PER_PAGINA = (25, 50, 100)
WERKLIJST_KOLOMMEN = [("naam", "Naam"), ("pers_nr", "Pers. nr."), ("gemeente", "Bet. gemeente"),
                      ("klantprofiel", "Sonar - Klantprofiel"), ("sinds", "Profiel nodig sinds")]


def _volg(attribuut):
    """An export accessor of the client's follow-up ("" when none was set: open)."""
    def waarde(kandidaat):
        stand = opvolging.huidige(kandidaat)
        return getattr(stand, attribuut) if stand is not None else None
    return waarde


WERKLIJST_EXPORT = [
    ExportColumn("Naam", "naam", 28),
    ExportColumn("Pers. nr.", lambda k: weergave.pers_nr(k.pers_nr), 12),
    ExportColumn("Bet. gemeente", lambda k: k.gemeente.naam, 18),
    ExportColumn("Sonar - Klantprofiel", lambda k: weergave.klantprofiel(k.klantprofiel), 14),
    ExportColumn("Profiel nodig sinds", "nodig_sinds", 14),
    ExportColumn("Dagen wachtend", lambda k: selectors.dagen_wachtend(k.nodig_sinds), 10),
    ExportColumn("Sinds de eerste import", lambda k: weergave.ja_nee(k.nodig_sinds_onbekend), 10),
    ExportColumn("Opvolging", lambda k: weergave.opvolging(_volg("status")(k)), 18),
    ExportColumn("Reden", _volg("reden"), 24),
    ExportColumn("Notitie", _volg("notitie"), 36),
    ExportColumn("Datum opvolging", _volg("datum"), 14),
    ExportColumn("Opvolging gezet door", _volg("gewijzigd_door_naam"), 16),
]


class WerklijstForm(forms.Form):
    """The worklist's choice of begeleider and its filters; every value lives in the URL."""

    begeleider = forms.ChoiceField(
        label="Begeleider", required=False, widget=FastSelect,
        error_messages={"invalid_choice": "Deze begeleider komt bij uw kandidaten niet voor."},
    )
    gemeente = forms.TypedChoiceField(
        label="Gemeente", required=False, coerce=int, empty_value=None, widget=FastSelect,
        error_messages={"invalid_choice": "Deze gemeente hoort niet bij uw gemeenten."},
    )
    opvolging = forms.ChoiceField(
        label="Opvolging", required=False, widget=FastSelect,
        choices=[("", "Alle")] + OpvolgingStatus.choices,
        error_messages={"invalid_choice": "Kies een stand van de opvolging uit de lijst."},
    )
    sinds_voor = DatumVeld(
        label="Profiel nodig sinds vóór", required=False,
        error_messages={"invalid": "Vul de datum in als dd-mm-jjjj, bijvoorbeeld 01-03-2026."},
    )

    def __init__(self, data, *, begeleiders, gemeenten):
        super().__init__(data)
        self.fields["begeleider"].choices = [("", "Kies een begeleider")] + [(naam, naam) for naam in begeleiders]
        self.fields["gemeente"].choices = [("", "Alle gemeenten")] + [(str(pk), naam) for pk, naam in gemeenten]


@dataclass
class Werklijst:
    """The worklist as the request asks for it."""

    form: WerklijstForm
    begeleider: str  # "" when none is chosen (or the chosen one is not in scope)
    filters: dict  # gemeente, opvolging, sinds_voor as selectors.werklijst takes them
    sortering: selectors.Sortering
    queryset: object

    def audit(self):
        gekozen = {naam: waarde for naam, waarde in self.filters.items() if waarde not in (None, "")}
        if gekozen.get("sinds_voor"):
            gekozen["sinds_voor"] = gekozen["sinds_voor"].isoformat()
        return {"begeleider": self.begeleider, **gekozen, "sort": self.sortering.param}


def _werklijst(request, scope, opties):
    form = WerklijstForm(request.GET, begeleiders=opties.begeleiders, gemeenten=opties.gemeenten)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    if "begeleider" in form.errors:
        begeleider = ""
    else:
        begeleider = cleaned.get("begeleider") or request.user.begeleider_naam
        begeleider = begeleider if begeleider in opties.begeleiders else ""
    filters = {"gemeente": cleaned.get("gemeente"), "opvolging": cleaned.get("opvolging") or "",
               "sinds_voor": cleaned.get("sinds_voor")}
    sortering = selectors.Sortering.van(request.GET.get("sort"), selectors.WERKLIJST_SORTERINGEN, "sinds")
    queryset = selectors.werklijst(scope, begeleider, **filters)
    return Werklijst(form, begeleider, filters, sortering,
                     queryset.order_by(*sortering.order_by(selectors.WERKLIJST_SORTERINGEN)))


def profiel_nodig(request):
    """A begeleider's worklist with the follow-up of each client, filtered, paged, sortable and exportable; for
    whoever sees the team (teamleiders, beheer) also the counts per begeleider."""
    scope = scope_van(request)
    opties = keuzes.keuzes(scope)
    lijst = _werklijst(request, scope, opties)
    export_format = request.GET.get("_export")
    if lijst.begeleider and export_format in FORMATS:
        eis_exportrecht(request.user)
        return export_response(
            request, rows=lijst.queryset, columns=WERKLIJST_EXPORT, fmt=export_format, filename_base="profiel-nodig",
            description=f"Werklijst profiel nodig van {lijst.begeleider}", filters=lijst.audit(),
        )
    per_page = pagina_grootte(request, WERKLIJST_PER_PAGINA, 25)
    queryset = lijst.queryset
    paginator = LijstPaginator(per_page, tel=queryset.count if lijst.begeleider else lambda: 0,
                               lees=lambda bottom, top: list(queryset[bottom:top]))
    page, gevraagd = paginator.pagina(request.GET.get("page"))
    _bij_de_rijen(request, page.object_list)
    overzicht = selectors.per_begeleider(scope) if request.user.has_perm("kandidaten.view_teamoverzicht") else []
    template = "kandidaten/kandidaten/profiel_nodig.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#werklijst"
    return render(request, template, {
        "lijst": lijst,
        "form": lijst.form,
        "begeleider": lijst.begeleider,
        "page": page,
        "gevraagde_pagina": gevraagd,
        "per_page": per_page,
        "per_page_choices": WERKLIJST_PER_PAGINA,
        "koppen": kolomkoppen(WERKLIJST_KOLOMMEN, lijst.sortering.param),
        "sort": lijst.sortering.param,
        "can_export": mag_exporteren(request.user),
        "statussen": OpvolgingStatus.choices,
        "overview": overzicht,
        "totaal": {"nodig": sum(row.profiel_nodig for row in overzicht),
                   "telt": sum(row.telt_in_sonar for row in overzicht)},
    })


def _bij_de_rijen(request, kandidaten):
    """What each row shows beside the client: days waiting, the follow-up, whether this user may set it."""
    vandaag = timezone.localdate()
    for kandidaat in kandidaten:
        kandidaat.dagen = selectors.dagen_wachtend(kandidaat.nodig_sinds, vandaag)
        kandidaat.volg = opvolging.huidige(kandidaat)
        kandidaat.mag_opvolgen = opvolging.mag_opvolgen(request.user, kandidaat)
        if kandidaat.mag_opvolgen:
            kandidaat.cel = _celwaarden(kandidaat.volg)


def _celwaarden(volg, form=None):
    """The values a row's follow-up form shows: what was just submitted (with errors), else the current stand.
    Written into the row's HTML directly: a Django form per row cost a widget rendering per field per row."""
    if form is not None and form.is_bound:
        return {naam: form.data.get(naam, "") for naam in ("status", "reden", "notitie", "datum")}
    if volg is None:
        return {"status": OpvolgingStatus.OPEN, "reden": "", "notitie": "", "datum": ""}
    return {"status": volg.status, "reden": volg.reden, "notitie": volg.notitie, "datum": weergave.datum(volg.datum)}


# --- setting the follow-up -------------------------------------------------------------------------------

class OpvolgingForm(forms.Form):
    status = forms.ChoiceField(label="Opvolging", choices=OpvolgingStatus.choices)
    reden = forms.CharField(label="Reden (bij niet mogelijk)", max_length=200, required=False)
    notitie = forms.CharField(label="Notitie", max_length=500, required=False)
    datum = DatumVeld(label="Datum", required=False, help_text="dd-mm-jjjj; leeg is vandaag")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == OpvolgingStatus.NIET_MOGELIJK and not (cleaned.get("reden") or "").strip():
            self.add_error("reden", "Geef bij ‘Niet mogelijk’ een reden.")
        return cleaned

    def stand(self):
        data = self.cleaned_data
        return opvolging.Stand(data["status"], data.get("datum") or timezone.localdate(), data["reden"].strip(),
                               data["notitie"].strip())


@require_http_methods(["GET", "POST"])
def opvolging_view(request, pk):
    """One client's follow-up: the form (for whoever may set it) and its history. A POST from the worklist's row
    (htmx) answers with that cell; without JavaScript it goes back to the worklist, or shows the form's errors."""
    kandidaat = get_object_or_404(
        selectors.kandidaten(scope_van(request)).met_nodig_sinds().select_related("gemeente", "opvolging"), pk=pk
    )
    mag = opvolging.mag_opvolgen(request.user, kandidaat)
    form = OpvolgingForm(request.POST if request.method == "POST" else None, initial=_initieel(kandidaat))
    if request.method == "POST":
        if not mag:
            raise PermissionDenied("U mag de opvolging van deze kandidaat niet zetten.")
        if not kandidaat.profiel_nodig:
            form.add_error(None, "Deze kandidaat heeft geen profiel meer nodig: er is niets op te volgen.")
        if form.is_valid():
            gewijzigd = opvolging.zet(request, kandidaat, form.stand())
            return _na_opslaan(request, kandidaat, gewijzigd)
        if request.htmx:
            return _cel(request, kandidaat, form, melding="Niet opgeslagen: " + " ".join(_fouten(form)))

    return render(request, "kandidaten/kandidaten/opvolging.html", {
        "kandidaat": kandidaat, "volg": opvolging.huidige(kandidaat), "form": form, "mag_opvolgen": mag,
        "geschiedenis": opvolging.geschiedenis(kandidaat), "terug": _terug(request, kandidaat),
        "dagen": selectors.dagen_wachtend(kandidaat.nodig_sinds),
    })


def _initieel(kandidaat):
    volg = opvolging.huidige(kandidaat)
    if volg is None:
        return {"status": OpvolgingStatus.OPEN}
    return {"status": volg.status, "reden": volg.reden, "notitie": volg.notitie, "datum": volg.datum}


def _fouten(form):
    return [str(fout) for fouten in form.errors.values() for fout in fouten]


def _na_opslaan(request, kandidaat, gewijzigd):
    label = weergave.opvolging(kandidaat.opvolging.status)
    melding = f"Opvolging van {kandidaat.naam}: {label}" + ("." if gewijzigd else " (niets gewijzigd).")
    if request.htmx:
        return _cel(request, kandidaat, OpvolgingForm(), melding=melding)
    messages.success(request, melding)
    return redirect(_terug(request, kandidaat))


def _cel(request, kandidaat, form, *, melding):
    """The worklist row's follow-up cell (htmx swaps it in place) and the page's status message."""
    kandidaat.volg = opvolging.huidige(kandidaat)
    kandidaat.mag_opvolgen = True
    kandidaat.cel = _celwaarden(kandidaat.volg, form)
    return render(request, "kandidaten/kandidaten/profiel_nodig.html#opvolging-cel", {
        "k": kandidaat, "statussen": OpvolgingStatus.choices, "fouten": form.errors, "melding": melding,
        "andere_fouten": [fout for veld, fouten in form.errors.items() if veld not in ("reden", "datum")
                          for fout in fouten],
        "terug": _terug(request, kandidaat),
    })


def _terug(request, kandidaat):
    """Where to go after saving: the worklist the user came from (a path of this site), else the client's."""
    terug = request.POST.get("terug") or request.GET.get("terug") or ""
    if terug.startswith("/") and url_has_allowed_host_and_scheme(terug, allowed_hosts={request.get_host()}):
        return terug
    return f"{reverse('kandidaten:profiel_nodig')}?{urlencode({'begeleider': kandidaat.begeleider or GEEN_BEGELEIDER})}"
